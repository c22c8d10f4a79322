// Secrets kept in the database (message-broker credentials), encrypted at rest with AES-256-GCM under SECRETS_KEY.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;

/** The stored text could not be decrypted: SECRETS_KEY changed since it was written, or the text was altered. */
export class SecretUnreadable extends Error {
  constructor() {
    super('The stored secret cannot be decrypted (was SECRETS_KEY changed?)');
  }
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url: the version lets a later format or key rotation tell old rows apart. */
export function seal(plaintext: string, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.');
}

export function open(sealed: string, key: Buffer): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new SecretUnreadable();
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadable();
  }
}
