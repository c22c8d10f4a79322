// startSim(): a WhatsApp Web server the real Baileys client links to, with a control API for tests and demos.
import pino, { type Logger } from 'pino';
import { ControlError } from './control/control-error';
import { registerControlRoutes } from './control/control-routes';
import type { ControlResponse, HttpMethod } from './control/router';
import {
  SimControl,
  type AccountView,
  type CreatedAccount,
  type DeviceView,
  type DisconnectReasonCode,
  type HealthView,
  type LinkRequest,
} from './control/sim-control';
import { parsePhoneNumber } from './control/validation';
import type { KeyPair } from './core/crypto';
import { SimCore } from './core/sim-core';
import { loadWaLibrary } from './core/wa-library';
import {
  parseCreateGroup,
  parseInviteCodeRequest,
  parseJoinGroup,
  parseLeaveGroup,
  parseParticipantsRequest,
  parseSendMessage,
  parseUpdateGroup,
  registerMessaging,
  type Addressing,
  type GroupParticipantsRequest,
  type GroupView,
  type InboxMessage,
  type ParticipantResult,
  type PresenceReport,
  type ReceiptReport,
  type SendMessageRequest,
  type UpdateGroupRequest,
} from './messaging';
import { registerCalls } from './calls';
import { registerContacts } from './contacts';
import { HistorySeeds, registerHistorySync, type HistoryChatInput } from './history-sync';
import { ensureSimCa, issueServerCertificate, MediaHost, registerMedia } from './media';
import { PairingService, WHATSAPP_QR_TIMINGS, type QrTimings } from './pairing/pairing-service';
import { registerPresence } from './presence';
import { registerServerIqs } from './session/server-iqs';
import { SessionGateway } from './session/session-gateway';
import { CertificateAuthority } from './transport/certificates';
import { ConnectionTracker } from './transport/connection-tracker';
import { SimServer } from './transport/sim-server';
import { TrafficGate, type OutageMode } from './transport/traffic-gate';

export type { AccountView, CreatedAccount, DeviceView, DisconnectReasonCode, HealthView, LinkRequest, QrTimings };
export type { Addressing, InboxMessage, PresenceReport, ReceiptReport, SendMessageRequest };
export type { GroupParticipantsRequest, GroupView, ParticipantResult, UpdateGroupRequest };
export { GROUP_QUERY_LIMIT, GROUP_QUERY_WINDOW_MS } from './messaging';
export type { HistoryChatInput };
export type { BlockedAccountView } from './contacts';
export type { CallStatus, CallView } from './calls';
export { ControlError, SimCore, WHATSAPP_QR_TIMINGS };
export { defaultCaDir, ensureSimCa, type SimCa } from './media';

export interface SimOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** QR ref lifetimes; WhatsApp's (60 s, then 20 s, 6 refs) unless a test wants them short. */
  qr?: Partial<QrTimings>;
  /** Silent unless given. */
  logger?: Logger;
  /** The root the certificate chain is signed with; a fresh one per sim unless given. */
  rootKey?: KeyPair;
  /** Where the TLS CA lives (`ca.pem`, `ca-key.pem`), made on first use: `SIM_CA_DIR`, else `<tmpdir>/wago-sim-ca`. */
  caDir?: string;
  /** The HTTPS media host's port; 0 (the default) picks a free port. */
  mediaPort?: number;
  /** How long a call rings before it times out; WhatsApp's 45 s unless a test wants it short. */
  callRingTimeoutMs?: number;
}

