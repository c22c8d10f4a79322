// Linking new companions: QR refs that rotate and expire, pairing codes, pair-success and the 515 restart.
import { pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Account, LinkedDevice } from '../core/accounts';
import { childBuffer, childNode, contentBuffer, type BinaryNode } from '../core/binary-node';
import { aesCtr, aesGcmDecrypt, generateKeyPair, hkdf, sharedKey, type KeyPair } from '../core/crypto';
import { decodeJid } from '../core/jid';
import { SERVER_JID, type SimCore } from '../core/sim-core';
import { badRequest, conflict, ControlError, notFound } from '../control/control-error';
import type { ClientPayload, ConnectionListener, WaConnection } from '../transport/wa-connection';
import { issueDeviceIdentity, verifyDeviceSignature } from './device-identity';

const pbkdf2Async = promisify(pbkdf2);

/** How long QR refs live. WhatsApp: the first about 60 s, then about 20 s each, 6 in all. */
export interface QrTimings {
  firstQrMs: number;
  nextQrMs: number;
  qrCount: number;
}

export const WHATSAPP_QR_TIMINGS: QrTimings = { firstQrMs: 60_000, nextQrMs: 20_000, qrCount: 6 };

const QR_PREFIX = 'https://wa.me/settings/linked_devices#';
/** How long the sim waits for the client's half of a pairing step before the link request fails. */
const PAIRING_REPLY_TIMEOUT_MS = 15_000;
/** PBKDF2 rounds Baileys derives the pairing-code key with (2 << 16). */
const PAIRING_CODE_ROUNDS = 131_072;
const PRIMARY_PLATFORM = 'android';
const CODE_REQUEST_GRACE_MS = 3_000;
const CODE_REQUEST_POLL_MS = 50;

interface PendingReply {
  resolve(node: BinaryNode): void;
  reject(error: Error): void;
}

interface PairingCodeRequest {
  phoneNumber: string;
  wrappedCompanionEphemeral: Buffer;
  ref: Buffer;
}

/** A client that is not linked yet: it connected with registration data and shows the QRs we sent it. */
class Registration {
  refs: { ref: string; expiresAt: number }[] = [];
  expiryTimer: NodeJS.Timeout | undefined;
  pairing = false;
  codeRequest: PairingCodeRequest | undefined;
  readonly replies = new Map<string, PendingReply>();
  companionFinish: PendingReply | undefined;

  constructor(
    readonly connection: WaConnection,
    readonly noiseKey: Buffer,
    readonly identityKey: Buffer,
    readonly registrationId: number,
    readonly signedPreKey: LinkedDevice['signedPreKey'],
    readonly platform: string,
  ) {}
}

interface ParsedQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  advSecret: Buffer;
}

export class PairingService {
  private readonly registrations = new Set<Registration>();

  constructor(
    private readonly core: SimCore,
    private readonly timings: QrTimings,
  ) {}

  /** Takes over a connection that arrived with registration data: sends it QR refs and waits to be linked. */
  register(connection: WaConnection, payload: ClientPayload): ConnectionListener {
    const pairingData = payload.devicePairingData;
    const { eIdent, eRegid, eSkeyId, eSkeyVal, eSkeySig } = pairingData ?? {};
    if (!connection.clientStatic || !eIdent || !eRegid || !eSkeyId || !eSkeyVal || !eSkeySig) {
      void connection.failure(400);
      return { onNode: () => Promise.resolve(), onClose: () => undefined };
    }
    const registration = new Registration(
      connection,
      connection.clientStatic,
      Buffer.from(eIdent),
      Buffer.from(eRegid).readUIntBE(0, eRegid.length),
      {
        keyId: Buffer.from(eSkeyId).readUIntBE(0, eSkeyId.length),
        publicKey: Buffer.from(eSkeyVal),
        signature: Buffer.from(eSkeySig),
      },
      this.companionPlatform(pairingData?.deviceProps),
    );
    this.registrations.add(registration);
    this.issueRefs(registration);
    return {
      onNode: (node) => this.onRegistrationNode(registration, node),
      onClose: () => this.forget(registration, new ControlError(409, 'the device disconnected before it was linked')),
    };
  }

