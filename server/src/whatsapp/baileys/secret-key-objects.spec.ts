import crypto, { KeyObject } from 'node:crypto';
import { asSecretKeyObject, useSecretKeyObjects } from './secret-key-objects';

describe('secret key objects', () => {
  const key = Buffer.from('0123456789abcdef0123456789abcdef');
  const iv = Buffer.alloc(12, 7);

  it('wraps byte keys and leaves every other key as it came', () => {
    expect(asSecretKeyObject(key)).toBeInstanceOf(KeyObject);
    expect(asSecretKeyObject(new Uint8Array(key))).toBeInstanceOf(KeyObject);
    expect(asSecretKeyObject('secret')).toBe('secret');
    const empty = Buffer.alloc(0);
    expect(asSecretKeyObject(empty)).toBe(empty);
    const object = crypto.createSecretKey(key);
    expect(asSecretKeyObject(object)).toBe(object);
  });

  it('hands the crypto functions a KeyObject and changes none of their output', () => {
    const hmacBefore = crypto.createHmac('sha256', key).update('payload').digest('hex');
    const sealedBefore = crypto.createCipheriv('aes-256-gcm', key, iv).update('payload');
    const originalHmac = crypto.createHmac;

    useSecretKeyObjects();
    useSecretKeyObjects();

    expect(crypto.createHmac).not.toBe(originalHmac);
    expect(crypto.createHmac('sha256', key).update('payload').digest('hex')).toBe(hmacBefore);
    expect(crypto.createHmac('sha256', '').update('payload').digest('hex')).toBe(
      originalHmac('sha256', '').update('payload').digest('hex'),
    );
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const sealed = cipher.update('payload');
    expect(sealed).toEqual(sealedBefore);
    cipher.final();
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(cipher.getAuthTag());
    expect(Buffer.concat([decipher.update(sealed), decipher.final()]).toString()).toBe('payload');
  });
});
