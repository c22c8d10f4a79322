import { generateKeyPair, keyPairFromPrivate, sharedKey, sign, verify } from './crypto';

describe('keyPairFromPrivate', () => {
  it('derives the same public key the key pair was generated with', () => {
    const generated = generateKeyPair();
    expect(keyPairFromPrivate(generated.private).public.equals(generated.public)).toBe(true);
  });

  it('gives a key pair that agrees and signs like a generated one', () => {
    const restored = keyPairFromPrivate(generateKeyPair().private);
    const other = generateKeyPair();
    expect(sharedKey(restored.private, other.public).equals(sharedKey(other.private, restored.public))).toBe(true);
    const message = Buffer.from('intermediate certificate details');
    expect(verify(restored.public, message, sign(restored.private, message))).toBe(true);
  });
});
