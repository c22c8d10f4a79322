// Words and rules for a sink's settings: its kind, its URL's scheme, and credentials put into the URL it is sent with.
import type { SinkKind } from '../core/api-types';

/** Product names: the same in every language. */
export const SINK_KIND_LABELS: Record<SinkKind, string> = {
  rabbitmq: 'RabbitMQ',
  nats: 'NATS JetStream',
};

/** The schemes the server takes for each kind (amqplib's and nats.js's). */
export const SINK_URL_SCHEMES: Record<SinkKind, readonly string[]> = {
  rabbitmq: ['amqp:', 'amqps:'],
  nats: ['nats:', 'tls:'],
};

export const SINK_URL_EXAMPLES: Record<SinkKind, string> = {
  rabbitmq: 'amqp://rabbitmq.internal:5672',
  nats: 'nats://nats.internal:4222',
};

/** The server's defaults when none is given. */
export const SINK_DESTINATION_DEFAULTS: Record<SinkKind, string> = {
  rabbitmq: 'wago.events',
  nats: 'WAGO',
};

export function hasSchemeOf(kind: SinkKind, url: string): boolean {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url.trim())?.[0].toLowerCase();
  return scheme !== undefined && SINK_URL_SCHEMES[kind].includes(scheme) && /^[a-z]+:\/\/\S+$/i.test(url.trim());
}

/**
 * The URL the server is sent: the typed user and password go into it (the server splits them off and stores them
 * encrypted). A NATS token is a user without a password, so a password alone is taken as the token. Without either,
 * the URL goes as typed: on an update the server then keeps the stored credentials.
 */
export function urlWithCredentials(kind: SinkKind, url: string, user: string, password: string): string {
  if (user === '' && password === '') return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL the browser can parse: the server says what is wrong with it.
    return url;
  }
  if (kind === 'nats' && user === '') {
    parsed.username = password;
  } else {
    parsed.username = user;
    parsed.password = password;
  }
  return parsed.toString();
}
