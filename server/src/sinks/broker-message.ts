// What a broker publisher sends, and how publishers share one connection per broker and credentials.
import { createHash } from 'node:crypto';
import type { BrokerCredentials } from './broker-url';

export interface BrokerMessage {
  /** The event id: RabbitMQ's message-id, NATS' Nats-Msg-Id. */
  id: string;
  type: string;
  /** RabbitMQ's routing key, or NATS' subject. */
  address: string;
  body: Buffer;
}

/** One connection per broker URL and credentials, keyed by a digest so the map holds no password. */
export function connectionKey(target: { url: string; credentials: BrokerCredentials | null }): string {
  return createHash('sha256')
    .update(JSON.stringify([target.url, target.credentials?.username ?? null, target.credentials?.password ?? null]))
    .digest('base64url');
}
