// The Baileys engine behind WhatsAppProvider: one socket per session, auth state in Postgres, events normalised.
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type {
  AnyMessageContent,
  BaileysEventMap,
  BinaryNode,
  ConnectionState,
  Contact,
  GroupMetadata,
  WAMessage,
  WAMessageKey,
  WASocket,
  WAVersion,
} from '@whiskeysockets/baileys';
import { PinoLogger } from 'nestjs-pino';
import type { Logger as PinoInstance } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { AppConfig } from '../../core/config/app-config';
import { collectingGarbageDuring } from '../../core/memory/garbage-pacer';
import { Clock } from '../../core/runtime/clock';
import { withTimeout } from '../../core/runtime/with-timeout';
import { MetricsService } from '../../health/metrics.service';
import { MediaService } from '../../media/media.service';
import {
  HistoryMessage,
  LearnedContact,
  MessageAck,
  MessageReceived,
  WhatsAppEventMap,
  WhatsAppEventName,
  WhatsAppEvents,
} from '../events';
import { ProfileNameUnknownError, SessionNotConnectedError, WhatsAppUnavailableError } from '../whatsapp.errors';
import {
  GroupChanges,
  GroupInfo,
  MessageRef,
  NumberLookup,
  ParticipantAction,
  ParticipantChangeResult,
  OutgoingContent,
  OutgoingMessage,
  PresenceState,
  SentMessage,
  WhatsAppAccount,
  WhatsAppProvider,
} from '../whatsapp.provider';
import { AuthStateRepository, LeaseEpoch } from './auth-state.repository';
import { Baileys, loadBaileys } from './baileys';
import { BoundedCache } from './bounded-cache';
import {
  callReceived,
  contactsOfGroup,
  groupInfo,
  groupParticipantsChanged,
  groupUpdated,
  isFullMetadata,
  learnedContact,
  presencesUpdated,
  userIds,
} from './directory-events';
import { classifyDisconnect, RESTART_REQUIRED } from './disconnect';
import { serialiseKeyTransactions } from './key-transactions';
import {
  ackFromReceipt,
  ackFromUpdate,
  IncomingAttachment,
  isDecryptionFailure,
  NormaliseContext,
  normaliseMessage,
  NormalisedMessage,
} from './message-normaliser';
import { isPaired, PostgresAuthState, readStoredCreds, usePostgresAuthState } from './postgres-auth-state';
import { FrameSocket, ReceiptGate } from './receipt-gate';
import { RecentIds } from './recent-ids';
import { statusCodeOf, whatsappRefusal } from './refusals';

/**
 * The WhatsApp Web version WAGO announces. Pinned (never fetched at runtime) so a start needs no internet and
 * behaves the same every time; raise it together with Baileys.
 */
export const WA_WEB_VERSION: WAVersion = [2, 3000, 1043857760];

/** What the phone lists under Linked devices: "Chrome (Ubuntu)". */
const BROWSER: [platform: string, browser: string, version: string] = ['Ubuntu', 'Chrome', '22.04.4'];

/** WhatsApp shows the first QR for 60 s and each following one for 20 s (Baileys' defaults, which we keep). */
const FIRST_QR_TTL_MS = 60_000;
const NEXT_QR_TTL_MS = 20_000;

/** Signal keys a session keeps in memory; sessions, sender keys and mappings of active chats fit comfortably. */
const KEY_CACHE_SIZE = 256;
/** Message ids remembered per session to drop redeliveries (e.g. the offline queue after a reconnect). */
const RECENT_MESSAGE_IDS = 128;
/**
 * Group metadata a session keeps: Baileys asks WhatsApp for a group's members before every send to it unless given
 * them, and WhatsApp answers `rate-overlimit` to more than a few such queries a minute (a known cause of bans).
 * Entries are dropped when a group notification says the group changed, and fetched again at the next need.
 */
const GROUP_METADATA_CACHE_SIZE = 500;

/**
 * The phone numbers a send found on WhatsApp, trusted for CONTACT_CHECK_TTL without asking again: a busy line writes
 * to the same people all day, and a usync query per send is load WhatsApp rate-limits. A "no" is never kept (the
 * number may join WhatsApp any minute).
 */
const KNOWN_RECIPIENTS_CACHE_SIZE = 10_000;
const CLOSE_TIMEOUT_MS = 5_000;
const PAIRING_READY_TIMEOUT_MS = 20_000;
const LOGOUT_CONNECT_TIMEOUT_MS = 15_000;
/**
 * Committing an incoming message is tried this often, waiting twice as long each time from the first delay (about
 * 16 s in all); then the connection is dropped unacknowledged and WhatsApp offers the message again after reconnect.
 */
const COMMIT_ATTEMPTS = 7;
const COMMIT_FIRST_RETRY_MS = 250;
/** Longer than every commit retry together: a receipt held this long belongs to a message that never came to us. */
const RECEIPT_HOLD_LIMIT_MS = 60_000;
/**
 * The history a newly linked device takes: the phone's initial bootstrap and recent chats (never the full history),
 * up to this many messages per connection; later sync notifications are refused before Baileys downloads them.
 */
const HISTORY_MESSAGES_PER_CONNECTION = 10_000;
/** History messages normalised and committed together, with a turn of the event loop between two such slices. */
const HISTORY_SLICE = 50;