  async linkWithQr(account: Account, qr: string): Promise<LinkedDevice> {
    const parsed = parseQr(qr);
    const registration = [...this.registrations].find((candidate) =>
      candidate.refs.some(({ ref }) => ref === parsed.ref),
    );
    if (!registration) throw notFound('no device is showing this QR code');
    const ref = registration.refs.find(({ ref: candidate }) => candidate === parsed.ref);
    if (!ref || ref.expiresAt <= this.core.clock.now()) throw new ControlError(410, 'this QR code has expired');
    if (!parsed.noiseKey.equals(registration.noiseKey) || !parsed.identityKey.equals(registration.identityKey)) {
      throw badRequest('the QR code does not match the device showing it');
    }
    return this.pair(account, registration, parsed.advSecret);
  }

  /** The phone side of pairing-code linking: the user typed the code the client showed into the account's phone. */
  async linkWithPairingCode(account: Account, pairingCode: string): Promise<LinkedDevice> {
    const code = pairingCode.replace(/[\s-]/g, '').toUpperCase();
    if (!/^[0-9A-Z]{8}$/.test(code)) throw badRequest('pairingCode must be 8 letters or digits');
    const registration = await this.awaitCodeRequest(account.phoneNumber);
    if (!registration?.codeRequest) throw notFound('no device is waiting for a pairing code for this phone number');
    const request = registration.codeRequest;
    registration.pairing = true;
    this.core.clock.clearTimeout(registration.expiryTimer);
    try {
      const wrapped = request.wrappedCompanionEphemeral;
      const companionEphemeral = aesCtr(
        wrapped.subarray(48, 80),
        await pairingCodeKey(code, wrapped.subarray(0, 32)),
        wrapped.subarray(32, 48),
      );
      const primaryEphemeral = generateKeyPair();
      const finish = this.awaitCompanionFinish(registration);
      await registration.connection.sendNode(await this.primaryHello(account, request, code, primaryEphemeral));
      const advSecret = this.readKeyBundle(account, await finish, primaryEphemeral, companionEphemeral);
      return await this.pair(account, registration, advSecret, true);
    } catch (error) {
      registration.pairing = false;
      throw error;
    }
  }

  /**
   * The client's request may still be on its way when someone types the code (Baileys does not wait for the
   * server before showing it), so a missing request is given a moment to arrive.
   */
  private async awaitCodeRequest(phoneNumber: string): Promise<Registration | undefined> {
    const find = (): Registration | undefined =>
      [...this.registrations]
        .reverse()
        .find((candidate) => candidate.codeRequest?.phoneNumber === phoneNumber && !candidate.pairing);
    const deadline = this.core.clock.now() + CODE_REQUEST_GRACE_MS;
    let registration = find();
    while (!registration && this.core.clock.now() < deadline) {
      await this.core.clock.sleep(CODE_REQUEST_POLL_MS);
      registration = find();
    }
    return registration;
  }

  /** Stops every QR timer; connections themselves are closed by the transport. */
  stop(): void {
    for (const registration of this.registrations) {
      this.forget(registration, new ControlError(503, 'the simulator is stopping'));
    }
  }