export interface SimHandle {
  /** `http://host:port`: the control API lives under `/control`. */
  url: string;
  /** `ws://host:port/ws/chat`: give it to Baileys as `waWebSocketUrl`. */
  wsUrl: string;
  port: number;
  /** The public key of the sim's certificate root (32 bytes): what a strict client would pin instead of WhatsApp's. */
  rootPublicKey: Buffer;
  /** The TLS CA's certificate (PEM file): give it to clients as NODE_EXTRA_CA_CERTS so they reach the media host. */
  caPath: string;
  /** `https://host:port` of the media host, as devices learn it from the media_conn IQ. */
  mediaUrl: string;
  /** The in-process API features build on (see core/sim-core.ts). */
  core: SimCore;
  /** `history`: the chats the account's phone holds, synced to every device linked to it afterwards. */
  createAccount(input: { phoneNumber: string; pushName: string; history?: HistoryChatInput[] }): CreatedAccount;
  accounts(): AccountView[];
  devices(phoneNumber: string): DeviceView[];
  /** Resolves once the device is paired (before it reconnects after the 515). */
  link(phoneNumber: string, request: LinkRequest): Promise<{ deviceJid: string }>;
  /** A fresh account with a generated number scans the QR. */
  scan(qr: string, pushName?: string): Promise<AccountView & { deviceJid: string }>;
  disconnect(phoneNumber: string, reason: DisconnectReasonCode): void;
  outage(input: { seconds: number; mode: OutageMode }): void;
  health(): HealthView;
  /** The first participant creates the group; `addressingMode` defaults to `lid`, as for new WhatsApp groups. */
  createGroup(request: {
    subject: string;
    participants: string[];
    addressingMode?: Addressing;
  }): Promise<{ jid: string }>;
  /** A group's state: subject, description, settings, members and their admin roles. */
  group(jid: string): GroupView;
  /** A member (`by`) changes the subject, description or settings, as a phone would; admin rules apply. */
  updateGroup(jid: string, request: UpdateGroupRequest): Promise<GroupView>;
  /** A member (`by`) adds, removes, promotes or demotes; each person gets a status (200 or WhatsApp's error). */
  updateGroupParticipants(
    jid: string,
    request: GroupParticipantsRequest,
  ): Promise<{ participants: ParticipantResult[] }>;
  /** The group's invite code, as a member (`by`) sees it; `reset` revokes the current one first (admins only). */
  groupInviteCode(jid: string, request: { by: string; reset?: boolean }): Promise<{ code: string }>;
  joinGroup(request: { by: string; code: string }): Promise<{ jid: string }>;
  leaveGroup(jid: string, request: { by: string }): Promise<void>;
  /**
   * The account's phone sends a text, media (uploaded to the media host), a location, a contact, a reaction, an edit
   * or a revoke (1:1 or group); resolves with the message id once it is on its way.
   */
  sendMessage(phoneNumber: string, request: SendMessageRequest): Promise<{ id: string }>;
  /** What linked devices sent the account, decrypted (media downloaded and checked), oldest first. */
  inbox(phoneNumber: string): InboxMessage[];
  /** Delivery and read receipts the account's linked devices sent, oldest first. */
  receipts(phoneNumber: string): ReceiptReport[];
  /** Presence and chat states (typing, recording, paused) the account's linked devices sent, oldest first. */
  presence(phoneNumber: string): PresenceReport[];
  /** Any control route, in process (features' routes included); 4xx/5xx answers throw ControlError. */
  control(method: HttpMethod, path: string, body?: unknown): Promise<ControlResponse>;
  stop(): Promise<void>;
}

function qrTimings(overrides: Partial<QrTimings> = {}): QrTimings {
  const defined = Object.entries(overrides).filter(([, value]) => value !== undefined);
  return { ...WHATSAPP_QR_TIMINGS, ...Object.fromEntries(defined) };
}

