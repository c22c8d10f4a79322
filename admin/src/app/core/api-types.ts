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

export interface ApiKey {
  id: string;
  name: string;
  /** The key's first characters, to recognise it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreateApiKeyRequest {
  name: string;
}

/** The full key is in this answer only. */
export interface CreatedApiKey {
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
  createdAt: string;
  updatedAt: string;
}

export interface SessionListQuery extends PageQuery {
  status?: SessionStatus;
}

export interface CreateSessionRequest {
  name: string;
}

export interface UpdateSessionRequest {
  name: string;
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

// Webhooks and their deliveries

export const WEBHOOK_EVENTS = [
  'message.received',
  'message.sent',
  'message.ack',
  'message.reaction',
  'message.edited',
  'message.revoked',
  'session.status',
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
  webhookId: string;
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
