// Typed configuration, built once from the validated environment and injected everywhere as AppConfig.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, EnvironmentVariables, validateEnvironment } from './environment';

export interface SecretSource {
  secret: string;
  /** Set when the secret was generated or read from DATA_DIR instead of its variable: the boot logs a warning. */
  generatedAt?: string;
}

/** Webhook delivery (issue #6): retries, receiver policy, concurrency, secrets, delivery log retention. */
export interface WebhookSettings {
  /** Seconds to wait before each retry, after the first (immediate) attempt. */
  retryScheduleSeconds: number[];
  denyPrivate: boolean;
  timeoutSeconds: number;
  concurrencyPerReceiver: number;
  maxInFlight: number;
  secretGraceSeconds: number;
  retentionSeconds: number;
}

/** Outgoing message pacing against bans (issue #6). */
export interface MessagingSettings {
  minIntervalMs: number;
  jitterMs: number;
  perChatPerMinute: number;
  /** How long a send request waits for WhatsApp before answering 202 queued. */
  waitForSendMs: number;
  /** How long sent messages (and their Idempotency-Keys) are kept. */
  retentionSeconds: number;
}

/** WhatsApp connections (issue #5): endpoint, Baileys log level, reconnect pacing and backoff, ownership scan. */
export interface WhatsAppSettings {
  /** WhatsApp Web's WebSocket endpoint; the simulator's `ws://…/ws/chat` in tests and demos. */
  wsUrl: string;
  logLevel: string;
  /** Connections opened per second at most when reconnecting (boot, backoff, takeover). */
  reconnectRatePerSecond: number;
  reconnectMinDelayMs: number;
  reconnectMaxDelayMs: number;
  /** How often every node looks for sessions that should run but have no owner. */
  ownerScanIntervalMs: number;
  /** How long a stopping node waits for the other nodes to have taken its sessions over (SIGTERM handoff). */
  shutdownHandoffMs: number;
}

/** Realtime clients (Socket.IO and /ws): how many connections one user may hold at once, both transports together. */
export interface RealtimeSettings {
  maxConnectionsPerUser: number;
}

export type MediaDownload = 'eager' | 'lazy' | 'off';
export type MediaStorageKind = 'postgres' | 'filesystem';

/** Media files (issue #11): where they are kept, when incoming ones are fetched, how big, how long, signed links. */
export interface MediaSettings {
  storage: MediaStorageKind;
  /** The filesystem storage's directory. */
  dir: string;
  download: MediaDownload;
  /** How long an eager download may hold up its message before it is left for the first request. */
  downloadTimeoutMs: number;
  maxBytes: number;
  urlTtlSeconds: number;
  /** The key of signed media links: MEDIA_URL_SECRET, or derived from the JWT secret under its own label. */
  urlKey: Buffer;
  retentionSeconds: number;
}

/** The message history (issue #14): how long every message in and out is kept; 0 keeps none. */
export interface HistorySettings {
  retentionSeconds: number;
}

/** The audit log (issue #15): how long its entries are kept. */
export interface AuditSettings {
  retentionSeconds: number;
}

/** Contacts (issue #14): how long an answer of "is this number on WhatsApp?" is reused before asking again. */
export interface ContactSettings {
  checkTtlSeconds: number;
}

const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5,300,1800,7200,18000,36000,36000';

