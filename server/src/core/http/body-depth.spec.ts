import { nestsDeeperThan } from './body-depth';

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < levels; level++) value = level % 2 === 0 ? { inner: value } : [value];
  return value;
}

describe('nestsDeeperThan', () => {
  it('accepts a body nested exactly to the limit, objects and arrays alike', () => {
    expect(nestsDeeperThan(nested(32), 32)).toBe(false);
  });

  it('refuses a body one level beyond the limit', () => {
    expect(nestsDeeperThan(nested(33), 32)).toBe(true);
  });

  it('measures 100,000 levels without overflowing the stack', () => {
    expect(nestsDeeperThan(nested(100_000), 32)).toBe(true);
  });

  it('counts the deepest branch, not the first one', () => {
    expect(nestsDeeperThan({ shallow: 1, deep: nested(32) }, 32)).toBe(true);
  });

  it('sees scalars and empty bodies as flat', () => {
    expect(nestsDeeperThan(undefined, 32)).toBe(false);
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan({}, 1)).toBe(false);
  });
});
