/**
 * The simulator's in-process API: what features (messaging, groups, control routes) build on.
 *
 *   core.lib                      Baileys' protocol library, loaded once: proto, encodeBinaryNode, jid helpers…
 *   core.accounts                 AccountRegistry: create / byPhone / byLid / all. An Account has phoneNumber,
 *                                 pushName, jid (PN), lid, identity (the primary phone: identityKey, registrationId,
 *                                 signedPreKey — it signs device identities and is device 0 for Signal),
 *                                 devices: Map<deviceId, LinkedDevice> and blocked (the accounts it blocked).
 *   LinkedDevice                  jid / lidJid (device-qualified), identityKey, registrationId, signedPreKey and
 *                                 preKeys (one-time pre-keys as uploaded; take() hands one out), noiseKey.
 *   core.findDevice(jid)          a device by PN or LID device JID.
 *   core.isOnline(device)         connected and past its offline flush.
 *   core.sendNode(device|jid, n)  delivers a stanza now, or queues it until the device logs in again; queued
 *                                 stanzas get `offline="1"` (Baileys then reports messages as `append`). A
 *                                 <message> stays unacknowledged until the device sends a receipt for it (or a
 *                                 plain ack); one it has not acknowledged is delivered again at its next login.
 *   core.onStanza(tag, handler)   every non-IQ stanza a logged-in device sends, by tag ('message', 'receipt',
 *                                 'ack', 'presence', 'chatstate', …). The core acks <message> (class message)
 *                                 and <receipt> (class receipt) after the handlers ran; a message handler may
 *                                 return { ackError } to nack.
 *   core.onIq(xmlns, handler, childTag?)
 *                                 answers device IQs of a namespace the core does not (e.g. 'w:g2'): return the
 *                                 result's children, or throw IqError(code, text). With childTag, only the IQs
 *                                 whose first child has that tag, ahead of the namespace-wide handler (messaging
 *                                 answers `encrypt`/`key` bundle fetches this way). One handler per key.
 *                                 The core answers: encrypt (count, pre-key upload, rotate, digest), usync
 *                                 (devices, lid, contact, status, disappearing_mode), passive, w:p, md (logout),
 *                                 privacy (settings get, token/category set), abt, w:sync:app:state (empty),
 *                                 w:stats, urn:xmpp:whatsapp:dirty. Anything else answers 501.
 *   core.onDeviceLogin(handler)   runs when a device logs in, before its offline queue is flushed and
 *                                 `<ib><offline count/>` is sent: stanzas sent from here arrive as offline ones.
 *   core.registerRoute(route)     adds an HTTP control route ({ method, path: '/control/x/:param', handle }); a
 *                                 handler throws ControlError (control/control-error.ts) for 4xx answers.
 *   core.nextStanzaId()           a fresh id for a stanza the sim originates.
 *
 * Features are wired in startSim() (sim/src/index.ts), before it listens, as messaging is (registerMessaging).
 * Every control route is also callable in process as `handle.control(method, path, body)`.
 * Tests create Baileys clients with sim/test/support/baileys-client.ts (createLinkedClient, createTestClient).
 */
import type { Logger } from 'pino';
import type { ControlRoute } from '../control/router';
import { ControlRouter } from '../control/router';
import type { WaConnection } from '../transport/wa-connection';
import { AccountRegistry, type Account, type LinkedDevice } from './accounts';
import { childNode, childrenByTag, type BinaryNode } from './binary-node';
import { Clock } from './clock';
import { decodeJid, LID_SERVER, PN_SERVER } from './jid';
import type { WaLibrary } from './wa-library';

export const SERVER_JID = 's.whatsapp.net';

/** A stanza a logged-in device sent, with a way to answer on the same connection. */
export interface DeviceStanza {
  device: LinkedDevice;
  node: BinaryNode;
  reply(node: BinaryNode): void;
}

export interface StanzaResult {
  /** Nack the message with this error code instead of a plain server ack. */
  ackError?: number;
}