interface Connection {
  sessionId: string;
  socket: WASocket;
  auth: PostgresAuthState;
  /** What its `connection.*` events carry; null for a connection nobody hears of (a brief one, to log out). */
  connectionId: number | null;
  /** The lease epoch its credential writes are fenced with. */
  leaseEpoch: LeaseEpoch;
  open: boolean;
  /** Resolves once the connection logged in or closed. */
  decided: Promise<void>;
  markDecided(): void;
  /** Closed on purpose (stop, logout, shutdown): nobody hears of it. */
  closing: boolean;
  qrCount: number;
  /** The push name the server announced at login (Baileys itself only learns it later, from app-state sync). */
  loginName: string | undefined;
  /** Resolves with the first QR, when the socket is ready to ask for a pairing code instead. */
  ready: Promise<void>;
  markReady(): void;
  closed: Promise<void>;
  markClosed(): void;
  /** Incoming messages are handled one batch after the other, in order. */
  inbox: Promise<void>;
  /** Holds each incoming message's delivery receipt until the message is committed. */
  receipts: ReceiptGate;
  /** Given up on a commit: the connection is going down and nothing more is acknowledged on it. */
  dropped: boolean;
  /** The groups' metadata as WhatsApp last described it (see GROUP_METADATA_CACHE_SIZE). */
  groupMetadata: BoundedCache;
  /** Until when (epoch ms) each PN JID is known to be on WhatsApp (see KNOWN_RECIPIENTS_CACHE_SIZE). */
  knownRecipients: BoundedCache;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Baileys' code for an operation on a socket that is no longer open (DisconnectReason.connectionClosed). */
const CONNECTION_CLOSED = 428;

/** How long a send waits for WhatsApp to say whether its recipient exists. */
const RECIPIENT_CHECK_TIMEOUT_MS = 10_000;

/**
 * Whether Baileys is to take a history sync notification: the initial bootstrap, recent chats and push names while
 * the connection's budget lasts, never the full history. The empty notification Baileys asks about at login (does it
 * wait for the history, holding live messages back?) names no content and is answered no.
 */
function takesHistory(
  baileys: Baileys,
  notification: {
    syncType?: number | null;
    directPath?: string | null;
    initialHistBootstrapInlinePayload?: Uint8Array | null;
  },
  left: { messages: number },
): boolean {
  const types = baileys.proto.HistorySync.HistorySyncType;
  const announcesContent = Boolean(notification.directPath || notification.initialHistBootstrapInlinePayload?.length);
  const taken = [types.INITIAL_BOOTSTRAP, types.RECENT, types.PUSH_NAME] as (number | null | undefined)[];
  return announcesContent && taken.includes(notification.syncType) && left.messages > 0;
}

/** What the normaliser needs of a connection: this account's identities and its LID mapping store. */
function normaliseContext(baileys: Baileys, connection: Connection, offline: boolean): NormaliseContext {
  const me = connection.auth.state.creds.me;
  const lidMapping = connection.socket.signalRepository.lidMapping;
  return {
    sessionId: connection.sessionId,
    offline,
    self: {
      pn: me?.id ? baileys.jidNormalizedUser(me.id) : null,
      lid: me?.lid ? baileys.jidNormalizedUser(me.lid) : null,
    },
    mapping: {
      pnForLid: (lid: string) => lidMapping.getPNForLID(lid),
      lidForPn: (pn: string) => lidMapping.getLIDForPN(pn),
    },
  };
}

/** A history message as the history module keeps it: its file described only. */
function historyMessage(
  message: Omit<MessageReceived, 'media'>,
  attachment: IncomingAttachment | null,
): HistoryMessage {
  const { offline: _offline, ...received } = message;
  if (!attachment) return { ...received, media: null };
  const { download: _download, ...described } = attachment;
  return { ...received, media: described };
}

/** The websocket inside Baileys' WebSocketClient, which exists as soon as makeWASocket returns. */
function frameSocketOf(socket: WASocket): FrameSocket {
  // Protected in Baileys' types; read reflectively rather than cast.
  const inner: unknown = Reflect.get(socket.ws, 'socket');
  if (typeof inner !== 'object' || inner === null || typeof (inner as FrameSocket).send !== 'function') {
    throw new Error('Baileys changed: its websocket client has no socket to send frames through');
  }
  return inner as FrameSocket;
}

/**
 * Runs Baileys' decryptions inside the auth state's decryption scope, so the key writes they make are held until
 * their message is committed. The Signal repository is one object the whole socket calls through, so wrapping its
 * methods here covers every decryption.
 */
function holdDecryptionWrites(socket: WASocket, auth: PostgresAuthState): void {
  const repository = socket.signalRepository;
  const { decryptMessage, decryptGroupMessage, processSenderKeyDistributionMessage } = repository;
  repository.decryptMessage = (input) => auth.heldKeys.decrypting(() => decryptMessage.call(repository, input));
  repository.decryptGroupMessage = (input) =>
    auth.heldKeys.decrypting(() => decryptGroupMessage.call(repository, input));
  repository.processSenderKeyDistributionMessage = (input) =>
    auth.heldKeys.decrypting(() => processSenderKeyDistributionMessage.call(repository, input));
}

/** A phone number's PN JID; any JID as it is. */
function toJid(to: string): string {
  return /^\+?\d+$/.test(to) ? `${to.replace(/\D/g, '')}@s.whatsapp.net` : to;
}

function messageKey(message: MessageRef): WAMessageKey {
  return {
    remoteJid: message.chatJid,
    id: message.messageId,
    fromMe: message.fromMe,
    participant: message.fromMe ? undefined : (message.sender ?? undefined),
  };
}

/** WAGO's message kinds in Baileys' terms. */
function baileysContent(content: OutgoingContent, mentions: string[] | undefined): AnyMessageContent {
  switch (content.type) {
    case 'text':
      return { text: content.text, mentions, linkPreview: null };
    case 'image':
      return {
        image: { stream: content.media.stream },
        mimetype: content.media.mimetype,
        caption: content.caption,
        mentions,
      };
    case 'video':
      return {
        video: { stream: content.media.stream },
        mimetype: content.media.mimetype,
        caption: content.caption,
        mentions,
      };
    case 'document':
      return {
        document: { stream: content.media.stream },
        mimetype: content.media.mimetype,
        fileName: content.media.fileName,
        caption: content.caption,
        mentions,
      };
    case 'audio':
      return { audio: { stream: content.media.stream }, mimetype: content.media.mimetype, ptt: content.ptt };
    case 'sticker':
      return { sticker: { stream: content.media.stream }, mimetype: content.media.mimetype };
    case 'location':
      return {
        location: {
          degreesLatitude: content.latitude,
          degreesLongitude: content.longitude,
          name: content.name,
          address: content.address,
        },
      };
    case 'contact':
      return {
        contacts: {
          displayName: content.displayName,
          contacts: [{ displayName: content.displayName, vcard: content.vcard }],
        },
      };
    case 'reaction':
      return { react: { text: content.emoji, key: messageKey(content.target) } };
  }
}

@Injectable()
export class BaileysProvider extends WhatsAppProvider implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WhatsApp');
  private readonly baileysLogger: PinoInstance;
  private readonly connections = new Map<string, Connection>();
  private readonly recentIds = new Map<string, RecentIds>();
  private readonly messagesReceived: Counter<'offline'>;
  private readonly commitFailures: Counter;
  private readonly decryptionFailures: Counter;

