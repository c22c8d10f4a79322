// The Signal side of one simulated phone (device 0 of a sim account): its keys, its pairwise sessions with linked
// devices and its group sender keys. Baileys' own libsignal repository does the cryptography.
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js' with { 'resolution-mode': 'import' };
import type { KeyPair, SignalCreds, proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import { type Baileys, type SignalRepository, loadBaileys } from './baileys';
import { MemoryKeyStore } from './key-store';

export type EncryptedType = 'pkmsg' | 'msg';

/** What an `encrypt` key fetch answers for one device: the keys a client needs to start a session with it. */
export interface PreKeyBundle {
  registrationId: number;
  /** Curve25519 public keys without the 0x05 type byte, as they travel in `<identity>`/`<value>` nodes. */
  identityKey: Uint8Array;
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  preKey: { keyId: number; publicKey: Uint8Array };
}

/** One-time pre-key ids are 24-bit on the wire. */
const MAX_PRE_KEY_ID = 0xffffff;

export class AccountSignal {
  private nextPreKeyId = 1;

  private constructor(
    private readonly baileys: Baileys,
    private readonly creds: SignalCreds,
    private readonly keys: MemoryKeyStore,
    private readonly repository: SignalRepository,
  ) {}

  /** identityKey: the account's identity key pair when the caller already has one (the one that signs its devices). */
  static async create(logger: ILogger, identityKey?: KeyPair): Promise<AccountSignal> {
    const baileys = await loadBaileys();
    const signedIdentityKey = identityKey ?? baileys.Curve.generateKeyPair();
    const creds: SignalCreds = {
      signedIdentityKey,
      signedPreKey: baileys.signedKeyPair(signedIdentityKey, 1),
      registrationId: baileys.generateRegistrationId(),
    };
    const keys = new MemoryKeyStore();
    const repository = baileys.DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds, keys }, logger);
    return new AccountSignal(baileys, creds, keys, repository);
  }

  get identityKey(): Uint8Array {
    return this.creds.signedIdentityKey.public;
  }

  /** Hands out a fresh one-time pre-key with every bundle, as the server does until a phone runs out. */
  nextPreKeyBundle(): PreKeyBundle {
    const keyId = this.nextPreKeyId;
    this.nextPreKeyId = keyId >= MAX_PRE_KEY_ID ? 1 : keyId + 1;
    const preKey = this.baileys.Curve.generateKeyPair();
    this.keys.set({ 'pre-key': { [keyId]: preKey } });
    const { signedPreKey } = this.creds;
    return {
      registrationId: this.creds.registrationId,
      identityKey: this.creds.signedIdentityKey.public,
      signedPreKey: {
        keyId: signedPreKey.keyId,
        publicKey: signedPreKey.keyPair.public,
        signature: signedPreKey.signature,
      },
      preKey: { keyId, publicKey: preKey.public },
    };
  }

  async hasSession(deviceJid: string): Promise<boolean> {
    return (await this.repository.validateSession(deviceJid)).exists;
  }

  /** Starts a session with a linked device from the keys it uploaded (what a phone fetches before its first message). */
  async startSession(deviceJid: string, bundle: PreKeyBundle): Promise<void> {
    const { generateSignalPubKey } = this.baileys;
    await this.repository.injectE2ESession({
      jid: deviceJid,
      session: {
        registrationId: bundle.registrationId,
        identityKey: generateSignalPubKey(bundle.identityKey),
        signedPreKey: { ...bundle.signedPreKey, publicKey: generateSignalPubKey(bundle.signedPreKey.publicKey) },
        preKey: { ...bundle.preKey, publicKey: generateSignalPubKey(bundle.preKey.publicKey) },
      },
    });
  }

  /** `pkmsg` until the device has answered on the session, `msg` afterwards: the Signal rule, not a sim choice. */
  async encrypt(deviceJid: string, message: proto.IMessage): Promise<{ type: EncryptedType; ciphertext: Uint8Array }> {
    const { type, ciphertext } = await this.repository.encryptMessage({
      jid: deviceJid,
      data: this.baileys.encodeWAMessage(message),
    });
    return { type, ciphertext };
  }

  async decrypt(deviceJid: string, type: EncryptedType, ciphertext: Uint8Array): Promise<proto.Message> {
    const padded = await this.repository.decryptMessage({ jid: deviceJid, type, ciphertext });
    return this.decode(padded);
  }

  /**
   * senderJid is the identity the group addresses this phone by (its LID in a LID group, its PN otherwise): the
   * receiving client names the sender key after the stanza's participant attribute.
   */
  async encryptGroup(
    groupJid: string,
    senderJid: string,
    message: proto.IMessage,
  ): Promise<{ ciphertext: Uint8Array; senderKeyDistributionMessage: Uint8Array }> {
    return this.repository.encryptGroupMessage({
      group: groupJid,
      meId: senderJid,
      data: this.baileys.encodeWAMessage(message),
    });
  }

  async processSenderKeyDistribution(
    authorJid: string,
    distribution: proto.Message.ISenderKeyDistributionMessage,
  ): Promise<void> {
    await this.repository.processSenderKeyDistributionMessage({ authorJid, item: distribution });
  }

  async decryptGroup(groupJid: string, authorJid: string, ciphertext: Uint8Array): Promise<proto.Message> {
    const padded = await this.repository.decryptGroupMessage({ group: groupJid, authorJid, msg: ciphertext });
    return this.decode(padded);
  }

  private decode(padded: Uint8Array): proto.Message {
    return this.baileys.proto.Message.decode(this.baileys.unpadRandomMax16(padded));
  }
}