export async function startSim(options: SimOptions = {}): Promise<SimHandle> {
  const lib = await loadWaLibrary();
  const logger = options.logger ?? pino({ level: 'silent' });
  const host = options.host ?? '127.0.0.1';
  // A wildcard listener is reached through loopback; a client cannot connect to 0.0.0.0.
  const advertisedHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const ca = ensureSimCa(options.caDir);
  const mediaHost = new MediaHost(
    issueServerCertificate(ca, ['127.0.0.1', 'localhost', advertisedHost]),
    logger.child({ module: 'media' }),
  );
  const mediaHostname = await mediaHost.listen(options.mediaPort ?? 0, host, advertisedHost);
  const core = new SimCore(lib, logger);
  const certificates = new CertificateAuthority(lib, options.rootKey);
  const gate = new TrafficGate(core.clock);
  const connections = new ConnectionTracker();
  const pairing = new PairingService(core, qrTimings(options.qr));
  const sessions = new SessionGateway(core, pairing);
  const historySeeds = new HistorySeeds();
  const control = new SimControl(core, pairing, connections, gate, historySeeds);
  registerServerIqs(core);
  registerControlRoutes(core, control);
  registerMedia(core, mediaHost, mediaHostname, ca);
  const messaging = registerMessaging(core, mediaHost);
  registerContacts(core, mediaHost);
  registerPresence(core);
  registerCalls(core, { ringTimeoutMs: options.callRingTimeoutMs });
  registerHistorySync(core, { media: mediaHost, messaging, seeds: historySeeds });

  const server = new SimServer(
    core,
    {
      lib,
      certificates,
      gate,
      clock: core.clock,
      logger,
      onHandshake: (connection, payload) => sessions.onHandshake(connection, payload),
    },
    connections,
  );
  const address = await server.listen(options.port ?? 0, host).catch(async (error: unknown) => {
    await mediaHost.close();
    throw error;
  });
  const origin = `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  let stopped: Promise<void> | undefined;

  return {
    url: `http://${origin}`,
    wsUrl: `ws://${origin}/ws/chat`,
    port: address.port,
    rootPublicKey: certificates.root.public,
    caPath: ca.caPath,
    mediaUrl: `https://${mediaHostname}`,
    core,
    createAccount: ({ phoneNumber, pushName, history }) =>
      control.createAccount(parsePhoneNumber(phoneNumber), pushName, history),
    accounts: () => control.accounts(),
    devices: (phoneNumber) => control.devices(parsePhoneNumber(phoneNumber)),
    link: (phoneNumber, request) => control.link(parsePhoneNumber(phoneNumber), request),
    scan: (qr, pushName) => control.scan(qr, pushName),
    disconnect: (phoneNumber, reason) => control.disconnect(parsePhoneNumber(phoneNumber), reason),
    outage: ({ seconds, mode }) => control.outage(seconds, mode),
    health: () => control.health(),
    createGroup: async (request) => messaging.groupControl.createGroup(parseCreateGroup(request)),
    group: (jid) => messaging.groupControl.view(jid),
    updateGroup: async (jid, request) => messaging.groupControl.update(jid, parseUpdateGroup(request)),
    updateGroupParticipants: async (jid, request) =>
      messaging.groupControl.changeParticipants(jid, parseParticipantsRequest(request)),
    groupInviteCode: async (jid, request) => messaging.groupControl.inviteCode(jid, parseInviteCodeRequest(request)),
    joinGroup: async (request) => messaging.groupControl.join(parseJoinGroup(request)),
    leaveGroup: async (jid, request) => messaging.groupControl.leave(jid, parseLeaveGroup(request)),
    sendMessage: async (phoneNumber, request) =>
      messaging.sendMessage(parsePhoneNumber(phoneNumber), parseSendMessage(request)),
    inbox: (phoneNumber) => messaging.inbox(parsePhoneNumber(phoneNumber)),
    receipts: (phoneNumber) => messaging.receipts(parsePhoneNumber(phoneNumber)),
    presence: (phoneNumber) => messaging.presence(parsePhoneNumber(phoneNumber)),
    control: async (method, path, body) => {
      const url = new URL(path, 'http://sim');
      return core.router.dispatch({ method, path: url.pathname, query: url.searchParams, body });
    },
    stop: () => {
      stopped ??= (async () => {
        pairing.stop();
        gate.end();
        core.stop();
        await server.close();
        await mediaHost.close();
      })();
      return stopped;
    },
  };
}