  constructor(
    private readonly config: AppConfig,
    private readonly authState: AuthStateRepository,
    private readonly events: WhatsAppEvents,
    private readonly media: MediaService,
    pino: PinoLogger,
    metrics: MetricsService,
    private readonly clock: Clock,
  ) {
    super();
    this.baileysLogger = pino.logger.child({ context: 'Baileys' }, { level: config.whatsapp.logLevel });
    const connections = this.connections;
    new Gauge({
      name: 'wago_whatsapp_connections',
      help: 'WhatsApp connections of this process, by state (open: logged in; opening: connecting or pairing)',
      labelNames: ['state'] as const,
      registers: [metrics.registry],
      collect() {
        const open = [...connections.values()].filter((connection) => connection.open).length;
        this.set({ state: 'open' }, open);
        this.set({ state: 'opening' }, connections.size - open);
      },
    });
    this.messagesReceived = new Counter({
      name: 'wago_whatsapp_messages_received_total',
      help: 'Incoming WhatsApp messages turned into message.received, live or from the offline queue',
      labelNames: ['offline'] as const,
      registers: [metrics.registry],
    });
    this.commitFailures = new Counter({
      name: 'wago_whatsapp_unacknowledged_drops_total',
      help: 'Connections dropped because incoming messages could not be committed (WhatsApp delivers them again)',
      registers: [metrics.registry],
    });
    this.decryptionFailures = new Counter({
      name: 'wago_whatsapp_decryption_failures_total',
      help: 'Incoming messages Baileys could not decrypt; each one it asked the sender to send again (retry receipt)',
      registers: [metrics.registry],
    });
  }

  /** Loads Baileys at boot rather than on the first connect: a broken install fails the start, not a session. */
  async onModuleInit(): Promise<void> {
    await loadBaileys();
  }

  async connect(sessionId: string, connectionId: number | null, leaseEpoch: LeaseEpoch): Promise<void> {
    if (this.connections.has(sessionId)) throw new Error(`Session ${sessionId} already has a connection`);
    const baileys = await loadBaileys();
    const logger = this.baileysLogger.child({ sessionId });
    const auth = await usePostgresAuthState(baileys, this.authState, sessionId, {
      cacheSize: KEY_CACHE_SIZE,
      logger,
      leaseEpoch,
      onOwnedElsewhere: () => this.dropOwnedElsewhere(connection),
    });
    const receipts = new ReceiptGate({
      clock: this.clock,
      holdLimitMs: RECEIPT_HOLD_LIMIT_MS,
      onHold: (messageIds) => auth.heldKeys.assign(messageIds),
      onStalled: (messageIds) => {
        this.logger.error({ sessionId, messageIds }, 'Incoming messages were never committed; dropping the connection');
        this.dropUnacknowledged(connection);
      },
    });
    const groupMetadata = new BoundedCache(GROUP_METADATA_CACHE_SIZE);
    const historyLeft = { messages: HISTORY_MESSAGES_PER_CONNECTION };
    // Checked again: two connects for one session could both have passed the first check while loading.
    if (this.connections.has(sessionId)) throw new Error(`Session ${sessionId} already has a connection`);
    const socket = baileys.makeWASocket({
      version: WA_WEB_VERSION,
      waWebSocketUrl: this.config.whatsapp.wsUrl,
      auth: auth.state,
      logger: receipts.wrapLogger(logger),
      browser: BROWSER,
      markOnlineOnConnect: false,
      syncFullHistory: false,
      // Our own sends would come back as `append` upserts and look like offline messages.
      emitOwnEvents: false,
      generateHighQualityLinkPreview: false,
      // Baileys asks once at login, with an empty notification, whether to wait for the history: saying no there
      // keeps it from holding live messages back for up to 20 s; the real notifications that follow are taken.
      shouldSyncHistoryMessage: (notification) => takesHistory(baileys, notification, historyLeft),
      cachedGroupMetadata: (jid) => Promise.resolve(groupMetadata.get<GroupMetadata>(jid)),
    });
    serialiseKeyTransactions(socket.authState.keys, sessionId);
    holdDecryptionWrites(socket, auth);
    const ready = deferred();
    const decided = deferred();
    const closed = deferred();
    const connection: Connection = {
      sessionId,
      socket,
      auth,
      connectionId,
      leaseEpoch,
      open: false,
      decided: decided.promise,
      markDecided: decided.resolve,
      closing: false,
      qrCount: 0,
      loginName: undefined,
      ready: ready.promise,
      markReady: ready.resolve,
      closed: closed.promise,
      markClosed: closed.resolve,
      inbox: Promise.resolve(),
      receipts,
      dropped: false,
      groupMetadata,
      knownRecipients: new BoundedCache(KNOWN_RECIPIENTS_CACHE_SIZE),
    };
    receipts.attach(frameSocketOf(socket));
    this.connections.set(sessionId, connection);
    if (!this.recentIds.has(sessionId)) this.recentIds.set(sessionId, new RecentIds(RECENT_MESSAGE_IDS));

    socket.ev.on('creds.update', (update) => {
      auth.saveCreds();
      const name = update.me?.name;
      if (connection.open && name && name !== '~') this.announce(connection, 'connection.renamed', { pushName: name });
    });
    socket.ws.on('CB:success', (node: BinaryNode) => {
      connection.loginName = node.attrs.display_name || undefined;
    });
    socket.ev.on('connection.update', (update) => this.onConnectionUpdate(baileys, connection, update));
    socket.ev.on('messages.update', (updates) => {
      for (const update of updates) this.emitAck(ackFromUpdate(baileys, sessionId, update));
    });
    socket.ev.on('message-receipt.update', (receipts) => {
      for (const receipt of receipts) this.emitAck(ackFromReceipt(baileys, sessionId, receipt));
    });
    this.followDirectory(baileys, connection);
    // The placeholder of an undecryptable message is counted here; receive() skips it like any stub, and the copy
    // the sender sends again after Baileys' retry receipt arrives as the message itself.
    socket.ev.on('messages.upsert', ({ messages }) => {
      for (const message of messages) if (isDecryptionFailure(baileys, message)) this.decryptionFailures.inc();
    });
    socket.ev.on('messages.upsert', ({ messages, type }) => {
      if (type !== 'notify' && type !== 'append') return;
      connection.inbox = connection.inbox
        .then(() => this.receive(baileys, connection, messages, type === 'append'))
        .catch((error: unknown) => this.logger.error({ err: error, sessionId }, 'Handling incoming messages failed'));
    });
    // One chunk after another, on a queue of its own: the history never holds back the messages arriving now.
    let historyQueue = Promise.resolve();
    socket.ev.on('messaging-history.set', (history) => {
      historyQueue = historyQueue
        .then(() => this.receiveHistory(baileys, connection, history, historyLeft))
        .catch((error: unknown) => this.logger.error({ err: error, sessionId }, 'Handling the history sync failed'));
    });
  }

