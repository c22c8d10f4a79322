// The sim's directory of WhatsApp accounts and the companion devices linked to them.
import { randomInt } from 'node:crypto';
import {
  ownedCopy,
  generateKeyPair,
  generateRegistrationId,
  generateSignedPreKey,
  type KeyPair,
  type SignedPreKey,
} from './crypto';
import { encodeJid, LID_SERVER, PN_SERVER } from './jid';

/** The account's primary phone as Signal and device linking see it: it signs device identities and is device 0. */
export interface AccountIdentity {
  identityKey: KeyPair;
  registrationId: number;
  signedPreKey: SignedPreKey;
}

/** A signed pre-key as a device uploaded it (public half only: the device keeps the private key). */
export interface UploadedSignedPreKey {
  keyId: number;
  publicKey: Buffer;
  signature: Buffer;
}

export interface UploadedPreKey {
  keyId: number;
  publicKey: Buffer;
}

const KEY_LENGTH = 32;

/**
 * One-time pre-keys a device uploaded, handed out once each, oldest first. Kept as flat buffers because a device
 * uploads 812 of them at first login and the sim holds hundreds of devices.
 */
export class PreKeyStore {
  private chunks: { ids: Uint32Array; keys: Buffer; next: number }[] = [];

  get count(): number {
    return this.chunks.reduce((total, chunk) => total + chunk.ids.length - chunk.next, 0);
  }

  add(preKeys: UploadedPreKey[]): void {
    const valid = preKeys.filter((preKey) => preKey.publicKey.length === KEY_LENGTH);
    if (valid.length === 0) return;
    const ids = new Uint32Array(valid.length);
    const keys = Buffer.alloc(valid.length * KEY_LENGTH);
    valid.forEach((preKey, index) => {
      ids[index] = preKey.keyId;
      preKey.publicKey.copy(keys, index * KEY_LENGTH);
    });
    this.chunks.push({ ids, keys, next: 0 });
  }

  /** Hands out the oldest unused pre-key, as the server does when someone fetches the device's key bundle. */
  take(): UploadedPreKey | undefined {
    while (this.chunks.length > 0) {
      const chunk = this.chunks[0];
      if (chunk.next < chunk.ids.length) {
        const index = chunk.next++;
        return {
          keyId: chunk.ids[index],
          publicKey: Buffer.from(chunk.keys.subarray(index * KEY_LENGTH, (index + 1) * KEY_LENGTH)),
        };
      }
      this.chunks.shift();
    }
    return undefined;
  }

  /** The keys still available, oldest first (for inspection; does not consume them). */
  list(): UploadedPreKey[] {
    return this.chunks.flatMap((chunk) =>
      Array.from(chunk.ids.subarray(chunk.next), (keyId, offset) => {
        const index = chunk.next + offset;
        return { keyId, publicKey: Buffer.from(chunk.keys.subarray(index * KEY_LENGTH, (index + 1) * KEY_LENGTH)) };
      }),
    );
  }
}

export interface LinkedDeviceInit {
  deviceId: number;
  noiseKey: Buffer;
  identityKey: Buffer;
  registrationId: number;
  signedPreKey: UploadedSignedPreKey;
  keyIndex: number;
  platform: string;
}

/** A companion device (a Baileys client) linked to an account. */
export class LinkedDevice {
  readonly deviceId: number;
  /** `<phone>:<device>@s.whatsapp.net` */
  readonly jid: string;
  /** `<lid>:<device>@lid` */
  readonly lidJid: string;
  /** The device's Noise static key: a login is accepted only from the key that paired. */
  readonly noiseKey: Buffer;
  /** The device's Signal identity key (32 bytes, no type prefix). */
  readonly identityKey: Buffer;
  registrationId: number;
  private uploadedSignedPreKey!: UploadedSignedPreKey;
  readonly preKeys = new PreKeyStore();
  readonly keyIndex: number;
  readonly platform: string;
  readonly pairedAt = new Date();

  get signedPreKey(): UploadedSignedPreKey {
    return this.uploadedSignedPreKey;
  }

