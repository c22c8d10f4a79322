import { parseRange } from './media-range';
import { RangeNotSatisfiableError } from './media.errors';

describe('parseRange', () => {
  it.each([
    ['bytes=0-99', { start: 0, end: 99 }],
    ['bytes=100-', { start: 100, end: 999 }],
    ['bytes=-100', { start: 900, end: 999 }],
    ['bytes=-5000', { start: 0, end: 999 }],
    ['bytes=990-5000', { start: 990, end: 999 }],
    ['bytes=999-999', { start: 999, end: 999 }],
    ['BYTES= 5 - 9 ', { start: 5, end: 9 }],
  ])('reads %s of a 1000-byte file', (header, range) => {
    expect(parseRange(header, 1000)).toEqual(range);
  });

  it.each([undefined, '', 'items=0-9', 'bytes=0-9,20-29', 'bytes=9-0', 'bytes=-', 'bytes=a-b'])(
    'serves the whole file for %p',
    (header) => {
      expect(parseRange(header, 1000)).toBeUndefined();
    },
  );

  it.each(['bytes=1000-', 'bytes=2000-3000', 'bytes=-0'])('refuses %s of a 1000-byte file', (header) => {
    expect(() => parseRange(header, 1000)).toThrow(RangeNotSatisfiableError);
  });

  it('refuses any range of an empty file', () => {
    expect(() => parseRange('bytes=0-', 0)).toThrow(RangeNotSatisfiableError);
    expect(() => parseRange('bytes=-10', 0)).toThrow(RangeNotSatisfiableError);
  });
});