  private issueRefs(registration: Registration): void {
    const issuedAt = this.core.clock.now();
    const { firstQrMs, nextQrMs, qrCount } = this.timings;
    registration.refs = Array.from({ length: qrCount }, (_, index) => ({
      ref: `2@${randomBytes(36).toString('base64')}`,
      expiresAt: issuedAt + firstQrMs + index * nextQrMs,
    }));
    void registration.connection.sendNode({
      tag: 'iq',
      attrs: { from: SERVER_JID, type: 'set', id: this.core.nextStanzaId(), xmlns: 'md' },
      content: [
        {
          tag: 'pair-device',
          attrs: {},
          content: registration.refs.map(({ ref }) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })),
        },
      ],
    });
    // When the last ref expires the server ends the stream; Baileys reports it as DisconnectReason.timedOut.
    registration.expiryTimer = this.core.clock.setTimeout(
      () => {
        if (!registration.pairing) void registration.connection.streamError({ code: '408' });
      },
      firstQrMs + (qrCount - 1) * nextQrMs,
    );
  }

  private async onRegistrationNode(registration: Registration, node: BinaryNode): Promise<void> {
    if (node.tag !== 'iq') return;
    const { id, type, xmlns } = node.attrs;
    if (type === 'result' || type === 'error') {
      const pending = registration.replies.get(id);
      registration.replies.delete(id);
      pending?.resolve(node);
      return;
    }
    const reply = (content?: BinaryNode[]): Promise<void> =>
      registration.connection.sendNode({ tag: 'iq', attrs: { id, from: SERVER_JID, type: 'result' }, content });
    if (xmlns === 'w:p') return reply();
    const linkCode = childNode(node, 'link_code_companion_reg');
    if (xmlns === 'md' && linkCode?.attrs.stage === 'companion_hello') {
      const wrapped = childBuffer(linkCode, 'link_code_pairing_wrapped_companion_ephemeral_pub');
      const phoneNumber = decodeJid(linkCode.attrs.jid ?? '')?.user;
      if (!wrapped || wrapped.length < 80 || !phoneNumber) return this.replyError(registration, id, 400, 'bad-request');
      const ref = randomBytes(16);
      registration.codeRequest = { phoneNumber, wrappedCompanionEphemeral: Buffer.from(wrapped), ref };
      return reply([
        {
          tag: 'link_code_companion_reg',
          attrs: {},
          content: [{ tag: 'link_code_pairing_ref', attrs: {}, content: ref }],
        },
      ]);
    }
    if (xmlns === 'md' && linkCode?.attrs.stage === 'companion_finish' && registration.companionFinish) {
      registration.companionFinish.resolve(linkCode);
      registration.companionFinish = undefined;
      return reply();
    }
    return this.replyError(registration, id, 501, 'feature-not-implemented');
  }

  private replyError(registration: Registration, id: string, code: number, text: string): Promise<void> {
    return registration.connection.sendNode({
      tag: 'iq',
      attrs: { id, from: SERVER_JID, type: 'error' },
      content: [{ tag: 'error', attrs: { code: String(code), text } }],
    });
  }

  /** pair-success, the device's counter-signature, then 515: the client must reconnect and log in. */
  private async pair(
    account: Account,
    registration: Registration,
    advSecret: Buffer,
    alreadyPairing = false,
  ): Promise<LinkedDevice> {
    if (registration.pairing && !alreadyPairing) throw conflict('this device is already being linked');
    registration.pairing = true;
    this.core.clock.clearTimeout(registration.expiryTimer);
    const { lib } = this.core;
    try {
      const { deviceId, keyIndex } = account.allocateDevice();
      const issued = issueDeviceIdentity(lib, account, registration.identityKey, keyIndex, advSecret);
      const id = this.core.nextStanzaId();
      const answer = this.awaitReply(registration, id);
      await registration.connection.sendNode({
        tag: 'iq',
        attrs: { from: SERVER_JID, type: 'set', id, xmlns: 'md', t: String(Math.floor(this.core.clock.now() / 1000)) },
        content: [
          {
            tag: 'pair-success',
            attrs: {},
            content: [
              { tag: 'device-identity', attrs: {}, content: issued.wrapped },
              { tag: 'platform', attrs: { name: PRIMARY_PLATFORM } },
              {
                tag: 'device',
                attrs: {
                  jid: `${account.phoneNumber}:${deviceId}@s.whatsapp.net`,
                  lid: `${account.lidUser}:${deviceId}@lid`,
                },
              },
            ],
          },
        ],
      });
      const signed = contentBuffer(childNode(childNode(await answer, 'pair-device-sign'), 'device-identity'));
      if (!signed || !verifyDeviceSignature(lib, account, registration.identityKey, issued, signed)) {
        throw new ControlError(502, 'the device rejected the pairing or did not sign its identity');
      }
      const device = account.addDevice({
        deviceId,
        noiseKey: registration.noiseKey,
        identityKey: registration.identityKey,
        registrationId: registration.registrationId,
        signedPreKey: registration.signedPreKey,
        keyIndex,
        platform: registration.platform,
      });
      this.registrations.delete(registration);
      await registration.connection.streamError({ code: '515' });
      this.core.logger.info({ device: device.jid }, 'device linked');
      return device;
    } catch (error) {
      registration.pairing = false;
      throw error;
    }
  }

  private awaitReply(registration: Registration, id: string): Promise<BinaryNode> {
    return this.withTimeout(
      new Promise<BinaryNode>((resolve, reject) => registration.replies.set(id, { resolve, reject })),
      () => registration.replies.delete(id),
    );
  }

  private awaitCompanionFinish(registration: Registration): Promise<BinaryNode> {
    return this.withTimeout(
      new Promise<BinaryNode>((resolve, reject) => {
        registration.companionFinish = { resolve, reject };
      }),
      () => {
        registration.companionFinish = undefined;
      },
    );
  }

  private withTimeout(promise: Promise<BinaryNode>, onTimeout: () => void): Promise<BinaryNode> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.core.clock.setTimeout(() => {
        onTimeout();
        reject(new ControlError(504, 'the device did not answer the pairing in time'));
      }, PAIRING_REPLY_TIMEOUT_MS);
    });
    return Promise.race([promise, timeout]).finally(() => this.core.clock.clearTimeout(timer));
  }

  /** The phone's answer to a pairing-code request: its ephemeral key wrapped with the code, and its identity. */
  private async primaryHello(
    account: Account,
    request: PairingCodeRequest,
    code: string,
    primaryEphemeral: KeyPair,
  ): Promise<BinaryNode> {
    const salt = randomBytes(32);
    const iv = randomBytes(16);
    const wrapped = Buffer.concat([salt, iv, aesCtr(primaryEphemeral.public, await pairingCodeKey(code, salt), iv)]);
    return {
      tag: 'notification',
      attrs: {
        from: SERVER_JID,
        type: 'link_code_companion_reg',
        id: this.core.nextStanzaId(),
        t: String(Math.floor(this.core.clock.now() / 1000)),
      },
      content: [
        {
          tag: 'link_code_companion_reg',
          attrs: { stage: 'primary_hello' },
          content: [
            { tag: 'link_code_pairing_wrapped_primary_ephemeral_pub', attrs: {}, content: wrapped },
            { tag: 'primary_identity_pub', attrs: {}, content: account.identity.identityKey.public },
            { tag: 'link_code_pairing_ref', attrs: {}, content: request.ref },
          ],
        },
      ],
    };
  }

  /**
   * Opens the companion's key bundle and derives the ADV secret both sides now share. A wrong code gives the
   * companion a different ephemeral key, so the bundle does not decrypt.
   */
  private readKeyBundle(
    account: Account,
    finish: BinaryNode,
    primaryEphemeral: KeyPair,
    companionEphemeral: Buffer,
  ): Buffer {
    const bundle = childBuffer(finish, 'link_code_pairing_wrapped_key_bundle');
    const companionIdentity = childBuffer(finish, 'companion_identity_public');
    if (!bundle || bundle.length < 44 + 16 || !companionIdentity)
      throw badRequest('the device sent an incomplete key bundle');
    const companionShared = sharedKey(primaryEphemeral.private, companionEphemeral);
    const key = hkdf(companionShared, 32, {
      salt: bundle.subarray(0, 32),
      info: 'link_code_pairing_key_bundle_encryption_key',
    });
    let payload: Buffer;
    try {
      payload = aesGcmDecrypt(bundle.subarray(44), key, bundle.subarray(32, 44), Buffer.alloc(0));
    } catch {
      throw badRequest('the pairing code does not match the one the device shows');
    }
    const random = payload.subarray(64, 96);
    const identityShared = sharedKey(account.identity.identityKey.private, companionIdentity);
    return hkdf(Buffer.concat([companionShared, identityShared, random]), 32, { info: 'adv_secret' });
  }

  private companionPlatform(deviceProps: Uint8Array | null | undefined): string {
    if (!deviceProps) return 'unknown';
    try {
      return this.core.lib.proto.DeviceProps.decode(deviceProps).os || 'unknown';
    } catch {
      return 'unknown';
    }
  }

  private forget(registration: Registration, reason: Error): void {
    this.core.clock.clearTimeout(registration.expiryTimer);
    this.registrations.delete(registration);
    for (const pending of registration.replies.values()) pending.reject(reason);
    registration.replies.clear();
    registration.companionFinish?.reject(reason);
    registration.companionFinish = undefined;
  }
}

function parseQr(qr: string): ParsedQr {
  const data = qr.startsWith(QR_PREFIX) ? qr.slice(QR_PREFIX.length) : qr;
  const [ref, noiseKey, identityKey, advSecret] = data.split(',');
  const decode = (value: string | undefined): Buffer | undefined =>
    value && /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : undefined;
  const keys = [decode(noiseKey), decode(identityKey), decode(advSecret)];
  if (!ref || keys.some((key) => key?.length !== 32)) {
    throw badRequest('qr must be the string the client emitted: ref,noiseKey,identityKey,advSecret[,platform]');
  }
  const [noise, identity, adv] = keys as Buffer[];
  return { ref, noiseKey: noise, identityKey: identity, advSecret: adv };
}

function pairingCodeKey(code: string, salt: Buffer): Promise<Buffer> {
  return pbkdf2Async(code, salt, PAIRING_CODE_ROUNDS, 32, 'sha256');
}
