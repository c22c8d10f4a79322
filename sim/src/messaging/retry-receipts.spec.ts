import { encodeUInt, type BinaryNode } from '../core/binary-node';
import { corrupted, parseRetryReceipt } from './retry-receipts';

const identityKey = Buffer.alloc(32, 1);
const signedPreKey = { keyId: 7, publicKey: Buffer.alloc(32, 2), signature: Buffer.alloc(64, 3) };
const preKey = { keyId: 42, publicKey: Buffer.alloc(32, 4) };

/** A retry receipt as Baileys' sendRetryRequest builds it. */
function retryReceipt(count: number, withKeys: boolean): BinaryNode {
  const keys: BinaryNode = {
    tag: 'keys',
    attrs: {},
    content: [
      { tag: 'type', attrs: {}, content: Buffer.from([5]) },
      { tag: 'identity', attrs: {}, content: identityKey },
      {
        tag: 'key',
        attrs: {},
        content: [
          { tag: 'id', attrs: {}, content: encodeUInt(preKey.keyId, 3) },
          { tag: 'value', attrs: {}, content: preKey.publicKey },
        ],
      },
      {
        tag: 'skey',
        attrs: {},
        content: [
          { tag: 'id', attrs: {}, content: encodeUInt(signedPreKey.keyId, 3) },
          { tag: 'value', attrs: {}, content: signedPreKey.publicKey },
          { tag: 'signature', attrs: {}, content: signedPreKey.signature },
        ],
      },
      { tag: 'device-identity', attrs: {}, content: Buffer.from('identity') },
    ],
  };
  return {
    tag: 'receipt',
    attrs: { id: '3A0123456789ABCDEF01', type: 'retry', to: '5511900000001@s.whatsapp.net' },
    content: [
      { tag: 'retry', attrs: { count: String(count), id: '3A0123456789ABCDEF01', t: '1700000000', v: '1' } },
      { tag: 'registration', attrs: {}, content: encodeUInt(1234, 4) },
      ...(withKeys ? [keys] : []),
    ],
  };
}

describe('parseRetryReceipt', () => {
  it('reads the message id and the count of a first retry, which carries no keys', () => {
    expect(parseRetryReceipt(retryReceipt(1, false))).toEqual({
      id: '3A0123456789ABCDEF01',
      count: 1,
      keys: undefined,
    });
  });

  it('reads the device keys of a later retry as a pre-key bundle', () => {
    expect(parseRetryReceipt(retryReceipt(2, true))?.keys).toEqual({
      registrationId: 1234,
      identityKey,
      signedPreKey,
      preKey,
    });
  });

  it('leaves delivery and read receipts alone', () => {
    const receipt = retryReceipt(1, false);
    expect(parseRetryReceipt({ ...receipt, attrs: { ...receipt.attrs, type: 'read' } })).toBeUndefined();
    expect(parseRetryReceipt({ tag: 'receipt', attrs: { id: '3A0123456789ABCDEF01' } })).toBeUndefined();
  });
});

describe('corrupted', () => {
  it('flips the last byte of a copy and leaves the original intact', () => {
    const original = { type: 'msg' as const, ciphertext: Buffer.from([1, 2, 3]) };
    expect(corrupted(original)).toEqual({ type: 'msg', ciphertext: Buffer.from([1, 2, 0xfc]) });
    expect(original.ciphertext).toEqual(Buffer.from([1, 2, 3]));
  });
});
