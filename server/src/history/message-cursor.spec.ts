import { BadRequestError } from '../core/errors/domain-errors';
import { decodeCursor, encodeCursor } from './message-cursor';

describe('message cursors', () => {
  it('give back the position they were made from', () => {
    const cursor = { timestamp: new Date('2025-01-02T03:04:05.000Z'), seq: '9007199254740993' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['not base64 JSON', 'not a cursor'],
    ['a JSON object', Buffer.from('{"t":1}').toString('base64url')],
    ['a bad date', Buffer.from('["yesterday","1"]').toString('base64url')],
    ['a non-numeric order', Buffer.from('["2025-01-02T03:04:05.000Z","1 OR 1=1"]').toString('base64url')],
    ['too many parts', Buffer.from('["2025-01-02T03:04:05.000Z","1","x"]').toString('base64url')],
  ])('refuse %s with a 400', (_what, value) => {
    expect(() => decodeCursor(value)).toThrow(BadRequestError);
  });
});