  async requestPairingCode(sessionId: string, phoneNumber: string): Promise<string> {
    const connection = this.connections.get(sessionId);
    if (!connection) throw new SessionNotConnectedError(sessionId);
    await withTimeout(connection.ready, PAIRING_READY_TIMEOUT_MS, 'WhatsApp did not offer pairing in time');
    return connection.socket.requestPairingCode(phoneNumber.replace(/\D/g, ''));
  }

  async disconnect(sessionId: string): Promise<void> {
    const connection = this.connections.get(sessionId);
    if (!connection) return;
    connection.closing = true;
    // Messages being committed get their receipts first, so fewer come back after the reconnect.
    await withTimeout(connection.inbox, CLOSE_TIMEOUT_MS, 'inbox did not drain').catch(() => undefined);
    connection.receipts.close();
    await connection.socket.end(undefined);
    await this.settle(connection);
  }

  async logout(sessionId: string): Promise<void> {
    try {
      let connection = this.connections.get(sessionId);
      if (connection && !connection.open) {
        await this.disconnect(sessionId);
        connection = undefined;
      }
      if (!connection && (await this.linkedJid(sessionId))) connection = await this.connectBriefly(sessionId);
      if (connection) {
        connection.closing = true;
        await connection.auth.discard();
        await connection.socket.logout().catch((error: unknown) => {
          this.logger.warn({ err: error, sessionId }, 'WhatsApp did not take the logout; wiping credentials anyway');
        });
        await this.settle(connection);
      }
    } finally {
      this.recentIds.delete(sessionId);
      await this.wipeCredentials(sessionId);
    }
  }

  wipeCredentials(sessionId: string): Promise<void> {
    return this.authState.wipe(sessionId);
  }

  async linkedJid(sessionId: string): Promise<string | null> {
    const baileys = await loadBaileys();
    const creds = await readStoredCreds(baileys, this.authState, sessionId);
    return creds && isPaired(creds) ? baileys.jidNormalizedUser(creds.me?.id) : null;
  }

  isConnected(sessionId: string): boolean {
    return this.connections.get(sessionId)?.open ?? false;
  }

  async send(sessionId: string, message: OutgoingMessage): Promise<SentMessage> {
    const { content } = message;
    try {
      const socket = this.socketOf(sessionId);
      const baileys = await loadBaileys();
      const chatJid = toJid(message.to);
      const quoted: WAMessage | undefined = message.quoted && {
        key: {
          remoteJid: chatJid,
          id: message.quoted.messageId,
          fromMe: false,
          participant: baileys.isJidGroup(chatJid) ? message.quoted.sender : undefined,
        },
        message: { conversation: '' },
      };
      // Media is encrypted by Baileys from the stream into a temporary file and uploaded from there.
      const sent = await collectingGarbageDuring(() =>
        socket.sendMessage(chatJid, baileysContent(content, message.mentions), {
          quoted,
          messageId: message.messageId,
        }),
      ).catch((error: unknown) => {
        // Baileys refuses to write to a socket that closed under the send (a handoff, a lost connection): the message
        // never left, so it is not a failure of the message but a session no longer connected here.
        if (statusCodeOf(error) === CONNECTION_CLOSED) throw new SessionNotConnectedError(sessionId);
        throw error;
      });
      if (!sent?.key.id) throw new Error('WhatsApp did not accept the message');
      return {
        messageId: sent.key.id,
        chatJid,
        timestamp: new Date(
          (baileys.toNumber(sent.messageTimestamp) || this.clock.now().getTime() / 1000) * 1000,
        ).toISOString(),
      };
    } finally {
      // A stream Baileys did not read to its end (a failure on the way) would hold its file open.
      if ('media' in content) content.media.stream.destroy();
    }
  }

  async edit(sessionId: string, message: MessageRef, text: string): Promise<void> {
    await this.socketOf(sessionId).sendMessage(message.chatJid, { text, edit: messageKey(message) });
  }

  async deleteForEveryone(sessionId: string, message: MessageRef): Promise<void> {
    await this.socketOf(sessionId).sendMessage(message.chatJid, { delete: messageKey(message) });
  }

  async markRead(sessionId: string, messages: MessageRef[]): Promise<void> {
    await this.socketOf(sessionId).readMessages(messages.map(messageKey));
  }

  async sendPresence(sessionId: string, state: PresenceState, chatJid?: string): Promise<void> {
    const socket = this.socketOf(sessionId);
    const aboutChat = state !== 'available' && state !== 'unavailable';
    if (!aboutChat && !socket.authState.creds.me?.name) throw new ProfileNameUnknownError(sessionId);
    await socket.sendPresenceUpdate(state, chatJid);
  }

