// What a sink's URL says and what it must not show: the broker's address is kept and returned, its credentials are
// split off (to be encrypted) and put back only when connecting.
export const SINK_KINDS = ['rabbitmq', 'nats'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

/** Schemes each kind accepts: plain and TLS. */
export const SINK_URL_SCHEMES: Record<SinkKind, readonly string[]> = {
  rabbitmq: ['amqp:', 'amqps:'],
  nats: ['nats:', 'tls:'],
};

export const DEFAULT_EXCHANGE = 'wago.events';
export const DEFAULT_STREAM = 'WAGO';

/**
 * RabbitMQ's exchange names (letters, digits, `-_.:`), outside the reserved `amq.` prefix; NATS stream names, which
 * may not hold `.`, `*`, `>` or path separators.
 */
export const EXCHANGE_PATTERN = /^(?!amq\.)[A-Za-z0-9_.:-]{1,255}$/;
export const STREAM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface BrokerCredentials {
  username: string;
  /** null for a NATS token, given as the URL's user alone. */
  password: string | null;
}

export interface SplitUrl {
  /** The URL without user information. */
  url: string;
  credentials: BrokerCredentials | null;
}

/** Why `value` is not a URL this kind of sink can use, or null when it is. */
export function urlRefusal(kind: SinkKind, value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'url must be an absolute URL';
  }
  const schemes = SINK_URL_SCHEMES[kind];
  if (!schemes.includes(url.protocol)) {
    return `url must use ${schemes.map((scheme) => `${scheme}//`).join(' or ')} for a ${kind} sink`;
  }
  if (!url.hostname) return 'url must name a host';
  if (url.hash) return 'url must not have a fragment';
  if (kind === 'nats' && (url.pathname.replace(/^\/$/, '') !== '' || url.search)) {
    return 'url must not have a path or query for a nats sink';
  }
  return null;
}

/** Splits the user information off a URL already accepted by urlRefusal. */
export function splitCredentials(value: string): SplitUrl {
  const url = new URL(value);
  const username = decodeURIComponent(url.username);
  const password = url.password ? decodeURIComponent(url.password) : null;
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, ''), credentials: username || password ? { username, password } : null };
}

/** The URL with its credentials back in, as amqplib wants it. Never logged, never returned. */
export function withCredentials(value: string, credentials: BrokerCredentials | null): string {
  if (!credentials) return value;
  const url = new URL(value);
  url.username = encodeURIComponent(credentials.username);
  if (credentials.password !== null) url.password = encodeURIComponent(credentials.password);
  return url.toString();
}

/** Whether two credential-less URLs point at the same broker (scheme, host and port). */
export function sameBroker(one: string, other: string): boolean {
  const [a, b] = [new URL(one), new URL(other)];
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port;
}

/**
 * A broker client's error text without the credentials: amqplib and nats may quote the URL they were given, and
 * an attempt's error is shown in the delivery log and logged.
 */
export function redactCredentials(text: string, credentials: BrokerCredentials | null): string {
  let redacted = text.replace(/(\/\/)[^\s/@]*@/g, '$1[Redacted]@');
  // A NATS token travels as the user alone: then the user is the secret.
  const secret = credentials && (credentials.password ?? credentials.username);
  if (secret) {
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      redacted = redacted.split(form).join('[Redacted]');
  }
  return redacted;
}

/** RabbitMQ's routing key for an event: `<sessionId>.<eventType>`, so `<sessionId>.#` or `*.message.*` bind. */
export function routingKey(sessionId: string, eventType: string): string {
  return `${sessionId}.${eventType}`;
}

/** NATS' subject for an event: `wago.<sessionId>.<eventType>`. */
export function natsSubject(sessionId: string, eventType: string): string {
  return `wago.${sessionId}.${eventType}`;
}

/** The subjects a session's events are published on: what the stream must cover. */
export function sessionSubjects(sessionId: string): string {
  return `wago.${sessionId}.>`;
}
