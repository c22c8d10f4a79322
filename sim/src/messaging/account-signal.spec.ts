import pino from 'pino';
import { AccountSignal } from './account-signal';
import { loadWaLibrary, type WaLibrary } from '../core/wa-library';
import { MemoryKeyStore } from './key-store';

type Baileys = WaLibrary;
type SignalRepository = ReturnType<WaLibrary['DEFAULT_CONNECTION_CONFIG']['makeSignalRepository']>;

const logger = pino({ level: 'silent' });

/** A linked device's side, built the way Baileys builds it, so the sim's ciphertext meets the real decryptor. */
class LinkedDevice {
  readonly keys = new MemoryKeyStore();
  readonly creds;
  readonly repository: SignalRepository;
  private readonly preKey;

  constructor(private readonly baileys: Baileys) {
    this.creds = baileys.initAuthCreds();
    this.repository = baileys.DEFAULT_CONNECTION_CONFIG.makeSignalRepository(
      { creds: this.creds, keys: this.keys },
      logger,
    );
    this.preKey = baileys.Curve.generateKeyPair();
    this.keys.set({ 'pre-key': { 7: this.preKey } });
  }

  bundle() {
    return {
      registrationId: this.creds.registrationId,
      identityKey: this.creds.signedIdentityKey.public,
      signedPreKey: {
        keyId: this.creds.signedPreKey.keyId,
        publicKey: this.creds.signedPreKey.keyPair.public,
        signature: this.creds.signedPreKey.signature,
      },
      preKey: { keyId: 7, publicKey: this.preKey.public },
    };
  }

  async read(jid: string, type: 'pkmsg' | 'msg', ciphertext: Uint8Array) {
    const padded = await this.repository.decryptMessage({ jid, type, ciphertext });
    return this.baileys.proto.Message.decode(this.baileys.unpadRandomMax16(padded));
  }
}

describe('AccountSignal', () => {
  let baileys: Baileys;

  const phoneIdentity = () => {
    const identityKey = baileys.Curve.generateKeyPair();
    return {
      identityKey,
      registrationId: baileys.generateRegistrationId(),
      signedPreKey: baileys.signedKeyPair(identityKey, 1),
    };
  };

  beforeAll(async () => {
    baileys = await loadWaLibrary();
  });

  it('opens a session to a linked device with a pkmsg and switches to msg once the device has answered', async () => {
    const phone = AccountSignal.create(baileys, phoneIdentity(), logger);
    const device = new LinkedDevice(baileys);
    const deviceJid = '5511000000001:3@s.whatsapp.net';
    const phoneJid = '5511000000002@s.whatsapp.net';
    await phone.startSession(deviceJid, device.bundle());

    const first = await phone.encrypt(deviceJid, { conversation: 'hello' });
    expect(first.type).toBe('pkmsg');
    expect((await device.read(phoneJid, first.type, first.ciphertext)).conversation).toBe('hello');

    const answer = await device.repository.encryptMessage({
      jid: phoneJid,
      data: baileys.encodeWAMessage({ conversation: 'hi back' }),
    });
    expect(answer.type).toBe('msg');
    expect((await phone.decrypt(deviceJid, answer.type, answer.ciphertext)).conversation).toBe('hi back');

    const second = await phone.encrypt(deviceJid, { conversation: 'again' });
    expect(second.type).toBe('msg');
    expect((await device.read(phoneJid, second.type, second.ciphertext)).conversation).toBe('again');
  });

  it('decrypts a pkmsg a device built from a bundle the phone handed out', async () => {
    const phone = AccountSignal.create(baileys, phoneIdentity(), logger);
    const device = new LinkedDevice(baileys);
    const phoneJid = '5511000000002@lid';
    const bundle = phone.nextPreKeyBundle();
    await device.repository.injectE2ESession({
      jid: phoneJid,
      session: {
        registrationId: bundle.registrationId,
        identityKey: baileys.generateSignalPubKey(bundle.identityKey),
        signedPreKey: {
          ...bundle.signedPreKey,
          publicKey: baileys.generateSignalPubKey(bundle.signedPreKey.publicKey),
        },
        preKey: { ...bundle.preKey, publicKey: baileys.generateSignalPubKey(bundle.preKey.publicKey) },
      },
    });
    const sent = await device.repository.encryptMessage({
      jid: phoneJid,
      data: baileys.encodeWAMessage({ conversation: 'from the device' }),
    });

    expect(sent.type).toBe('pkmsg');
    const read = await phone.decrypt('5511000000001:3@lid', sent.type, sent.ciphertext);
    expect(read.conversation).toBe('from the device');
  });

  it('hands out a different one-time pre-key with every bundle', async () => {
    const phone = AccountSignal.create(baileys, phoneIdentity(), logger);
    const first = phone.nextPreKeyBundle();
    const second = phone.nextPreKeyBundle();

    expect(second.preKey.keyId).not.toBe(first.preKey.keyId);
    expect(Buffer.from(second.preKey.publicKey).equals(Buffer.from(first.preKey.publicKey))).toBe(false);
    expect(
      baileys.Curve.verify(
        first.identityKey,
        baileys.generateSignalPubKey(first.signedPreKey.publicKey),
        first.signedPreKey.signature,
      ),
    ).toBe(true);
  });

  it('sends a group message under a sender key the device learns from the distribution message', async () => {
    const phone = AccountSignal.create(baileys, phoneIdentity(), logger);
    const device = new LinkedDevice(baileys);
    const groupJid = '120363000000000001@g.us';
    const senderLid = '99000000000002@lid';

    const { ciphertext, senderKeyDistributionMessage } = await phone.encryptGroup(groupJid, senderLid, {
      conversation: 'to the group',
    });
    await device.repository.processSenderKeyDistributionMessage({
      authorJid: senderLid,
      item: { groupId: groupJid, axolotlSenderKeyDistributionMessage: senderKeyDistributionMessage },
    });
    const padded = await device.repository.decryptGroupMessage({
      group: groupJid,
      authorJid: senderLid,
      msg: ciphertext,
    });

    expect(baileys.proto.Message.decode(baileys.unpadRandomMax16(padded)).conversation).toBe('to the group');
  });

  it('reads a group message from a device once it has the device sender key', async () => {
    const phone = AccountSignal.create(baileys, phoneIdentity(), logger);
    const device = new LinkedDevice(baileys);
    const groupJid = '120363000000000002@g.us';
    const deviceJid = '5511000000001:3@s.whatsapp.net';
    const sent = await device.repository.encryptGroupMessage({
      group: groupJid,
      meId: deviceJid,
      data: baileys.encodeWAMessage({ conversation: 'device to group' }),
    });

    await phone.processSenderKeyDistribution(deviceJid, {
      groupId: groupJid,
      axolotlSenderKeyDistributionMessage: sent.senderKeyDistributionMessage,
    });

    expect((await phone.decryptGroup(groupJid, deviceJid, sent.ciphertext)).conversation).toBe('device to group');
  });
});
