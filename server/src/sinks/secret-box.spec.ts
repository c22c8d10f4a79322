import { randomBytes } from 'node:crypto';
import { open, seal, SecretUnreadable } from './secret-box';

describe('secret box', () => {
  const key = randomBytes(32);

  it('opens what it sealed, and never holds the plaintext in the sealed text', () => {
    const sealed = seal('{"username":"wago","password":"hunter2"}', key);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('hunter2');
    expect(open(sealed, key)).toBe('{"username":"wago","password":"hunter2"}');
  });

  it('seals the same text differently each time', () => {
    expect(seal('same', key)).not.toBe(seal('same', key));
  });

  it('refuses to open with another key, or a text altered by one character', () => {
    const sealed = seal('secret', key);
    expect(() => open(sealed, randomBytes(32))).toThrow(SecretUnreadable);
    const altered = sealed.slice(0, -1) + (sealed.endsWith('A') ? 'B' : 'A');
    expect(() => open(altered, key)).toThrow(SecretUnreadable);
    expect(() => open('not sealed', key)).toThrow(SecretUnreadable);
  });
});
