import { verify, signalPublicKey } from './crypto';
import { AccountRegistry, PreKeyStore } from './accounts';

describe('PreKeyStore', () => {
  const key = (fill: number): Buffer => Buffer.alloc(32, fill);

  it('hands out each uploaded pre-key once, oldest upload first', () => {
    const store = new PreKeyStore();
    store.add([
      { keyId: 1, publicKey: key(1) },
      { keyId: 2, publicKey: key(2) },
    ]);
    store.add([{ keyId: 3, publicKey: key(3) }]);
    expect(store.count).toBe(3);
    expect([store.take(), store.take(), store.take()].map((preKey) => preKey?.keyId)).toEqual([1, 2, 3]);
    expect(store.take()).toBeUndefined();
    expect(store.count).toBe(0);
  });

  it('keeps the key bytes it was given and ignores keys of the wrong length', () => {
    const store = new PreKeyStore();
    store.add([
      { keyId: 7, publicKey: key(7) },
      { keyId: 8, publicKey: Buffer.alloc(31) },
    ]);
    expect(store.list()).toEqual([{ keyId: 7, publicKey: key(7) }]);
  });
});

describe('AccountRegistry', () => {
  it('gives each account a PN JID, a distinct 15-digit LID and a phone identity that signs its pre-key', () => {
    const registry = new AccountRegistry();
    const alice = registry.create('15550000001', 'Alice');
    const bob = registry.create('15550000002', 'Bob');
    expect(alice.jid).toBe('15550000001@s.whatsapp.net');
    expect(alice.lid).toMatch(/^\d{15}@lid$/);
    expect(alice.lid).not.toBe(bob.lid);
    expect(registry.byLid(alice.lidUser)).toBe(alice);
    const { identityKey, signedPreKey } = alice.identity;
    expect(verify(identityKey.public, signalPublicKey(signedPreKey.keyPair.public), signedPreKey.signature)).toBe(true);
  });

  it('never reuses a device id, like WhatsApp after an unlink', () => {
    const account = new AccountRegistry().create('15550000003', 'Carol');
    const first = account.allocateDevice();
    const second = account.allocateDevice();
    expect([first.deviceId, second.deviceId]).toEqual([1, 2]);
    expect(second.keyIndex).toBeGreaterThan(first.keyIndex);
  });
});