  set signedPreKey(key: UploadedSignedPreKey) {
    this.uploadedSignedPreKey = {
      keyId: key.keyId,
      publicKey: ownedCopy(key.publicKey),
      signature: ownedCopy(key.signature),
    };
  }

  constructor(
    readonly account: Account,
    init: LinkedDeviceInit,
  ) {
    this.deviceId = init.deviceId;
    this.jid = encodeJid(account.phoneNumber, PN_SERVER, init.deviceId);
    this.lidJid = encodeJid(account.lidUser, LID_SERVER, init.deviceId);
    this.noiseKey = ownedCopy(init.noiseKey);
    this.identityKey = ownedCopy(init.identityKey);
    this.registrationId = init.registrationId;
    this.signedPreKey = init.signedPreKey;
    this.keyIndex = init.keyIndex;
    this.platform = init.platform;
  }
}

/** One usync `contact` query: the phone numbers asked (digits), and when (epoch milliseconds). */
export interface NumberCheck {
  phoneNumbers: string[];
  at: number;
}

export class Account {
  /** `<phone>@s.whatsapp.net` */
  readonly jid: string;
  /** `<lid>@lid` */
  readonly lid: string;
  readonly devices = new Map<number, LinkedDevice>();
  /** The accounts this one blocked: their messages and calls no longer reach it, nor its presence them. */
  readonly blocked = new Set<Account>();
  /** The "is this number on WhatsApp?" queries (usync `contact`) its devices made, oldest first; the last 1,000. */
  readonly numberChecks: NumberCheck[] = [];
  readonly identity: AccountIdentity;
  /** Epoch milliseconds; also the timestamp of the account's device list. */
  readonly createdAt = Date.now();
  private nextDeviceId = 1;
  private nextKeyIndex = 1;

  constructor(
    readonly phoneNumber: string,
    public pushName: string,
    readonly lidUser: string,
  ) {
    this.jid = encodeJid(phoneNumber, PN_SERVER);
    this.lid = encodeJid(lidUser, LID_SERVER);
    const identityKey = generateKeyPair();
    this.identity = {
      identityKey,
      registrationId: generateRegistrationId(),
      signedPreKey: generateSignedPreKey(identityKey, 1),
    };
  }

  /** Device ids are never reused, as on WhatsApp: a relinked client is a new device. */
  allocateDevice(): { deviceId: number; keyIndex: number } {
    return { deviceId: this.nextDeviceId++, keyIndex: this.nextKeyIndex++ };
  }

  addDevice(init: LinkedDeviceInit): LinkedDevice {
    const device = new LinkedDevice(this, init);
    this.devices.set(device.deviceId, device);
    return device;
  }
}

export class AccountRegistry {
  private readonly byPhoneNumber = new Map<string, Account>();
  private readonly byLidUser = new Map<string, Account>();

  create(phoneNumber: string, pushName: string): Account {
    const account = new Account(phoneNumber, pushName, this.newLidUser());
    this.byPhoneNumber.set(phoneNumber, account);
    this.byLidUser.set(account.lidUser, account);
    return account;
  }

  remove(account: Account): void {
    this.byPhoneNumber.delete(account.phoneNumber);
    this.byLidUser.delete(account.lidUser);
  }

  byPhone(phoneNumber: string): Account | undefined {
    return this.byPhoneNumber.get(phoneNumber);
  }

  byLid(lidUser: string): Account | undefined {
    return this.byLidUser.get(lidUser);
  }

  all(): Account[] {
    return [...this.byPhoneNumber.values()];
  }

  /** LIDs are opaque 15-digit numbers unrelated to the phone number, as WhatsApp issues them. */
  private newLidUser(): string {
    for (;;) {
      const candidate = `${randomInt(1, 10)}${String(randomInt(0, 1e7)).padStart(7, '0')}${String(randomInt(0, 1e7)).padStart(7, '0')}`;
      if (!this.byLidUser.has(candidate)) return candidate;
    }
  }
}
