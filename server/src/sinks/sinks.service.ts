import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../core/config/app-config';
import { BadRequestError, NotFoundError, notFoundAs } from '../core/errors/domain-errors';
import { Clock } from '../core/runtime/clock';
import { SessionsService } from '../sessions/sessions.service';
import {
  ALL_EVENTS,
  EventSelector,
  newEventId,
  SinkTestData,
  TEST_EVENT_TYPE,
  WebhookEnvelope,
} from '../webhooks/envelope';
import type { GroupPolicy } from '../webhooks/mention-policy';
import { BrokerPublisher } from './broker-publisher';
import { DEFAULT_EXCHANGE, DEFAULT_STREAM, sameBroker, SinkKind, splitCredentials, urlRefusal } from './broker-url';
import { seal } from './secret-box';
import { SinkEntity } from './sink.entity';
import { SinkChanges, SinksRepository } from './sinks.repository';

export interface SinkInput {
  kind: SinkKind;
  url: string;
  exchange?: string;
  stream?: string;
  events?: EventSelector[];
  groupPolicy?: GroupPolicy;
  enabled?: boolean;
}

export type SinkUpdate = Partial<Omit<SinkInput, 'kind'>>;

/**
 * What a test reports when the broker did not take the event, whatever the cause: the connection error would tell a
 * caller which ports are open on hosts WAGO reaches (the delivery log of real events keeps the broker's answer).
 */
export const BROKER_UNREACHABLE = 'The broker could not be reached or did not accept the event';

export interface SinkTestResult {
  ok: boolean;
  durationMs: number;
  error?: string;
}

/** Message-broker sinks and who may touch them: whoever may see the session (else 404, as for a missing id). */
@Injectable()
export class SinksService {
  constructor(
    private readonly sinks: SinksRepository,
    private readonly sessions: SessionsService,
    private readonly brokers: BrokerPublisher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  async create(user: AuthUser, sessionId: string, input: SinkInput): Promise<SinkEntity> {
    const session = await this.sessions.get(user, sessionId);
    assertDestination(input.kind, input);
    const { url, credentials } = this.parseUrl(input.kind, input.url);
    const sink = await this.sinks.create({
      sessionId: session.id,
      kind: input.kind,
      url,
      credentials,
      exchange: input.kind === 'rabbitmq' ? (input.exchange ?? DEFAULT_EXCHANGE) : null,
      stream: input.kind === 'nats' ? (input.stream ?? DEFAULT_STREAM) : null,
      events: unique(input.events ?? [ALL_EVENTS]),
      groupPolicy: input.groupPolicy ?? 'mentions',
      enabled: input.enabled ?? true,
    });
    const { kind, exchange, stream, events, groupPolicy, enabled } = sink;
    await this.audit.record({
      actor: user,
      action: 'sink.created',
      targetType: 'sink',
      targetId: sink.id,
      summary: { sessionId: session.id, kind, url, exchange, stream, events, groupPolicy, enabled },
    });
    return sink;
  }

  async list(
    user: AuthUser,
    sessionId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: SinkEntity[]; total: number }> {
    const session = await this.sessions.get(user, sessionId);
    return this.sinks.listBySession(session.id, page);
  }

  /** The sink if this user may see its session; anything else is indistinguishable from a missing one. */
  async get(user: AuthUser, sinkId: string): Promise<SinkEntity> {
    const sink = await this.sinks.findById(sinkId);
    if (!sink) throw new NotFoundError(`Sink ${sinkId} not found`);
    await notFoundAs(this.sessions.get(user, sink.sessionId), `Sink ${sinkId} not found`);
    return sink;
  }

  async update(user: AuthUser, sinkId: string, input: SinkUpdate): Promise<SinkEntity> {
    // Every field may be left out, none may be null (the validation of optional fields lets null through).
    const nulls = Object.entries(input).filter(([, value]) => value === null);
    if (nulls.length > 0) throw new BadRequestError(`${nulls.map(([name]) => name).join(', ')} must not be null`);
    const sink = await this.get(user, sinkId);
    assertDestination(sink.kind, input);
    const changes: SinkChanges = {
      exchange: input.exchange,
      stream: input.stream,
      events: input.events && unique(input.events),
      groupPolicy: input.groupPolicy,
      enabled: input.enabled,
    };
    if (input.url !== undefined) {
      const { url, credentials } = this.parseUrl(sink.kind, input.url);
      changes.url = url;
      // A URL without credentials keeps the stored ones only for the same broker: they never go to another host.
      changes.credentials = credentials ?? (sameBroker(sink.url, url) ? sink.credentials : null);
    }
    // Enabling again forgets why WAGO disabled it.
    if (input.enabled === true) changes.disabledReason = null;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    if (Object.keys(defined).length === 0) return sink;
    const updated = await this.sinks.update(sink.id, defined);
    // The sealed credentials stay out of the summary: only whether they changed.
    const { credentials, ...described } = defined;
    await this.audit.record({
      actor: user,
      action: 'sink.updated',
      targetType: 'sink',
      targetId: sink.id,
      summary: { sessionId: sink.sessionId, ...described, credentialsChanged: credentials !== undefined },
    });
    return updated;
  }

  async delete(user: AuthUser, sinkId: string): Promise<void> {
    const sink = await this.get(user, sinkId);
    await this.sinks.delete(sink.id);
    await this.audit.record({
      actor: user,
      action: 'sink.deleted',
      targetType: 'sink',
      targetId: sink.id,
      summary: { sessionId: sink.sessionId, kind: sink.kind, url: sink.url },
    });
  }

  /**
   * Publishes a `webhook.test` event now (routing key `<sessionId>.webhook.test`, subject
   * `wago.<sessionId>.webhook.test`) and reports whether the broker took it; nothing is stored or retried.
   */
  async test(user: AuthUser, sinkId: string): Promise<SinkTestResult> {
    const sink = await this.get(user, sinkId);
    const event: WebhookEnvelope<SinkTestData> = {
      version: 1,
      id: newEventId(),
      type: TEST_EVENT_TYPE,
      sessionId: sink.sessionId,
      timestamp: this.clock.now().toISOString(),
      data: { sinkId: sink.id, message: 'Test event from WAGO' },
    };
    const outcome = await this.brokers.publish(sink, event);
    if (outcome.error === null) return { ok: true, durationMs: outcome.durationMs };
    return { ok: false, durationMs: outcome.durationMs, error: outcome.disable ?? BROKER_UNREACHABLE };
  }

  /** The URL without credentials, and the credentials sealed with SECRETS_KEY; a 400 for a URL this kind cannot use. */
  private parseUrl(kind: SinkKind, value: string): { url: string; credentials: string | null } {
    const refusal = urlRefusal(kind, value);
    if (refusal) throw new BadRequestError(refusal);
    const { url, credentials } = splitCredentials(value);
    return { url, credentials: credentials && seal(JSON.stringify(credentials), this.config.secretsKey) };
  }
}

/** An exchange belongs to a RabbitMQ sink, a stream to a NATS one. */
function assertDestination(kind: SinkKind, input: { exchange?: string; stream?: string }): void {
  if (kind !== 'rabbitmq' && input.exchange !== undefined) {
    throw new BadRequestError('exchange is only for rabbitmq sinks');
  }
  if (kind !== 'nats' && input.stream !== undefined) throw new BadRequestError('stream is only for nats sinks');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
