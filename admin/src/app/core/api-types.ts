// The API's request and response shapes, mirroring the server's OpenAPI document (/api/docs-json); keep them in this one file so a check can compare the two.

export interface Page<T> {
  items: T[];
  /** All matching items, not only this page. */
  total: number;
}

export interface PageQuery {
  limit?: number;
  offset?: number;
}

/** The body of every error answer. */
export interface ApiError {
  statusCode: number;
  error: string;
  /** A sentence, or one per invalid field. */
  message: string | string[];
  correlationId?: string;
}

// Authentication and users

export type Role = 'admin' | 'user';

export interface User {
  id: string;
  username: string;
  role: Role;
  createdAt: string;
}

export interface SetupState {
  needsSetup: boolean;
}

export interface Credentials {
  username: string;
  pin: string;
}

export interface CreateUserRequest extends Credentials {
  role?: Role;
}

export interface AccessToken {
  accessToken: string;
  /** Seconds until the token expires. */
  expiresIn: number;
  user: User;
}

export interface CreatedUser {
  user: User;
}

export interface ChangePinRequest {
  currentPin: string;
  newPin: string;
}

/** What an API key may do: a published contract, the server's API_KEY_SCOPES. */
export const API_KEY_SCOPES = [
  'sessions:read',
  'sessions:write',
  'messages:send',
  'messages:read',
  'webhooks:read',
  'webhooks:write',
  'media:read',
  'media:write',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** What a key may do, where and until when. */
export interface ApiKeyLimits {
  scopes: ApiKeyScope[];
  /** The only sessions the key reaches; null: all of its owner's. */
  sessionIds: string[] | null;
  /** null: never expires. */
  expiresAt: string | null;
}

export interface ApiKey extends ApiKeyLimits {
  id: string;
  name: string;
  /** The key's first characters, to recognise it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreateApiKeyRequest {
  name: string;
  /** Left out: every scope. */
  scopes?: ApiKeyScope[];
  /** Left out: every session. */
  sessionIds?: string[];
  expiresAt?: string;
}

/** The full key is in this answer only. */
export interface CreatedApiKey extends ApiKeyLimits {
  id: string;
  name: string;
  prefix: string;
  key: string;
}

// Sessions

export const SESSION_STATUSES = [
  'created',
  'starting',
  'qr',
  'pairing_code',
  'connected',
  'reconnecting',
  'stopped',
  'qr_timeout',
  'logged_out',
  'banned',
  'replaced',
  'failed',
] as const;

export type SessionStatus = (typeof SESSION_STATUSES)[number];

export interface SessionDevice {
  platform: string | null;
  browser: string | null;
  deviceId: number | null;
}

export interface SessionDisconnect {
  code: number | null;
  reason: string;
  at: string;
}

export interface Session {
  id: string;
  name: string;
  status: SessionStatus;
  jid: string | null;
  lid: string | null;
  phoneNumber: string | null;
  pushName: string | null;
  device: SessionDevice | null;
  lastConnectedAt: string | null;
  lastDisconnect: SessionDisconnect | null;
  settings: SessionSettings;
  createdAt: string;
  updatedAt: string;
}

export interface SessionSettings {
  /** Decline every incoming call. */
  rejectCalls: boolean;
  /** Sent to the caller of a declined call; null sends nothing. */
  rejectCallsMessage: string | null;
}

export interface SessionListQuery extends PageQuery {
  status?: SessionStatus;
}

export interface CreateSessionRequest {
  name: string;
}

export interface UpdateSessionRequest {
  name?: string;
  settings?: Partial<SessionSettings>;
}

export interface SessionQr {
  /** The raw QR payload; the console renders it as an image. */
  qr: string;
  expiresAt: string;
}

export interface PairingCodeRequest {
  phoneNumber: string;
}

export interface PairingCode {
  code: string;
}

// Chats and their stored messages (read-only history)

export type ChatType = 'direct' | 'group';

/** `unsupported`: a kind WAGO does not describe (polls, events, payments…). */
export type MessageType =
  'text' | 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'location' | 'contact' | 'unsupported';

export interface ChatRef {
  jid: string;
  type: ChatType;
}

/** Null identities for messages sent through the API. */
export interface MessageSender {
  pn: string | null;
  lid: string | null;
  pushName: string | null;
}

export interface MessageMedia {
  /** GET /media/{id}; null for a file only described (history sync). */
  id: string | null;
  mimetype: string;
  fileName: string | null;
  size: number | null;
  caption: string | null;
  /** A voice note. */
  ptt: boolean;
  seconds: number | null;
  width: number | null;
  height: number | null;
}

export interface MessageLocation {
  latitude: number;
  longitude: number;
  name: string | null;
  address: string | null;
}

export interface MessageContact {
  displayName: string | null;
  vcard: string | null;
}

export interface MessageQuote {
  id: string;
  sender: string | null;
}

export interface MessageReaction {
  /** The reacting user's JID, `me` for this account. */
  sender: string;
  emoji: string;
}

export interface HistoryMessage {
  id: string;
  chat: ChatRef;
  sender: MessageSender;
  fromMe: boolean;
  type: MessageType;
  /** For `unsupported`: WhatsApp's name of the content. */
  unsupported: string | null;
  /** The text or caption, as last edited; null once deleted. */
  text: string | null;
  media: MessageMedia | null;
  location: MessageLocation | null;
  contact: MessageContact | null;
  mentions: string[];
  quoted: MessageQuote | null;
  reactions: MessageReaction[];
  editedAt: string | null;
  /** Deleted for everyone. */
  deletedAt: string | null;
  timestamp: string;
}

/** Newest first; `nextCursor` is the `before` of the next (older) page, null at the end. */
export interface MessagePage {
  items: HistoryMessage[];
  nextCursor: string | null;
}

export interface MessagePageQuery {
  before?: string;
  limit?: number;
}

export interface MessageSearchQuery extends MessagePageQuery {
  /** Words of texts and captions (full-text search). */
  q?: string;
  chat?: string;
  from?: string;
  type?: MessageType;
  since?: string;
  until?: string;
}

export interface Chat {
  jid: string;
  type: ChatType;
  /** The group's subject, or the contact's name. */
  name: string | null;
  lastMessage: HistoryMessage | null;
  unreadCount: number;
  /** Its newest message's time. */
  updatedAt: string;
}

// Groups

export type GroupRole = 'member' | 'admin' | 'superadmin';

export interface Group {
  jid: string;
  subject: string;
  description: string | null;
  /** The creator: PN JID when known, else LID. */
  owner: string | null;
  participantsCount: number;
  addressingMode: 'pn' | 'lid';
  /** Only admins send messages. */
  announce: boolean;
  /** Only admins change the subject, description and settings. */
  restrict: boolean;
  createdAt: string | null;
}

export interface GroupParticipant {
  pn: string | null;
  lid: string | null;
  role: GroupRole;
}

export interface GroupDetail extends Group {
  participants: GroupParticipant[];
}

export interface GroupListQuery extends PageQuery {
  /** Part of the subject. */
  q?: string;
}

// Webhooks and their deliveries

export const WEBHOOK_EVENTS = [
  'message.received',
  'message.sent',
  'message.ack',
  'message.reaction',
  'message.edited',
  'message.revoked',
  'session.status',
  'group.participants',
  'group.updated',
  'call.received',
  'presence.update',
  '*',
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const GROUP_POLICIES = ['mentions', 'all', 'none'] as const;

export type GroupPolicy = (typeof GROUP_POLICIES)[number];

export interface WebhookSettings {
  url: string;
  events: WebhookEvent[];
  groupPolicy: GroupPolicy;
  enabled: boolean;
}

export interface Webhook extends WebhookSettings {
  id: string;
  sessionId: string;
  /** Why WAGO disabled it (the receiver answered 410 Gone…); null otherwise. */
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The signing secret is in this answer only. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface WebhookSecret {
  secret: string;
}

/** What the receiver answered to a test ping. */
export interface WebhookTestResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error?: string;
}

export const SINK_KINDS = ['rabbitmq', 'nats'] as const;

/** RabbitMQ (a durable topic exchange) or NATS JetStream (a stream). */
export type SinkKind = (typeof SINK_KINDS)[number];

/** What a sink's owner may change; the URL may carry `user:password@` (stored encrypted, never returned). */
export interface SinkSettings {
  url: string;
  /** RabbitMQ only; the server's default is `wago.events`. */
  exchange?: string;
  /** NATS only; the server's default is `WAGO`. */
  stream?: string;
  events: WebhookEvent[];
  groupPolicy: GroupPolicy;
  enabled: boolean;
}

export interface NewSink extends SinkSettings {
  kind: SinkKind;
}

export interface Sink {
  id: string;
  sessionId: string;
  kind: SinkKind;
  /** Without credentials. */
  url: string;
  /** Credentials are stored for it; they are never returned. */
  hasCredentials: boolean;
  exchange: string | null;
  stream: string | null;
  events: WebhookEvent[];
  groupPolicy: GroupPolicy;
  enabled: boolean;
  /** Why WAGO disabled it (its stored credentials cannot be decrypted…); null otherwise. */
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Whether the broker took a test event. */
export interface SinkTestResult {
  ok: boolean;
  durationMs: number;
  error?: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryListQuery extends PageQuery {
  status?: DeliveryStatus;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attemptCount: number;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  /** Null when no HTTP answer came. */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  /** Why the bot reply of a 2xx answer was not sent (the delivery succeeded and is not retried). */
  replyError: string | null;
  at: string;
}

export interface DeliveryDetail extends Delivery {
  /** Exactly one of webhookId and sinkId is set: where the delivery goes. */
  webhookId: string | null;
  sinkId: string | null;
  attempts: DeliveryAttempt[];
  /** The event exactly as sent. */
  event: Record<string, unknown>;
}

export interface RedeliverFailedRequest {
  /** Failed deliveries created since then are sent again. */
  since: string;
}

export interface Redeliveries {
  count: number;
}

// GET /stats

export type SessionsByStatus = Record<SessionStatus, number>;

export interface MessageBucket {
  at: string;
  in: number;
  out: number;
}

export interface DeliveryBucket {
  at: string;
  pending: number;
  delivered: number;
  failed: number;
}

export type ProblemReason = 'disconnected' | 'failing_deliveries';

export interface SessionProblem {
  sessionId: string;
  name: string;
  status: SessionStatus;
  reasons: ProblemReason[];
  failedDeliveries: number;
  retryingDeliveries: number;
}

export interface Stats {
  generatedAt: string;
  sessions: { total: number; byStatus: SessionsByStatus };
  /** `in`/`out`: the last 24 h (from `since`). */
  messages: {
    in: number;
    out: number;
    since: string;
    series: { perMinute: MessageBucket[]; perHour: MessageBucket[] };
  };
  deliveries: {
    since: string;
    byStatus: Record<DeliveryStatus, number>;
    latencyMs: { p50: number | null; p95: number | null; attempts: number; since: string };
    backlog: number;
    oldestPendingAt: string | null;
    series: { perMinute: DeliveryBucket[]; perHour: DeliveryBucket[] };
  };
  problems: SessionProblem[];
}

// The audit log (GET /audit)

export const AUDIT_ACTIONS = [
  'auth.signin',
  'auth.signin_failed',
  'auth.pin_changed',
  'apikey.created',
  'apikey.revoked',
  'user.created',
  'user.deleted',
  'user.unlocked',
  'session.created',
  'session.renamed',
  'session.settings_changed',
  'session.started',
  'session.stopped',
  'session.logged_out',
  'session.deleted',
  'webhook.created',
  'webhook.updated',
  'webhook.secret_rotated',
  'webhook.deleted',
  'delivery.redelivered',
  'sink.created',
  'sink.updated',
  'sink.deleted',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type AuditTargetType = 'user' | 'api_key' | 'session' | 'webhook' | 'delivery' | 'sink';

export interface AuditQuery extends PageQuery {
  /** A user id. */
  actor?: string;
  action?: AuditAction;
  targetId?: string;
  since?: string;
  until?: string;
}

export interface AuditActor {
  userId: string;
  username: string | null;
  apiKeyId: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  /** Null for a failed sign-in with an unknown username. */
  actor: AuditActor | null;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string | null;
  summary: Record<string, unknown>;
  clientAddress: string | null;
  userAgent: string | null;
  correlationId: string | null;
}

// Socket.IO events (path /socket.io, auth {token})

export interface SubscribeRequest {
  sessionId: string;
}

export type SubscribeAck = { ok: true } | { ok: false; error: string };

export interface SessionStatusEvent {
  sessionId: string;
  status: SessionStatus;
  reason: string | null;
  at: string;
}

export interface SessionQrEvent {
  sessionId: string;
  qr: string;
  expiresAt: string;
}

/** `session.event`: the webhook envelope of every event WAGO publishes for the session. */
export interface SessionEvent {
  version: number;
  id: string;
  type: Exclude<WebhookEvent, '*'>;
  sessionId: string;
  timestamp: string;
  data: Record<string, unknown>;
}
