// Curve25519 (X25519 agreement, XEdDSA signatures as Signal does them) and the symmetric primitives of the protocol.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  randomInt,
} from 'node:crypto';
import * as libsignal from 'libsignal';

/** A Curve25519 key pair as Baileys stores it: 32-byte public key without Signal's 0x05 type prefix. */
export interface KeyPair {
  public: Buffer;
  private: Buffer;
}

export interface SignedPreKey {
  keyId: number;
  keyPair: KeyPair;
  signature: Buffer;
}

interface LibsignalCurve {
  generateKeyPair(): { pubKey: Buffer; privKey: Buffer };
  calculateAgreement(publicKey: Buffer, privateKey: Buffer): Buffer;
  calculateSignature(privateKey: Buffer, message: Buffer): Buffer;
  verifySignature(publicKey: Buffer, message: Buffer, signature: Buffer): boolean;
}

// libsignal exports its curve module at runtime, but its type declarations leave it out.
const curve = (libsignal as unknown as { curve: LibsignalCurve }).curve;
const KEY_TYPE_DJB = 5;

/**
 * Copies bytes into an allocation of their own. Small Buffers otherwise come from Node's shared pool, and one
 * long-lived 32-byte key keeps its whole 64 KB pool slab alive: with hundreds of devices that dominates memory.
 */
export function ownedCopy(bytes: Uint8Array): Buffer {
  const copy = Buffer.alloc(bytes.length);
  copy.set(bytes);
  return copy;
}

export function signalPublicKey(publicKey: Uint8Array): Buffer {
  return publicKey.length === 33 ? Buffer.from(publicKey) : Buffer.concat([Buffer.from([KEY_TYPE_DJB]), publicKey]);
}

export function generateKeyPair(): KeyPair {
  const { pubKey, privKey } = curve.generateKeyPair();
  return { public: ownedCopy(pubKey.subarray(1)), private: ownedCopy(privKey) };
}

const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The key pair of a stored 32-byte private key (e.g. a root key kept across restarts). */
export function keyPairFromPrivate(privateKey: Uint8Array): KeyPair {
  if (privateKey.length !== 32) throw new Error('a Curve25519 private key is 32 bytes');
  const key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, privateKey]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return { public: ownedCopy(spki.subarray(spki.length - 32)), private: ownedCopy(privateKey) };
}

export function sharedKey(privateKey: Uint8Array, publicKey: Uint8Array): Buffer {
  return Buffer.from(curve.calculateAgreement(signalPublicKey(publicKey), Buffer.from(privateKey)));
}

export function sign(privateKey: Uint8Array, message: Uint8Array): Buffer {
  return Buffer.from(curve.calculateSignature(Buffer.from(privateKey), Buffer.from(message)));
}

export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return curve.verifySignature(signalPublicKey(publicKey), Buffer.from(message), Buffer.from(signature)) === true;
  } catch {
    return false;
  }
}

export function generateSignedPreKey(identity: KeyPair, keyId: number): SignedPreKey {
  const keyPair = generateKeyPair();
  return { keyId, keyPair, signature: ownedCopy(sign(identity.private, signalPublicKey(keyPair.public))) };
}

/** A Signal registration id: 14 bits, never zero. */
export function generateRegistrationId(): number {
  return randomInt(1, 16380);
}

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function hkdf(key: Uint8Array, length: number, options: { salt?: Uint8Array; info?: string } = {}): Buffer {
  return Buffer.from(hkdfSync('sha256', key, options.salt ?? Buffer.alloc(0), options.info ?? '', length));
}

const GCM_TAG_LENGTH = 16;

export function aesGcmEncrypt(plaintext: Uint8Array, key: Uint8Array, iv: Uint8Array, aad: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function aesGcmDecrypt(ciphertext: Uint8Array, key: Uint8Array, iv: Uint8Array, aad: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - GCM_TAG_LENGTH));
  return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - GCM_TAG_LENGTH)), decipher.final()]);
}

export function aesCtr(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}