export class AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly jwtSecret: string;
  readonly jwtSecretFile: string | undefined;
  readonly jwtTtlSeconds: number;
  readonly logLevel: string;
  readonly corsOrigins: string[];
  readonly dataDir: string;
  readonly registrationOpen: boolean;
  readonly rateLimitPerMinute: number;
  /** Express' `trust proxy`, so per-client limits and logs see the client's address behind a reverse proxy. */
  readonly trustProxy: boolean | number | string | undefined;
  /** Login and register attempts per client IP and minute. */
  readonly authRateLimitPerMinute: number;
  readonly webhooks: WebhookSettings;
  readonly messaging: MessagingSettings;
  readonly whatsapp: WhatsAppSettings;
  readonly realtime: RealtimeSettings;
  /** When set, /metrics answers only `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken: string | undefined;
  /** Where clients reach this server, without a trailing slash (PUBLIC_URL, else http://localhost:APP_PORT). */
  readonly publicUrl: string;
  readonly media: MediaSettings;
  readonly contacts: ContactSettings;
  readonly history: HistorySettings;
  /**
   * The AES-256 key that encrypts secrets kept in the database (message-broker credentials): derived from SECRETS_KEY,
   * or outside production from a key generated once in DATA_DIR.
   */
  readonly secretsKey: Buffer;
  /** Set when the secrets key was generated or read from DATA_DIR instead of SECRETS_KEY. */
  readonly secretsKeyFile: string | undefined;
  readonly audit: AuditSettings;

  constructor(env: EnvironmentVariables, jwt: SecretSource, secrets: SecretSource) {
    this.nodeEnv = env.NODE_ENV ?? 'development';
    this.port = env.APP_PORT ?? 3000;
    this.databaseUrl = env.DATABASE_URL;
    this.jwtSecret = jwt.secret;
    this.jwtSecretFile = jwt.generatedAt;
    this.jwtTtlSeconds = parseDuration(env.JWT_TTL ?? '12h');
    this.logLevel = env.LOG_LEVEL ?? 'info';
    this.corsOrigins = (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    this.dataDir = path.resolve(env.DATA_DIR ?? './data');
    this.registrationOpen = env.REGISTRATION_OPEN ?? false;
    this.rateLimitPerMinute = env.RATE_LIMIT_PER_MINUTE ?? 1000;
    this.trustProxy = parseTrustProxy(env.TRUST_PROXY);
    this.authRateLimitPerMinute = env.AUTH_RATE_LIMIT_PER_MINUTE ?? 20;
    this.webhooks = {
      retryScheduleSeconds: (env.WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_WEBHOOK_RETRY_SCHEDULE).split(',').map(Number),
      denyPrivate: env.WEBHOOK_DENY_PRIVATE ?? this.nodeEnv === 'production',
      timeoutSeconds: env.WEBHOOK_TIMEOUT_SECONDS ?? 15,
      concurrencyPerReceiver: env.WEBHOOK_CONCURRENCY_PER_RECEIVER ?? 10,
      maxInFlight: env.WEBHOOK_MAX_IN_FLIGHT ?? 500,
      secretGraceSeconds: parseDuration(env.WEBHOOK_SECRET_GRACE ?? '24h'),
      retentionSeconds: parseDuration(env.WEBHOOK_RETENTION ?? '30d'),
    };
    this.messaging = {
      minIntervalMs: env.MESSAGE_MIN_INTERVAL_MS ?? 1000,
      jitterMs: env.MESSAGE_JITTER_MS ?? 500,
      perChatPerMinute: env.MESSAGE_PER_CHAT_PER_MINUTE ?? 20,
      waitForSendMs: env.MESSAGE_WAIT_FOR_SEND_MS ?? 5000,
      retentionSeconds: parseDuration(env.MESSAGE_RETENTION ?? '30d'),
    };
    this.whatsapp = {
      wsUrl: env.WA_WS_URL ?? 'wss://web.whatsapp.com/ws/chat',
      logLevel: env.WA_LOG_LEVEL ?? 'error',
      reconnectRatePerSecond: env.WA_RECONNECT_RATE ?? 20,
      reconnectMinDelayMs: env.WA_RECONNECT_MIN_DELAY_MS ?? 1000,
      reconnectMaxDelayMs: Math.max(env.WA_RECONNECT_MAX_DELAY_MS ?? 60000, env.WA_RECONNECT_MIN_DELAY_MS ?? 1000),
      ownerScanIntervalMs: env.WA_OWNER_SCAN_INTERVAL_MS ?? 5000,
      shutdownHandoffMs: (env.SHUTDOWN_HANDOFF_SECONDS ?? 20) * 1000,
    };
    this.realtime = { maxConnectionsPerUser: env.REALTIME_CONNECTIONS_PER_USER ?? 20 };
    this.metricsToken = env.METRICS_TOKEN;
    this.publicUrl = (env.PUBLIC_URL ?? `http://localhost:${this.port}`).replace(/\/+$/, '');
    this.media = {
      storage: env.MEDIA_STORAGE ?? 'postgres',
      dir: path.resolve(env.MEDIA_DIR ?? path.join(this.dataDir, 'media')),
      download: env.MEDIA_DOWNLOAD ?? 'eager',
      downloadTimeoutMs: parseDuration(env.MEDIA_DOWNLOAD_TIMEOUT ?? '15s') * 1000,
      maxBytes: env.MEDIA_MAX_BYTES ?? 64 * 1024 * 1024,
      urlTtlSeconds: parseDuration(env.MEDIA_URL_TTL ?? '1h'),
      // A label of its own, so a media link's signature can never double as anything signed with the JWT secret.
      urlKey: createHmac('sha256', env.MEDIA_URL_SECRET ?? jwt.secret)
        .update('wago media url v1')
        .digest(),
      retentionSeconds: parseDuration(env.MEDIA_RETENTION ?? '7d'),
    };
    this.contacts = { checkTtlSeconds: parseDuration(env.CONTACT_CHECK_TTL ?? '24h') };
    this.history = { retentionSeconds: parseDuration(env.MESSAGE_HISTORY_RETENTION ?? '30d') };
    // A label of its own, as for media links: the key is never the raw variable, whatever it holds.
    this.secretsKey = createHmac('sha256', secrets.secret).update('wago secrets v1').digest();
    this.secretsKeyFile = secrets.generatedAt;
    this.audit = { retentionSeconds: parseDuration(env.AUDIT_RETENTION ?? '365d') };
  }

  /** The same configuration pointing at another database (the embedded one when DATABASE_URL is unset). */
  withDatabaseUrl(databaseUrl: string): AppConfig {
    return Object.assign(Object.create(AppConfig.prototype) as AppConfig, this, { databaseUrl });
  }
}

function parseTrustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function parseDuration(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value);
  if (!match) throw new ConfigError(`Invalid duration: ${value}`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/**
 * A secret from its variable, or outside production a strong one generated once and kept in DATA_DIR under `fileName`,
 * so `npm start` works with zero configuration and what it protects survives restarts.
 */
function resolveSecret(
  value: string | undefined,
  variable: string,
  fileName: string,
  env: EnvironmentVariables,
  dataDir: string,
): SecretSource {
  if (value) return { secret: value };
  if (env.NODE_ENV === 'production')
    throw new ConfigError(`Invalid environment: ${variable} is required when NODE_ENV=production`);
  const file = path.join(dataDir, fileName);
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), generatedAt: file };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return { secret, generatedAt: file };
}

/**
 * Baileys accepts any certificate chain, so in production only TLS to the configured host proves the peer is WhatsApp:
 * a plain ws:// endpoint needs the explicit WA_ALLOW_INSECURE_WS=true.
 */
function assertSecureWhatsAppUrl(env: EnvironmentVariables): void {
  if (env.NODE_ENV !== 'production' || env.WA_ALLOW_INSECURE_WS || !env.WA_WS_URL?.startsWith('ws://')) return;
  throw new ConfigError(
    'Invalid environment: WA_WS_URL must be a wss:// URL when NODE_ENV=production (WA_ALLOW_INSECURE_WS=true allows ws://)',
  );
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const variables = validateEnvironment(env);
  assertSecureWhatsAppUrl(variables);
  const dataDir = path.resolve(variables.DATA_DIR ?? './data');
  return new AppConfig(
    variables,
    resolveSecret(variables.JWT_SECRET, 'JWT_SECRET', 'jwt-secret', variables, dataDir),
    resolveSecret(variables.SECRETS_KEY, 'SECRETS_KEY', 'secrets-key', variables, dataDir),
  );
}
