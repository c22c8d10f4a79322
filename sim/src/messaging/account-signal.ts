// The Signal side of one simulated phone (device 0 of a sim account): its keys, its pairwise sessions with linked
// devices and its group sender keys. Baileys' own libsignal repository does the cryptography.
import type { KeyPair, SignalCreds, SignedKeyPair, proto } from '@whiskeysockets/baileys' with {
  'resolution-mode': 'import',
};
import type { Logger } from 'pino';
import type { WaLibrary } from '../core/wa-library';
import { MemoryKeyStore } from './key-store';

type SignalRepository = ReturnType<WaLibrary['DEFAULT_CONNECTION_CONFIG']['makeSignalRepository']>;

export type EncryptedType = 'pkmsg' | 'msg';

/** What an `encrypt` key fetch answers for one device: the keys a client needs to start a session with it. */
export interface PreKeyBundle {
  registrationId: number;
  /** Curve25519 public keys without the 0x05 type byte, as they travel in `<identity>`/`<value>` nodes. */
  identityKey: Uint8Array;
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  /** Absent once a device has handed out every one-time pre-key it uploaded: sessions then start without one. */
  preKey?: { keyId: number; publicKey: Uint8Array };
}

/** The keys the account's primary phone holds: the identity key also signs the account's linked devices. */
export interface PhoneIdentity {
  identityKey: KeyPair;
  registrationId: number;
  signedPreKey: SignedKeyPair;
}

/** One-time pre-key ids are 24-bit on the wire. */
const MAX_PRE_KEY_ID = 0xffffff;

export class AccountSignal {
  private nextPreKeyId = 1;

  private constructor(
    private readonly lib: WaLibrary,
    private readonly creds: SignalCreds,
    private readonly keys: MemoryKeyStore,
    private readonly repository: SignalRepository,
  ) {}

  static create(lib: WaLibrary, identity: PhoneIdentity, logger: Logger): AccountSignal {
    const creds: SignalCreds = {
      signedIdentityKey: identity.identityKey,
      signedPreKey: identity.signedPreKey,
      registrationId: identity.registrationId,
    };
    const keys = new MemoryKeyStore();
    const repository = lib.DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds, keys }, logger);
    return new AccountSignal(lib, creds, keys, repository);
  }

  /** Hands out a fresh one-time pre-key with every bundle, as the server does until a phone runs out. */
  nextPreKeyBundle(): Required<PreKeyBundle> {
    const keyId = this.nextPreKeyId;
    this.nextPreKeyId = keyId >= MAX_PRE_KEY_ID ? 1 : keyId + 1;
    const preKey = this.lib.Curve.generateKeyPair();
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
    const { generateSignalPubKey } = this.lib;
    await this.repository.injectE2ESession({
      jid: deviceJid,
      session: {
        registrationId: bundle.registrationId,
        identityKey: generateSignalPubKey(bundle.identityKey),
        signedPreKey: { ...bundle.signedPreKey, publicKey: generateSignalPubKey(bundle.signedPreKey.publicKey) },
        // libsignal starts a session without a one-time pre-key when there is none; its typings insist on one.
        preKey: (bundle.preKey
          ? { ...bundle.preKey, publicKey: generateSignalPubKey(bundle.preKey.publicKey) }
          : undefined) as PreKeyBundle['preKey'] & object,
      },
    });
  }

  /** `pkmsg` until the device has answered on the session, `msg` afterwards: the Signal rule, not a sim choice. */
  async encrypt(deviceJid: string, message: proto.IMessage): Promise<{ type: EncryptedType; ciphertext: Uint8Array }> {
    const { type, ciphertext } = await this.repository.encryptMessage({
      jid: deviceJid,
      data: this.lib.encodeWAMessage(message),
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
      data: this.lib.encodeWAMessage(message),
    });
  }

  /** The phone's current sender key for a group as a distribution message, without encrypting anything. */
  async senderKeyDistribution(groupJid: string, senderJid: string): Promise<Uint8Array> {
    return this.repository.getSenderKeyDistributionMessage({ group: groupJid, meId: senderJid });
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
    return this.lib.proto.Message.decode(this.lib.unpadRandomMax16(padded));
  }
}