export type StanzaHandler = (stanza: DeviceStanza) => Promise<StanzaResult | undefined> | StanzaResult | undefined;
export type IqHandler = (iq: DeviceStanza) => Promise<BinaryNode[] | undefined> | BinaryNode[] | undefined;
export type DeviceLoginHandler = (device: LinkedDevice) => Promise<void> | void;

/** An IQ answered with `<error code text/>`; Baileys turns it into a Boom with that status code. */
export class IqError extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(`${code} ${text}`);
  }
}

/** Stanzas kept for a device that is away; beyond this the oldest are dropped, as a bounded server queue would. */
const OFFLINE_QUEUE_LIMIT = 1_000;

/** How often a message the device never acknowledged is offered again, at successive logins, before it is dropped. */
const REDELIVERY_LIMIT = 10;

interface UnacknowledgedMessage {
  node: BinaryNode;
  /** Handed to a connection (else still in the offline queue). */
  sent: boolean;
  deliveries: number;
}

class DeviceSession {
  connection: WaConnection | undefined;
  online = false;
  queue: BinaryNode[] = [];
  /** Messages by id, in the order they were sent, until the device's receipt says it has them. */
  readonly unacknowledged = new Map<string, UnacknowledgedMessage>();
}

export class SimCore {
  readonly accounts = new AccountRegistry();
  readonly clock = new Clock();
  readonly router = new ControlRouter();
  private readonly sessions = new Map<LinkedDevice, DeviceSession>();
  private readonly stanzaHandlers = new Map<string, StanzaHandler[]>();
  private readonly iqHandlers = new Map<string, IqHandler>();
  private readonly loginHandlers: DeviceLoginHandler[] = [];
  private stanzaSequence = 0;

  constructor(
    readonly lib: WaLibrary,
    readonly logger: Logger,
  ) {}

  findDevice(jid: string): LinkedDevice | undefined {
    const decoded = decodeJid(jid);
    if (!decoded) return undefined;
    const account = this.findAccountByUser(decoded.user, decoded.server);
    return account?.devices.get(decoded.device);
  }

  /** An account by PN or LID JID (device part ignored), or by bare phone number. */
  findAccount(jidOrPhoneNumber: string): Account | undefined {
    const decoded = decodeJid(jidOrPhoneNumber);
    if (!decoded) return this.accounts.byPhone(jidOrPhoneNumber);
    return this.findAccountByUser(decoded.user, decoded.server);
  }

  isOnline(device: LinkedDevice): boolean {
    return this.sessions.get(device)?.online === true;
  }

  sendNode(target: LinkedDevice | string, node: BinaryNode): 'sent' | 'queued' {
    const device = typeof target === 'string' ? this.findDevice(target) : target;
    if (!device || device.account.devices.get(device.deviceId) !== device) {
      throw new Error(`no linked device ${typeof target === 'string' ? target : target.jid}`);
    }
    const session = this.session(device);
    const online = session.online && session.connection?.isOpen === true;
    if (node.tag === 'message' && node.attrs.id) {
      session.unacknowledged.set(node.attrs.id, { node, sent: online, deliveries: online ? 1 : 0 });
    }
    if (online) {
      void session.connection?.sendNode(node);
      return 'sent';
    }
    session.queue.push(node);
    if (session.queue.length > OFFLINE_QUEUE_LIMIT) {
      session.queue.shift();
      this.logger.warn({ device: device.jid }, 'offline queue full, dropped the oldest stanza');
    }
    return 'queued';
  }

  onStanza(tag: string, handler: StanzaHandler): void {
    const handlers = this.stanzaHandlers.get(tag) ?? [];
    handlers.push(handler);
    this.stanzaHandlers.set(tag, handlers);
  }

  onIq(xmlns: string, handler: IqHandler, childTag?: string): void {
    const key = childTag ? `${xmlns}/${childTag}` : xmlns;
    if (this.iqHandlers.has(key)) throw new Error(`IQ ${key} already has a handler`);
    this.iqHandlers.set(key, handler);
  }

