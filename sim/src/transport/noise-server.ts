// The responder side of WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake, mirroring Baileys' Utils/noise-handler.
import {
  aesGcmDecrypt,
  aesGcmEncrypt,
  generateKeyPair,
  hkdf,
  ownedCopy,
  sha256,
  sharedKey,
  type KeyPair,
} from '../core/crypto';

const NOISE_MODE = Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0');
const IV_LENGTH = 12;
const EMPTY = Buffer.alloc(0);

function counterIv(counter: number): Buffer {
  const iv = Buffer.alloc(IV_LENGTH);
  iv.writeUInt32BE(counter, 8);
  return iv;
}

/** The encrypted stream after the handshake: one key and counter per direction. */
export class NoiseTransport {
  private readCounter = 0;
  private writeCounter = 0;

  constructor(
    private readonly encryptKey: Buffer,
    private readonly decryptKey: Buffer,
  ) {}

  encrypt(plaintext: Uint8Array): Buffer {
    return aesGcmEncrypt(plaintext, this.encryptKey, counterIv(this.writeCounter++), Buffer.alloc(0));
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    return aesGcmDecrypt(ciphertext, this.decryptKey, counterIv(this.readCounter++), Buffer.alloc(0));
  }
}

export interface ServerHello {
  ephemeral: Buffer;
  static: Buffer;
  payload: Buffer;
}

export class NoiseServerHandshake {
  // The mode name is exactly 32 bytes, so it is the initial hash as is (Noise pads, never hashes, such names).
  private hash: Buffer = NOISE_MODE;
  private salt: Buffer = NOISE_MODE;
  private key: Buffer = NOISE_MODE;
  private counter = 0;
  private readonly ephemeral: KeyPair = generateKeyPair();

  constructor(
    prologue: Buffer,
    private readonly serverStatic: KeyPair,
  ) {
    this.authenticate(prologue);
  }

  /** Answers the client's ephemeral key with ours, our static key and the certificate chain. */
  respond(clientEphemeral: Buffer, certificateChain: Buffer): ServerHello {
    this.authenticate(clientEphemeral);
    this.authenticate(this.ephemeral.public);
    this.mixIntoKey(sharedKey(this.ephemeral.private, clientEphemeral));
    const encryptedStatic = this.encrypt(this.serverStatic.public);
    this.mixIntoKey(sharedKey(this.serverStatic.private, clientEphemeral));
    const payload = this.encrypt(certificateChain);
    return { ephemeral: this.ephemeral.public, static: encryptedStatic, payload };
  }

  /** Reads the client's static key and login payload; throws if the client could not follow the handshake. */
  finish(
    encryptedStatic: Buffer,
    encryptedPayload: Buffer,
  ): { clientStatic: Buffer; payload: Buffer; transport: NoiseTransport } {
    const clientStatic = ownedCopy(this.decrypt(encryptedStatic));
    this.mixIntoKey(sharedKey(this.ephemeral.private, clientStatic));
    const payload = this.decrypt(encryptedPayload);
    const keys = hkdf(Buffer.alloc(0), 64, { salt: this.salt });
    // The client encrypts with the first half and decrypts with the second.
    return { clientStatic, payload, transport: new NoiseTransport(keys.subarray(32), keys.subarray(0, 32)) };
  }

  private authenticate(data: Uint8Array): void {
    this.hash = sha256(Buffer.concat([this.hash, data]));
  }

  private mixIntoKey(material: Buffer): void {
    const derived = hkdf(material, 64, { salt: this.salt });
    this.salt = derived.subarray(0, 32);
    this.key = derived.subarray(32);
    this.counter = 0;
  }

  private encrypt(plaintext: Uint8Array): Buffer {
    const ciphertext = aesGcmEncrypt(plaintext, this.key, counterIv(this.counter++), this.hash);
    this.authenticate(ciphertext);
    return ciphertext;
  }

  private decrypt(ciphertext: Uint8Array): Buffer {
    const plaintext = aesGcmDecrypt(ciphertext, this.key, counterIv(this.counter++), this.hash);
    this.authenticate(ciphertext);
    return plaintext;
  }
}

/** Splits the byte stream into frames (3-byte big-endian length prefix), after the client's one-time intro header. */
export class FrameReader {
  private buffered: Buffer = EMPTY;
  private prologue: Buffer | undefined;

  /** The intro header the client sent ('WA', version, dictionary version), once it has arrived. */
  get header(): Buffer | undefined {
    return this.prologue;
  }

  push(data: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data]);
    if (!this.prologue && !this.readPrologue()) return [];
    const frames: Buffer[] = [];
    while (this.buffered.length >= 3) {
      const size = this.buffered.readUIntBE(0, 3);
      if (this.buffered.length < size + 3) break;
      frames.push(this.buffered.subarray(3, size + 3));
      this.buffered = this.buffered.subarray(size + 3);
    }
    // A view on the last read would keep that whole read alive (the 812-key upload is ~60 KB) for every device.
    this.buffered = this.buffered.length === 0 ? EMPTY : ownedCopy(this.buffered);
    return frames;
  }

  private readPrologue(): boolean {
    let offset = 0;
    // A client that was given routing info prefixes it ('ED', 0, 1, 3-byte length, data) to the header.
    if (this.buffered.length >= 2 && this.buffered.toString('latin1', 0, 2) === 'ED') {
      if (this.buffered.length < 7) return false;
      offset = 7 + this.buffered.readUIntBE(4, 3);
    }
    if (this.buffered.length < offset + 4) return false;
    this.prologue = ownedCopy(this.buffered.subarray(offset, offset + 4));
    this.buffered = this.buffered.subarray(offset + 4);
    return true;
  }
}

export function encodeFrame(data: Uint8Array): Buffer {
  const frame = Buffer.alloc(data.length + 3);
  frame.writeUIntBE(data.length, 0, 3);
  frame.set(data, 3);
  return frame;
}