  /**
   * Asks WhatsApp: a PN on WhatsApp (usync contact query, its "yes" kept for CONTACT_CHECK_TTL), a group this account
   * is in (its metadata).
   */
  override async recipientExists(sessionId: string, jid: string): Promise<boolean> {
    const connection = this.connections.get(sessionId);
    if (!connection?.open) throw new SessionNotConnectedError(sessionId);
    const { socket } = connection;
    if (jid.endsWith('@lid')) return true;
    try {
      if (jid.endsWith('@g.us')) {
        if (connection.groupMetadata.get(jid)) return true;
        await withTimeout(this.fetchGroup(connection, jid), RECIPIENT_CHECK_TIMEOUT_MS, 'WhatsApp did not answer');
        return true;
      }
      const now = this.clock.now().getTime();
      if ((connection.knownRecipients.get<number>(jid) ?? 0) > now) return true;
      const results = await withTimeout(socket.onWhatsApp(jid), RECIPIENT_CHECK_TIMEOUT_MS, 'WhatsApp did not answer');
      const exists = Boolean(results?.some((result) => result.exists));
      if (exists) connection.knownRecipients.set(jid, now + this.config.contacts.checkTtlSeconds * 1000);
      return exists;
    } catch (error) {
      // WhatsApp answered no (item-not-found, or forbidden for a group we are not in); a rate limit or silence says
      // nothing about the recipient.
      const code = statusCodeOf(error);
      if (code === 401 || code === 403 || code === 404) return false;
      throw new WhatsAppUnavailableError(`Could not ask WhatsApp about ${jid}: ${(error as Error).message}`);
    }
  }

  async lookupNumbers(sessionId: string, phoneNumbers: string[]): Promise<NumberLookup[]> {
    const connection = this.openConnection(sessionId);
    const { socket } = connection;
    return this.refusing('looking the numbers up', async () => {
      const baileys = await loadBaileys();
      const found = (await socket.onWhatsApp(...phoneNumbers.map((phone) => `${phone}@s.whatsapp.net`))) ?? [];
      const existing = new Map(
        found.filter((result) => result.exists).map((result) => [baileys.jidDecode(result.jid)?.user, result.jid]),
      );
      const pns = [...existing.values()].map((jid) => baileys.jidNormalizedUser(jid));
      const mappings = pns.length > 0 ? ((await socket.signalRepository.lidMapping.getLIDsForPNs(pns)) ?? []) : [];
      const lidOf = new Map(mappings.map((mapping) => [baileys.jidNormalizedUser(mapping.pn), mapping.lid]));
      const lookups = phoneNumbers.map((phoneNumber) => {
        const jid = existing.get(phoneNumber);
        const pn = jid ? baileys.jidNormalizedUser(jid) : null;
        const lid = pn ? lidOf.get(pn) : undefined;
        return { phoneNumber, exists: pn !== null, jid: pn, lid: lid ? baileys.jidNormalizedUser(lid) : null };
      });
      this.learn(
        sessionId,
        lookups.filter((lookup) => lookup.jid && lookup.lid).map((l) => ({ pn: l.jid, lid: l.lid })),
      );
      return lookups;
    });
  }

  async profilePictureUrl(sessionId: string, jid: string): Promise<string | null> {
    const { socket } = this.openConnection(sessionId);
    try {
      return (await socket.profilePictureUrl(jid, 'image')) ?? null;
    } catch (error) {
      // No picture, or one its owner hides from this account: both are "none" to the caller.
      const code = statusCodeOf(error);
      if (code === 401 || code === 404) return null;
      throw whatsappRefusal(error, 'the profile picture');
    }
  }

  async blocklist(sessionId: string): Promise<string[]> {
    const { socket } = this.openConnection(sessionId);
    const baileys = await loadBaileys();
    const jids = await this.refusing('the blocklist', () => socket.fetchBlocklist());
    return jids.filter((jid): jid is string => Boolean(jid)).map((jid) => baileys.jidNormalizedUser(jid));
  }

  async setBlocked(sessionId: string, jid: string, blocked: boolean): Promise<void> {
    const { socket } = this.openConnection(sessionId);
    await this.refusing(blocked ? 'blocking' : 'unblocking', () =>
      socket.updateBlockStatus(jid, blocked ? 'block' : 'unblock'),
    );
  }

  async groups(sessionId: string): Promise<GroupInfo[]> {
    const connection = this.openConnection(sessionId);
    const baileys = await loadBaileys();
    const all = await this.refusing('listing the groups', () => connection.socket.groupFetchAllParticipating());
    const groups = Object.values(all).map((metadata) => {
      connection.groupMetadata.set(metadata.id, metadata);
      return groupInfo(baileys, metadata);
    });
    this.learn(sessionId, groups.flatMap(contactsOfGroup));
    return groups;
  }

  async group(sessionId: string, groupJid: string): Promise<GroupInfo> {
    const connection = this.openConnection(sessionId);
    const baileys = await loadBaileys();
    const group = groupInfo(baileys, await this.refusing('the group', () => this.fetchGroup(connection, groupJid)));
    this.learn(sessionId, contactsOfGroup(group));
    return group;
  }

  async createGroup(sessionId: string, subject: string, participants: string[]): Promise<GroupInfo> {
    const connection = this.openConnection(sessionId);
    const baileys = await loadBaileys();
    const metadata = await this.refusing('creating the group', () =>
      connection.socket.groupCreate(subject, participants.map(toJid)),
    );
    connection.groupMetadata.set(metadata.id, metadata);
    return groupInfo(baileys, metadata);
  }

  async updateGroup(sessionId: string, groupJid: string, changes: GroupChanges): Promise<void> {
    const connection = this.openConnection(sessionId);
    const { socket } = connection;
    await this.refusing('changing the group', async () => {
      if (changes.subject !== undefined) await socket.groupUpdateSubject(groupJid, changes.subject);
      if (changes.description !== undefined) await socket.groupUpdateDescription(groupJid, changes.description);
      if (changes.announce !== undefined) {
        await socket.groupSettingUpdate(groupJid, changes.announce ? 'announcement' : 'not_announcement');
      }
      if (changes.restrict !== undefined) {
        await socket.groupSettingUpdate(groupJid, changes.restrict ? 'locked' : 'unlocked');
      }
    });
    connection.groupMetadata.del(groupJid);
  }