  onDeviceLogin(handler: DeviceLoginHandler): void {
    this.loginHandlers.push(handler);
  }

  registerRoute(route: ControlRoute): void {
    this.router.add(route);
  }

  nextStanzaId(): string {
    return `${Date.now().toString(16).toUpperCase()}${(++this.stanzaSequence).toString(16).toUpperCase()}`;
  }

  // ---- used by the session layer (login, stanza routing, control) ----

  /** The device's live connection, if it has one. */
  connectionOf(device: LinkedDevice): WaConnection | undefined {
    const connection = this.sessions.get(device)?.connection;
    return connection?.isOpen ? connection : undefined;
  }

  /** A device logged in on `connection`; an older connection of the same device is told it was replaced. */
  attach(device: LinkedDevice, connection: WaConnection): void {
    const session = this.session(device);
    const previous = session.connection;
    session.connection = connection;
    session.online = false;
    if (previous && previous !== connection && previous.isOpen) {
      void previous.streamError({}, { tag: 'conflict', attrs: { type: 'replaced' } });
    }
  }

  detach(device: LinkedDevice, connection: WaConnection): void {
    const session = this.sessions.get(device);
    if (session?.connection !== connection) return;
    session.connection = undefined;
    session.online = false;
  }

  /** Delivers what waited for the device, then `<ib><offline count/>`: Baileys flushes its buffered events there. */
  async completeLogin(device: LinkedDevice, connection: WaConnection): Promise<void> {
    for (const handler of this.loginHandlers) {
      try {
        await handler(device);
      } catch (error) {
        this.logger.error({ err: error, device: device.jid }, 'device login handler failed');
      }
    }
    const session = this.session(device);
    if (session.connection !== connection || !connection.isOpen) return;
    // What an earlier connection received but never acknowledged comes first, as WhatsApp offers it again.
    const redelivered = this.takeUnacknowledged(device, session);
    const queued = session.queue;
    session.queue = [];
    for (const node of queued) {
      const unacknowledged = node.tag === 'message' ? session.unacknowledged.get(node.attrs.id) : undefined;
      if (unacknowledged?.node === node) {
        unacknowledged.sent = true;
        unacknowledged.deliveries += 1;
      }
    }
    const offline = [...redelivered, ...queued];
    for (const node of offline) {
      void connection.sendNode({ ...node, attrs: { ...node.attrs, offline: '1' } });
    }
    void connection.sendNode({
      tag: 'ib',
      attrs: { from: SERVER_JID },
      content: [{ tag: 'offline', attrs: { count: String(offline.length) } }],
    });
    session.online = true;
  }

  /** Routes one stanza from a logged-in device to the IQ handlers or the stanza hooks. */
  async dispatch(device: LinkedDevice, node: BinaryNode, connection: WaConnection): Promise<void> {
    const stanza: DeviceStanza = { device, node, reply: (answer) => void connection.sendNode(answer) };
    this.noteAcknowledgement(device, node);
    if (node.tag === 'iq') {
      await this.answerIq(stanza);
      return;
    }
    let ackError: number | undefined;
    for (const handler of this.stanzaHandlers.get(node.tag) ?? []) {
      try {
        const result = await handler(stanza);
        ackError ??= result ? result.ackError : undefined;
      } catch (error) {
        this.logger.error({ err: error, device: device.jid, tag: node.tag }, 'stanza handler failed');
        ackError ??= 500;
      }
    }
    if (node.tag === 'message' || node.tag === 'receipt') {
      stanza.reply(this.serverAck(node, node.tag, ackError));
    }
  }

  /** Forgets a device: it is unlinked, its queue dropped, and its next login fails with 401. */
  unlink(device: LinkedDevice): void {
    device.account.devices.delete(device.deviceId);
    this.sessions.delete(device);
  }

