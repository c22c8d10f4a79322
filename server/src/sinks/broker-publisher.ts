// Publishes an outbox event to a sink's broker: opens its sealed credentials, addresses the event (routing key or
// subject), and reports the outcome as the delivery log records it. Never rejects.
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { Clock } from '../core/runtime/clock';
import type { WebhookEnvelope } from '../webhooks/envelope';
import { BrokerCredentials, natsSubject, redactCredentials, routingKey, sessionSubjects } from './broker-url';
import { NatsPublisher } from './nats.publisher';
import { RabbitMqPublisher } from './rabbitmq.publisher';
import { open, SecretUnreadable } from './secret-box';
import type { SinkEntity } from './sink.entity';

/** A sink as publishing needs it: where to, with its credentials still sealed. */
export type SinkDestination = Pick<SinkEntity, 'id' | 'kind' | 'url' | 'credentials' | 'exchange' | 'stream'>;

export interface BrokerOutcome {
  durationMs: number;
  /** null when the broker accepted the event (confirmed, acknowledged). */
  error: string | null;
  /** Set when retrying cannot help (the credentials cannot be decrypted): the sink is disabled with this reason. */
  disable?: string;
}

const MAX_ERROR_LENGTH = 500;

@Injectable()
export class BrokerPublisher {
  private readonly timeoutMs: number;

  constructor(
    private readonly rabbitmq: RabbitMqPublisher,
    private readonly nats: NatsPublisher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.timeoutMs = config.webhooks.timeoutSeconds * 1000;
  }

  async publish(sink: SinkDestination, event: WebhookEnvelope): Promise<BrokerOutcome> {
    const started = this.clock.now().getTime();
    const elapsed = (): number => this.clock.now().getTime() - started;
    let credentials: BrokerCredentials | null;
    try {
      credentials = this.credentials(sink);
    } catch (error) {
      const reason = error instanceof SecretUnreadable ? error.message : 'The stored credentials are unreadable';
      return { durationMs: elapsed(), error: reason, disable: reason };
    }
    const body = Buffer.from(JSON.stringify(event));
    try {
      if (sink.kind === 'rabbitmq') {
        await this.rabbitmq.publish(
          { url: sink.url, credentials, exchange: sink.exchange as string },
          { id: event.id, type: event.type, address: routingKey(event.sessionId, event.type), body },
          this.timeoutMs,
        );
      } else {
        await this.nats.publish(
          { url: sink.url, credentials, stream: sink.stream as string, subjects: sessionSubjects(event.sessionId) },
          { id: event.id, type: event.type, address: natsSubject(event.sessionId, event.type), body },
          this.timeoutMs,
        );
      }
      return { durationMs: elapsed(), error: null };
    } catch (error) {
      return { durationMs: elapsed(), error: describe(error, credentials) };
    }
  }

  /** The sink's user and password, decrypted for this attempt only. */
  private credentials(sink: SinkDestination): BrokerCredentials | null {
    if (!sink.credentials) return null;
    return JSON.parse(open(sink.credentials, this.config.secretsKey)) as BrokerCredentials;
  }
}

function describe(error: unknown, credentials: BrokerCredentials | null): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return redactCredentials(text, credentials).slice(0, MAX_ERROR_LENGTH) || 'The broker refused the event';
}