  async updateGroupParticipants(
    sessionId: string,
    groupJid: string,
    action: ParticipantAction,
    participants: string[],
  ): Promise<ParticipantChangeResult[]> {
    const connection = this.openConnection(sessionId);
    const baileys = await loadBaileys();
    const results = await this.refusing(`the participants' ${action}`, () =>
      connection.socket.groupParticipantsUpdate(groupJid, participants.map(toJid), action),
    );
    connection.groupMetadata.del(groupJid);
    return results.map((result) => ({
      ...userIds(baileys, result.jid, result.content.attrs.phone_number, result.content.attrs.lid),
      status: Number(result.status) || 0,
    }));
  }

  async groupInviteCode(sessionId: string, groupJid: string, revoke: boolean): Promise<string> {
    const { socket } = this.openConnection(sessionId);
    const code = await this.refusing(revoke ? 'revoking the invite link' : 'the invite link', () =>
      revoke ? socket.groupRevokeInvite(groupJid) : socket.groupInviteCode(groupJid),
    );
    if (!code) throw whatsappRefusal(new Error('no code in the answer'), 'the invite link');
    return code;
  }

  async joinGroup(sessionId: string, inviteCode: string): Promise<string> {
    const { socket } = this.openConnection(sessionId);
    const groupJid = await this.refusing('joining the group', () => socket.groupAcceptInvite(inviteCode));
    if (!groupJid) throw whatsappRefusal(new Error('no group in the answer'), 'joining the group');
    return groupJid;
  }

  async leaveGroup(sessionId: string, groupJid: string): Promise<void> {
    const connection = this.openConnection(sessionId);
    await this.refusing('leaving the group', () => connection.socket.groupLeave(groupJid));
    connection.groupMetadata.del(groupJid);
  }

  async rejectCall(sessionId: string, callId: string, callerJid: string): Promise<void> {
    const { socket } = this.openConnection(sessionId);
    await this.refusing('rejecting the call', () => socket.rejectCall(callId, callerJid));
  }

  async subscribePresence(sessionId: string, jid: string): Promise<void> {
    const { socket } = this.openConnection(sessionId);
    await this.refusing('the presence subscription', () => socket.presenceSubscribe(jid));
  }