  stop(): void {
    this.clock.stop();
    for (const session of this.sessions.values()) session.connection?.drop();
  }

  private async answerIq(stanza: DeviceStanza): Promise<void> {
    const { node } = stanza;
    const type = node.attrs.type;
    // Answers to queries the sim itself sent need no reply.
    if (type === 'result' || type === 'error') return;
    const xmlns = node.attrs.xmlns ?? '';
    const firstChild = Array.isArray(node.content) ? node.content[0]?.tag : undefined;
    const handler =
      (firstChild ? this.iqHandlers.get(`${xmlns}/${firstChild}`) : undefined) ?? this.iqHandlers.get(xmlns);
    const base = { id: node.attrs.id, from: SERVER_JID };
    try {
      if (!handler) throw new IqError(501, 'feature-not-implemented');
      const content = await handler(stanza);
      stanza.reply({ tag: 'iq', attrs: { ...base, type: 'result' }, content: content || undefined });
    } catch (error) {
      const iqError = error instanceof IqError ? error : new IqError(500, 'internal-server-error');
      if (!(error instanceof IqError)) {
        this.logger.error({ err: error, xmlns, device: stanza.device.jid }, 'IQ handler failed');
      }
      stanza.reply({
        tag: 'iq',
        attrs: { ...base, type: 'error' },
        content: [{ tag: 'error', attrs: { code: String(iqError.code), text: iqError.text } }],
      });
    }
  }

  /**
   * A receipt of any type (delivered, inactive, sender, peer, read, retry: a retry is answered with a fresh copy that
   * is tracked anew) or a positive ack settles the messages it names. A nack (an ack with an error) settles nothing:
   * the device could not process the message, so it is offered again at the next login.
   */
  private noteAcknowledgement(device: LinkedDevice, node: BinaryNode): void {
    const settles =
      node.tag === 'receipt' || (node.tag === 'ack' && node.attrs.class === 'message' && !node.attrs.error);
    if (!settles) return;
    const session = this.sessions.get(device);
    if (!session || session.unacknowledged.size === 0) return;
    const ids = [node.attrs.id, ...childrenByTag(childNode(node, 'list'), 'item').map((item) => item.attrs.id)];
    for (const id of ids) if (id) session.unacknowledged.delete(id);
  }

  /** The messages sent on an earlier connection and never acknowledged, each counted as delivered once more. */
  private takeUnacknowledged(device: LinkedDevice, session: DeviceSession): BinaryNode[] {
    const nodes: BinaryNode[] = [];
    for (const [id, message] of session.unacknowledged) {
      if (!message.sent) continue;
      if (message.deliveries >= REDELIVERY_LIMIT) {
        session.unacknowledged.delete(id);
        this.logger.warn({ device: device.jid, id }, 'message never acknowledged, dropped after repeated deliveries');
        continue;
      }
      message.deliveries += 1;
      nodes.push(message.node);
    }
    return nodes;
  }

  private serverAck(node: BinaryNode, ackClass: string, error: number | undefined): BinaryNode {
    const attrs: Record<string, string> = {
      class: ackClass,
      id: node.attrs.id,
      from: node.attrs.to ?? SERVER_JID,
      t: String(Math.floor(this.clock.now() / 1000)),
    };
    if (node.attrs.type && ackClass === 'receipt') attrs.type = node.attrs.type;
    if (node.attrs.participant) attrs.participant = node.attrs.participant;
    if (error !== undefined) attrs.error = String(error);
    return { tag: 'ack', attrs };
  }

  private session(device: LinkedDevice): DeviceSession {
    let session = this.sessions.get(device);
    if (!session) {
      session = new DeviceSession();
      this.sessions.set(device, session);
    }
    return session;
  }

  private findAccountByUser(user: string, server: string): Account | undefined {
    if (server === PN_SERVER) return this.accounts.byPhone(user);
    if (server === LID_SERVER) return this.accounts.byLid(user);
    return undefined;
  }
}
