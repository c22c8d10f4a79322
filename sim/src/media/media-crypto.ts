// WhatsApp's media encryption, streamed: AES-256-CBC under keys expanded from a random 32-byte media key, followed by
// the first 10 bytes of an HMAC-SHA256 over iv and ciphertext. Files may be large, so nothing is held whole.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

/** What a file's keys are expanded for: message media, or a history sync payload (Baileys' `md-msg-hist`). */
export type MediaKeyKind = MediaKind | 'history';

/** Stickers are images to the key schedule, as on WhatsApp. */
const HKDF_INFO: Record<MediaKeyKind, string> = {
  image: 'WhatsApp Image Keys',
  video: 'WhatsApp Video Keys',
  audio: 'WhatsApp Audio Keys',
  document: 'WhatsApp Document Keys',
  sticker: 'WhatsApp Image Keys',
  history: 'WhatsApp History Keys',
};

const MAC_LENGTH = 10;

export interface MediaKeys {
  iv: Buffer;
  cipherKey: Buffer;
  macKey: Buffer;
}

export interface EncryptedMedia {
  mediaKey: Buffer;
  /** SHA-256 of the plaintext. */
  fileSha256: Buffer;
  /** SHA-256 of what is stored and served: ciphertext and MAC. */
  fileEncSha256: Buffer;
  /** Plaintext bytes. */
  fileLength: number;
}

export interface DecryptedMedia {
  fileSha256: Buffer;
  fileLength: number;
}

/** The stored bytes do not match the message's hashes or MAC: tampered with, truncated, or the wrong key. */
export class MediaIntegrityError extends Error {
  override name = 'MediaIntegrityError';
}

export function mediaKeys(mediaKey: Buffer, kind: MediaKeyKind): MediaKeys {
  const expanded = Buffer.from(hkdfSync('sha256', mediaKey, Buffer.alloc(0), HKDF_INFO[kind], 112));
  return { iv: expanded.subarray(0, 16), cipherKey: expanded.subarray(16, 48), macKey: expanded.subarray(48, 80) };
}

/** Encrypts `plaintext` into the file at `destination` under a fresh media key. */
export async function encryptMedia(
  plaintext: AsyncIterable<Buffer>,
  kind: MediaKeyKind,
  destination: string,
): Promise<EncryptedMedia> {
  const mediaKey = randomBytes(32);
  const { iv, cipherKey, macKey } = mediaKeys(mediaKey, kind);
  const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
  const mac = createHmac('sha256', macKey).update(iv);
  const plainHash = createHash('sha256');
  const encryptedHash = createHash('sha256');
  const file = createWriteStream(destination);
  let fileLength = 0;
  const write = async (bytes: Buffer) => {
    encryptedHash.update(bytes);
    if (!file.write(bytes)) await once(file, 'drain');
  };
  try {
    for await (const chunk of plaintext) {
      fileLength += chunk.length;
      plainHash.update(chunk);
      const encrypted = cipher.update(chunk);
      mac.update(encrypted);
      await write(encrypted);
    }
    const last = cipher.final();
    mac.update(last);
    await write(last);
    await write(mac.digest().subarray(0, MAC_LENGTH));
    file.end();
    await once(file, 'finish');
  } catch (error) {
    file.destroy();
    throw error;
  }
  return { mediaKey, fileSha256: plainHash.digest(), fileEncSha256: encryptedHash.digest(), fileLength };
}

/**
 * Checks and decrypts stored media as a receiving phone does: the SHA-256 of everything against `fileEncSha256`, the
 * trailing MAC against the ciphertext, then the padding. Reports the plaintext's hash and length.
 */
export async function decryptMedia(
  encrypted: AsyncIterable<Buffer>,
  { mediaKey, kind, fileEncSha256 }: { mediaKey: Buffer; kind: MediaKeyKind; fileEncSha256?: Buffer },
): Promise<DecryptedMedia> {
  const { iv, cipherKey, macKey } = mediaKeys(mediaKey, kind);
  const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
  const mac = createHmac('sha256', macKey).update(iv);
  const encryptedHash = createHash('sha256');
  const plainHash = createHash('sha256');
  let fileLength = 0;
  // The last MAC_LENGTH bytes seen so far may be the MAC: they are held back until more ciphertext follows.
  let tail = Buffer.alloc(0);
  const decrypt = (ciphertext: Buffer) => {
    mac.update(ciphertext);
    const plain = decipher.update(ciphertext);
    fileLength += plain.length;
    plainHash.update(plain);
  };
  for await (const chunk of encrypted) {
    encryptedHash.update(chunk);
    const joined = tail.length === 0 ? chunk : Buffer.concat([tail, chunk]);
    const cut = Math.max(0, joined.length - MAC_LENGTH);
    decrypt(joined.subarray(0, cut));
    tail = Buffer.from(joined.subarray(cut));
  }
  if (fileEncSha256 && !encryptedHash.digest().equals(fileEncSha256)) {
    throw new MediaIntegrityError('fileEncSha256 does not match the stored media');
  }
  const expectedMac = mac.digest().subarray(0, MAC_LENGTH);
  if (tail.length !== MAC_LENGTH || !timingSafeEqual(tail, expectedMac)) {
    throw new MediaIntegrityError('the media MAC does not match');
  }
  let last: Buffer;
  try {
    last = decipher.final();
  } catch {
    throw new MediaIntegrityError('the media does not decrypt (bad padding)');
  }
  fileLength += last.length;
  plainHash.update(last);
  return { fileSha256: plainHash.digest(), fileLength };
}