  async disconnectAll(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((sessionId) => this.disconnect(sessionId)));
  }

  /** The session lifecycle closes everything first; this only catches connections opened behind its back. */
  async onApplicationShutdown(): Promise<void> {
    await this.disconnectAll();
  }

  /** The session's logged-in socket in this process. */
  private socketOf(sessionId: string): WASocket {
    return this.openConnection(sessionId).socket;
  }

  private openConnection(sessionId: string): Connection {
    const connection = this.connections.get(sessionId);
    if (!connection?.open) throw new SessionNotConnectedError(sessionId);
    return connection;
  }

  /** Runs a WhatsApp operation, turning its refusal into the domain error a client can tell apart. */
  private async refusing<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw whatsappRefusal(error, what);
    }
  }

  /** A group's metadata from WhatsApp, remembered for the sends to it. */
  private async fetchGroup(connection: Connection, groupJid: string): Promise<GroupMetadata> {
    const metadata = await connection.socket.groupMetadata(groupJid);
    connection.groupMetadata.set(groupJid, metadata);
    return metadata;
  }

  /** Identities and names WhatsApp told, for the contacts module (not awaited: it keeps them in the background). */
  private learn(sessionId: string, contacts: LearnedContact[]): void {
    if (contacts.length > 0) void this.events.publish('contacts.learned', { sessionId, contacts });
  }

  /**
   * Turns the socket's group, call, presence and contact events into WhatsAppEvents, and keeps the group metadata
   * cache true: a group that changed is forgotten, and described again at the next need.
   */
  private followDirectory(baileys: Baileys, connection: Connection): void {
    const { sessionId, socket, groupMetadata } = connection;
    const lidMapping = socket.signalRepository.lidMapping;
    socket.ev.on('groups.upsert', (metadata) => {
      for (const group of metadata) groupMetadata.set(group.id, group);
      const groups = metadata.map((group) => groupInfo(baileys, group));
      void this.events.publish('groups.seen', { sessionId, groups });
      this.learn(sessionId, groups.flatMap(contactsOfGroup));
    });
    socket.ev.on('groups.update', (updates) => {
      for (const update of updates) {
        // groupFetchAllParticipating reports every group it read as an "update" with its whole metadata: a
        // description to keep, not a change to announce.
        if (isFullMetadata(update)) {
          groupMetadata.set(update.id, update);
          continue;
        }
        if (update.id) groupMetadata.del(update.id);
        const event = groupUpdated(baileys, sessionId, update, this.clock.now());
        if (event) void this.events.publish('group.updated', event);
      }
    });
    socket.ev.on('group-participants.update', (update) => {
      groupMetadata.del(update.id);
      const event = groupParticipantsChanged(baileys, sessionId, update, this.clock.now());
      if (event) void this.events.publish('group.participants', event);
    });
    socket.ev.on('call', (calls) => {
      for (const call of calls) {
        const event = callReceived(baileys, sessionId, call);
        if (event) void this.events.publish('call.received', event);
      }
    });
    socket.ev.on('presence.update', (update) => {
      void (async () => {
        const at = this.clock.now();
        for (const presence of presencesUpdated(baileys, sessionId, update, (jid) => userIds(baileys, jid), at)) {
          if (presence.from.lid && !presence.from.pn)
            presence.from.pn = await lidMapping.getPNForLID(presence.from.lid);
          if (presence.from.pn) presence.from.pn = baileys.jidNormalizedUser(presence.from.pn);
          // Someone followed by phone number is told by it: the LID, when WhatsApp gave one before (or tells it now).
          if (presence.from.pn && !presence.from.lid) {
            const lid = await lidMapping.getLIDForPN(presence.from.pn).catch(() => null);
            presence.from.lid = lid && baileys.jidNormalizedUser(lid);
          }
          await this.events.publish('presence.update', presence);
        }
      })().catch((error: unknown) => this.logger.error({ err: error, sessionId }, 'Handling a presence failed'));
    });
    socket.ev.on('lid-mapping.update', (mapping) => this.learn(sessionId, [userIds(baileys, mapping.pn, mapping.lid)]));
    const contactsChanged = (contacts: Partial<Contact>[]): void =>
      this.learn(
        sessionId,
        contacts.flatMap((contact) => learnedContact(baileys, contact) ?? []),
      );
    socket.ev.on('blocklist.update', ({ blocklist, type }) => {
      const jids = blocklist.map((jid) => baileys.jidNormalizedUser(jid));
      void this.events.publish('contacts.blocked', { sessionId, jids, blocked: type === 'add' });
    });
    socket.ev.on('contacts.upsert', contactsChanged);
    socket.ev.on('contacts.update', contactsChanged);
  }

  private onConnectionUpdate(baileys: Baileys, connection: Connection, update: Partial<ConnectionState>): void {
    const { sessionId } = connection;
    if (this.connections.get(sessionId) !== connection) return;
    if (update.qr && !connection.closing) {
      const ttl = connection.qrCount === 0 ? FIRST_QR_TTL_MS : NEXT_QR_TTL_MS;
      connection.qrCount += 1;
      connection.markReady();
      this.announce(connection, 'connection.qr', {
        qr: update.qr,
        expiresAt: new Date(this.clock.now().getTime() + ttl),
      });
    }
    if (update.connection === 'open') {
      connection.open = true;
      connection.markDecided();
      if (!connection.closing)
        this.announce(connection, 'connection.opened', { account: this.account(baileys, connection) });
    }
    if (update.connection === 'close') {
      connection.open = false;
      connection.receipts.close();
      const error = update.lastDisconnect?.error;
      const code = statusCodeOf(error);
      const wanted = connection.closing;
      this.settle(connection)
        .then(() => {
          if (wanted) return connection.markDecided();
          if (code === RESTART_REQUIRED) return this.restart(connection);
          connection.markDecided();
          const awaitingScan = connection.qrCount > 0 && !connection.auth.paired;
          this.announce(connection, 'connection.closed', {
            disconnect: classifyDisconnect(code, error?.message ?? 'Connection closed', awaitingScan),
          });
        })
        .catch((failure: unknown) => this.logger.error({ err: failure, sessionId }, 'Closing a connection failed'));
    }
  }

  /**
   * WhatsApp asks for a fresh connection right after pairing: reconnect at once with the new credentials. The new
   * connection carries on for the old one: same connection id, and the old one is decided when it is.
   */
  private async restart(previous: Connection): Promise<void> {
    const { sessionId, connectionId, leaseEpoch } = previous;
    this.logger.log(`Session ${sessionId}: WhatsApp asked for a restart after pairing; reconnecting`);
    try {
      await this.connect(sessionId, connectionId, leaseEpoch);
      const next = this.connections.get(sessionId);
      if (next) void next.decided.then(previous.markDecided);
      else previous.markDecided();
    } catch (error) {
      this.logger.error({ err: error, sessionId }, 'Reconnecting after the restart request failed');
      previous.markDecided();
      this.announce(previous, 'connection.closed', {
        disconnect: { reason: 'connection_closed', code: RESTART_REQUIRED, message: String(error) },
      });
    }
  }

  /** Publishes a connection's progress for whoever opened it; a connection nobody is to hear of publishes nothing. */
  private announce<E extends 'connection.qr' | 'connection.opened' | 'connection.renamed' | 'connection.closed'>(
    connection: Connection,
    event: E,
    details: Omit<WhatsAppEventMap[E], 'sessionId' | 'connectionId'>,
  ): void {
    if (connection.connectionId === null) return;
    const payload = { sessionId: connection.sessionId, connectionId: connection.connectionId, ...details };
    void this.events.publish(event, payload as WhatsAppEventMap[E]);
  }

  /** Waits for the socket to be gone, writes any pending creds and forgets the connection. */
  private async settle(connection: Connection): Promise<void> {
    if (this.connections.get(connection.sessionId) === connection) {
      this.connections.delete(connection.sessionId);
      connection.markClosed();
    }
    await withTimeout(connection.closed, CLOSE_TIMEOUT_MS, 'socket did not close').catch(() => undefined);
    await connection.auth.close().catch((error: unknown) => {
      this.logger.error({ err: error, sessionId: connection.sessionId }, 'Saving credentials on close failed');
    });
  }

  /** Logs in from stored credentials just long enough to log out; nobody else hears of this connection. */
  private async connectBriefly(sessionId: string): Promise<Connection | undefined> {
    // Unfenced: the credentials are wiped right after.
    await this.connect(sessionId, null, null);
    const decided = this.connections.get(sessionId)?.decided ?? Promise.resolve();
    await withTimeout(decided, LOGOUT_CONNECT_TIMEOUT_MS, 'timeout').catch(() => undefined);
    const connection = this.connections.get(sessionId);
    if (connection?.open) return connection;
    await this.disconnect(sessionId);
    return undefined;
  }

  private emitAck(ack: MessageAck | null): void {
    if (ack) void this.events.publish('message.ack', ack);
  }

  private account(baileys: Baileys, connection: Connection): WhatsAppAccount {
    const me = connection.auth.state.creds.me;
    const decoded = baileys.jidDecode(me?.id);
    const jid = baileys.jidNormalizedUser(me?.id);
    const name = me?.name && me.name !== '~' ? me.name : (connection.loginName ?? me?.notify ?? null);
    return {
      jid,
      lid: me?.lid ? baileys.jidNormalizedUser(me.lid) : null,
      phoneNumber: decoded?.user ?? jid.split('@')[0],
      pushName: name || null,
      device: { platform: BROWSER[0], browser: BROWSER[1], deviceId: decoded?.device ?? null },
    };
  }

  /**
   * Hands each message over durably, in order, and only then lets its delivery receipt go. A message that cannot be
   * committed even after retries drops the connection instead: its receipt is never sent, so WhatsApp delivers it again
   * after the reconnect. Duplicates are remembered only once committed.
   */
  private async receive(baileys: Baileys, connection: Connection, messages: WAMessage[], offline: boolean) {
    const { sessionId, receipts } = connection;
    const recent = this.recentIds.get(sessionId);
    const context = normaliseContext(baileys, connection, offline);
    for (const message of messages) {
      if (connection.dropped) return;
      const received = await normaliseMessage(baileys, message, context);
      const messageIds = message.key.id ? [message.key.id] : [];
      const messageId = message.key.id;
      if (received && messageId && !recent?.has(messageId)) {
        if (!(await this.commit(connection, () => this.handOver(received), messageIds))) return;
        recent?.add(messageId);
        if (received.kind === 'message') this.messagesReceived.inc({ offline: String(offline) });
      } else if (!(await this.commit(connection, () => Promise.resolve(), messageIds))) {
        return;
      }
      receipts.release(messageIds);
    }
  }

  /**
   * Hands a chunk of the history sync to the history module in slices, yielding between them, so a busy account's
   * history costs a little at a time instead of one burst of CPU and memory. Its PN↔LID pairs go to the contacts
   * module. Files are described, never fetched; reactions, edits and deletions in the history are left out.
   */
  private async receiveHistory(
    baileys: Baileys,
    connection: Connection,
    history: BaileysEventMap['messaging-history.set'],
    left: { messages: number },
  ): Promise<void> {
    const { sessionId } = connection;
    this.learn(sessionId, [
      ...(history.lidPnMappings ?? []).map((mapping) => userIds(baileys, mapping.pn, mapping.lid)),
      ...history.contacts.flatMap((contact) => learnedContact(baileys, contact) ?? []),
    ]);
    let chats = history.chats.flatMap((chat) =>
      chat.id && chat.name ? [{ chatJid: baileys.jidNormalizedUser(chat.id) || chat.id, name: chat.name }] : [],
    );
    const context = normaliseContext(baileys, connection, true);
    for (let start = 0; start < history.messages.length || chats.length > 0; start += HISTORY_SLICE) {
      if (connection.closing || connection.dropped) return;
      const messages: HistoryMessage[] = [];
      for (const message of history.messages.slice(start, start + HISTORY_SLICE)) {
        const normalised = await normaliseMessage(baileys, message, context);
        if (normalised?.kind === 'message') messages.push(historyMessage(normalised.message, normalised.attachment));
      }
      left.messages -= messages.length;
      const failures = await this.events.publish('history.received', { sessionId, messages, chats });
      if (failures.length > 0) return;
      chats = [];
      await nextTurn();
    }
  }

  /**
   * Hands a message, reaction, edit or deletion to its listeners, which commit it. A media message's file is recorded
   * first and, with MEDIA_DOWNLOAD=eager, downloaded here, before the commit: its link then works as soon as the
   * webhook arrives. The download is bounded by MEDIA_DOWNLOAD_TIMEOUT and leaves the file to be fetched at its first
   * request when it fails, so a slow media server delays the message's receipt a little and never loses it.
   */
  private async handOver(received: NormalisedMessage): Promise<void> {
    switch (received.kind) {
      case 'message': {
        const { message, attachment } = received;
        const media = attachment && {
          ...(await this.media.receive({
            sessionId: message.sessionId,
            messageId: message.messageId,
            mimetype: attachment.mimetype,
            fileName: attachment.fileName,
            size: attachment.size,
            download: attachment.download,
          })),
          mimetype: attachment.mimetype,
          fileName: attachment.fileName,
          caption: attachment.caption,
          ptt: attachment.ptt,
          seconds: attachment.seconds,
          width: attachment.width,
          height: attachment.height,
        };
        return this.publishDurably('message.received', { ...message, media });
      }
      case 'reaction':
        return this.publishDurably('message.reaction', received.reaction);
      case 'edit':
        return this.publishDurably('message.edited', received.edit);
      case 'revoke':
        return this.publishDurably('message.revoked', received.revoke);
    }
  }

  /** Publishes an event its listeners commit; rejects when any of them failed, so the message is not acknowledged. */
  private async publishDurably<E extends WhatsAppEventName>(event: E, payload: WhatsAppEventMap[E]): Promise<void> {
    const failures = await this.events.publish(event, payload);
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} ${event} listener(s) failed`);
  }

  /**
   * Hands a message over (`handOver`), then writes the Signal state its decryption left, so that a crash in between
   * leaves a message WhatsApp delivers again and that still decrypts. True once both are done; false when it gave up
   * and dropped the connection.
   */
  private async commit(connection: Connection, handOver: () => Promise<void>, messageIds: string[]): Promise<boolean> {
    let handedOver = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (!handedOver) await handOver();
        handedOver = true;
        await connection.auth.heldKeys.commit(messageIds);
        return true;
      } catch (error) {
        if (connection.dropped) return false;
        const giveUp = attempt >= COMMIT_ATTEMPTS;
        this.logger.error(
          { err: error, sessionId: connection.sessionId, messageIds, attempt },
          giveUp
            ? 'An incoming message could not be committed; dropping the connection so WhatsApp delivers it again'
            : 'An incoming message could not be committed; retrying before acknowledging it',
        );
        if (giveUp) {
          this.dropUnacknowledged(connection);
          return false;
        }
        await this.clock.sleep(COMMIT_FIRST_RETRY_MS * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * Another node took the session (this one lost its lease without noticing yet): its credentials are that node's
   * now, so this connection closes; the lifecycle finds its status write fenced off too, and lets the session go.
   */
  private dropOwnedElsewhere(connection: Connection): void {
    if (connection.dropped || this.connections.get(connection.sessionId) !== connection) return;
    connection.dropped = true;
    this.logger.warn(`Session ${connection.sessionId} is owned by another node now; closing its connection here`);
    connection.receipts.close();
    void connection.socket.end(new Error('Another node owns the session now')).catch(() => undefined);
  }

  /** Ends the connection without sending what is held: the lifecycle reconnects it like any lost connection. */
  private dropUnacknowledged(connection: Connection): void {
    if (connection.dropped) return;
    connection.dropped = true;
    this.commitFailures.inc();
    connection.receipts.close();
    void connection.socket.end(new Error('Incoming messages could not be committed')).catch(() => undefined);
  }
}
