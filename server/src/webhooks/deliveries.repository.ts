// All I/O of the outbox and its delivery log: events, deliveries, attempts, and the queue jobs that drive them,
// always written together in one transaction so a job exists exactly when its delivery needs one.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DeliveryQueue, newJobId } from './delivery-queue';
import type { SinkDestination } from '../sinks/broker-publisher';
import type { SinkEntity } from '../sinks/sink.entity';
import type { WebhookEnvelope } from './envelope';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { DeliveryStatus, WebhookDeliveryEntity } from './webhook-delivery.entity';

/** Where a delivery goes: a webhook (an HTTP receiver) or a sink (a message broker). */
export interface DeliveryTarget {
  kind: 'webhook' | 'sink';
  id: string;
}

/** The delivery's column naming each kind of target (never from input: only these two names reach SQL). */
const TARGET_COLUMN = { webhook: 'webhook_id', sink: 'sink_id' } as const;

interface AttemptBase {
  deliveryId: string;
  attemptCount: number;
  /** The job that owns the next attempt; any other job for this delivery is stale. */
  jobId: string | null;
  /** The webhook's or sink's id: the worker's lane. */
  targetId: string;
  sessionId: string;
  enabled: boolean;
  event: WebhookEnvelope;
}

export interface WebhookAttemptContext extends AttemptBase {
  kind: 'webhook';
  url: string;
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

export interface SinkAttemptContext extends AttemptBase {
  kind: 'sink';
  sink: SinkDestination;
}

/** What one attempt needs, read in one query when its job runs. */
export type AttemptContext = WebhookAttemptContext | SinkAttemptContext;

export interface AttemptRecord {
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  /** Why the bot reply of a 2xx answer was not queued; null when there was none or it was queued. */
  replyError: string | null;
  at: Date;
}

/** What follows a failed attempt, when the job still owns the delivery; `disable` also disables its webhook or sink. */
export type AfterFailure = { retryInMs: number } | { failed: true; disable?: string };

export interface DeliveryFilter {
  target: DeliveryTarget;
  status?: DeliveryStatus;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

export type DeliveryRow = Omit<WebhookDeliveryEntity, 'event' | 'webhook' | 'sink'> & { eventType: string };

export type DeliveryDetail = DeliveryRow & {
  sessionId: string;
  event: WebhookEnvelope;
  attempts: WebhookAttemptEntity[];
};

/** Redeliveries of "all failed since" run in one transaction; more than this is asked again. */
export const MAX_BULK_REDELIVERIES = 10_000;

interface DeliveryListRow {
  id: string;
  webhook_id: string | null;
  sink_id: string | null;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempt_count: number;
  job_id: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
}

interface AttemptRow {
  delivery_id: string;
  attempt_count: number;
  job_id: string | null;
  webhook_id: string | null;
  session_id: string;
  url: string;
  enabled: boolean;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  sink_id: string | null;
  sink_kind: SinkEntity['kind'] | null;
  credentials: string | null;
  exchange: string | null;
  stream: string | null;
  payload: WebhookEnvelope;
}

@Injectable()
export class DeliveriesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: DeliveryQueue,
  ) {}

  /**
   * Commits the event, one pending delivery per target, and a job due at once for each, in one transaction: its own,
   * or the caller's `transaction` (what caused the event is written in it too).
   */
  async enqueue(event: WebhookEnvelope, targets: DeliveryTarget[], transaction?: EntityManager): Promise<void> {
    await this.enqueueAll([{ event, targets }], transaction);
  }

  /** The ids of those `targets` (webhooks and sinks) the event was queued for, whatever became of the delivery. */
  async targetsGiven(eventId: string, targets: DeliveryTarget[]): Promise<Set<string>> {
    if (targets.length === 0) return new Set();
    const ids = targets.map((target) => target.id);
    const rows: { target_id: string }[] = await this.dataSource.query(
      `SELECT coalesce(webhook_id, sink_id) AS target_id FROM webhook_deliveries
        WHERE event_id = $1 AND (webhook_id = ANY($2::uuid[]) OR sink_id = ANY($2::uuid[]))`,
      [eventId, ids],
    );
    return new Set(rows.map((row) => row.target_id));
  }

  /**
   * Whether the session sent this message through the API. Read here, beside the deliveries, because it answers the
   * same question for the group policy: which messages a subscription's receiver knows about.
   */
  async sentThroughApi(sessionId: string, messageId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM outgoing_messages WHERE session_id = $1 AND message_id = $2 LIMIT 1`,
      [sessionId, messageId],
    );
    return rows.length > 0;
  }

  /**
   * Several events in one transaction (a burst committed at once). An event or delivery already in the outbox (the
   * same message delivered again by WhatsApp) is left as it is: each event is published once.
   */
  async enqueueAll(
    entries: { event: WebhookEnvelope; targets: DeliveryTarget[] }[],
    transaction?: EntityManager,
  ): Promise<void> {
    const wanted = entries.filter((entry) => entry.targets.length > 0);
    if (wanted.length === 0) return;
    const deliveries = wanted.flatMap(({ event, targets }) =>
      targets.map((target) => ({ id: randomUUID(), target, eventId: event.id, jobId: newJobId() })),
    );
    const write = async (manager: EntityManager): Promise<void> => {
      await manager.query(
        `INSERT INTO webhook_events (id, session_id, type, payload)
         SELECT * FROM unnest($1::varchar[], $2::uuid[], $3::varchar[], $4::jsonb[])
         ON CONFLICT (id) DO NOTHING`,
        [
          wanted.map(({ event }) => event.id),
          wanted.map(({ event }) => event.sessionId),
          wanted.map(({ event }) => event.type),
          wanted.map(({ event }) => JSON.stringify(event)),
        ],
      );
      // Without a conflict target: a delivery already there for (webhook, event) or (sink, event) is left alone.
      const inserted = await manager.query<{ id: string }[]>(
        `INSERT INTO webhook_deliveries (id, webhook_id, sink_id, event_id, status, job_id, next_attempt_at)
         SELECT id, webhook_id, sink_id, event_id, 'pending', job_id, now()
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::uuid[])
             AS d(id, webhook_id, sink_id, event_id, job_id)
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [
          deliveries.map((delivery) => delivery.id),
          deliveries.map((delivery) => (delivery.target.kind === 'webhook' ? delivery.target.id : null)),
          deliveries.map((delivery) => (delivery.target.kind === 'sink' ? delivery.target.id : null)),
          deliveries.map((delivery) => delivery.eventId),
          deliveries.map((delivery) => delivery.jobId),
        ],
      );
      const insertedIds = new Set(inserted.map((row) => row.id));
      await this.queue.insert(
        manager,
        deliveries
          .filter((delivery) => insertedIds.has(delivery.id))
          .map((delivery) => ({
            id: delivery.jobId,
            deliveryId: delivery.id,
            targetId: delivery.target.id,
            delayMs: 0,
          })),
      );
    };
    await (transaction ? write(transaction) : this.dataSource.transaction(write));
  }

  /** What the attempts of these deliveries need, in one query; deliveries that are gone are missing from the map. */
  async loadAttempts(deliveryIds: string[]): Promise<Map<string, AttemptContext>> {
    const rows: AttemptRow[] = await this.dataSource.query(
      `SELECT d.id AS delivery_id, d.attempt_count, d.job_id, e.session_id, e.payload,
              coalesce(w.url, s.url) AS url, coalesce(w.enabled, s.enabled) AS enabled,
              w.id AS webhook_id, w.secret, w.previous_secret, w.previous_secret_expires_at,
              s.id AS sink_id, s.kind AS sink_kind, s.credentials, s.exchange, s.stream
         FROM webhook_deliveries d
         JOIN webhook_events e ON e.id = d.event_id
         LEFT JOIN webhooks w ON w.id = d.webhook_id
         LEFT JOIN sinks s ON s.id = d.sink_id
        WHERE d.id = ANY($1::uuid[]) AND (w.id IS NOT NULL OR s.id IS NOT NULL)`,
      [deliveryIds],
    );
    return new Map(rows.map((row) => [row.delivery_id, attemptContext(row)]));
  }

  /**
   * Records 2xx attempts and marks their deliveries delivered, all in one statement (the hot path). A redelivery
   * queued in the meantime keeps its job: it was asked for explicitly. One entry per delivery.
   */
  async recordDelivered(entries: { deliveryId: string; jobId: string; attempt: AttemptRecord }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.dataSource.query(
      `WITH outcome AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[])
             AS o(delivery_id, job_id, at, status_code, duration_ms, response_body, reply_error)
       ), delivery AS (
         UPDATE webhook_deliveries d
            SET status = 'delivered', attempt_count = d.attempt_count + 1, last_attempt_at = o.at,
                next_attempt_at = CASE WHEN d.job_id = o.job_id THEN NULL ELSE d.next_attempt_at END,
                job_id = CASE WHEN d.job_id = o.job_id THEN NULL ELSE d.job_id END
           FROM outcome o
          WHERE d.id = o.delivery_id
          RETURNING d.id, d.attempt_count)
       INSERT INTO webhook_attempts (delivery_id, attempt, status_code, duration_ms, error, response_body, reply_error, at)
       SELECT d.id, d.attempt_count, o.status_code, o.duration_ms, NULL, o.response_body, o.reply_error, o.at
         FROM delivery d JOIN outcome o ON o.delivery_id = d.id`,
      [
        entries.map((entry) => entry.deliveryId),
        entries.map((entry) => entry.jobId),
        entries.map((entry) => entry.attempt.at),
        entries.map((entry) => entry.attempt.statusCode),
        entries.map((entry) => entry.attempt.durationMs),
        entries.map((entry) => entry.attempt.responseBody),
        entries.map((entry) => entry.attempt.replyError),
      ],
    );
  }

  /**
   * Records a failed attempt. When the job still owns the delivery, also what follows: a retry job, or `failed`
   * (and the webhook disabled, for a 410). A superseded job only adds its attempt to the log.
   */
  async recordFailed(deliveryId: string, jobId: string, attempt: AttemptRecord, after: AfterFailure): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const rows: {
        attempt_count: number;
        job_id: string | null;
        webhook_id: string | null;
        sink_id: string | null;
      }[] = await manager.query(
        `SELECT attempt_count, job_id, webhook_id, sink_id FROM webhook_deliveries WHERE id = $1 FOR UPDATE`,
        [deliveryId],
      );
      const delivery = rows[0];
      if (!delivery) return;
      const number = delivery.attempt_count + 1;
      await manager.insert(WebhookAttemptEntity, { deliveryId, attempt: number, ...attempt });
      if (delivery.job_id !== jobId) {
        await manager.update(
          WebhookDeliveryEntity,
          { id: deliveryId },
          { attemptCount: number, lastAttemptAt: attempt.at },
        );
        return;
      }
      if ('retryInMs' in after) {
        const nextJobId = newJobId();
        await manager.update(
          WebhookDeliveryEntity,
          { id: deliveryId },
          {
            attemptCount: number,
            lastAttemptAt: attempt.at,
            status: 'pending',
            jobId: nextJobId,
            nextAttemptAt: new Date(attempt.at.getTime() + after.retryInMs),
          },
        );
        await this.queue.insert(manager, [
          { id: nextJobId, deliveryId, targetId: targetIdOf(delivery), delayMs: after.retryInMs },
        ]);
        return;
      }
      await manager.update(
        WebhookDeliveryEntity,
        { id: deliveryId },
        { attemptCount: number, lastAttemptAt: attempt.at, status: 'failed', jobId: null, nextAttemptAt: null },
      );
      if (after.disable) {
        await manager.query(
          `UPDATE ${delivery.webhook_id ? 'webhooks' : 'sinks'}
              SET enabled = false, disabled_reason = $2, updated_at = now() WHERE id = $1`,
          [targetIdOf(delivery), after.disable],
        );
      }
    });
  }

  /** Ends a delivery without an attempt (its webhook or sink was disabled meanwhile), if the job still owns it. */
  async failWithoutAttempt(deliveryId: string, jobId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'failed', job_id = NULL, next_attempt_at = NULL
        WHERE id = $1 AND job_id = $2`,
      [deliveryId, jobId],
    );
  }

  /**
   * Hands the next attempt to a new job due later, without counting an attempt: the receiver's lane is full in this
   * process. Returns false when the job no longer owned the delivery.
   */
  async defer(deliveryId: string, targetId: string, jobId: string, delayMs: number): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const nextJobId = newJobId();
      const [, affected]: [unknown, number] = await manager.query(
        `UPDATE webhook_deliveries SET job_id = $3, next_attempt_at = now() + $4 * interval '1 millisecond'
          WHERE id = $1 AND job_id = $2`,
        [deliveryId, jobId, nextJobId, delayMs],
      );
      if (affected === 0) return false;
      await this.queue.insert(manager, [{ id: nextJobId, deliveryId, targetId, delayMs }]);
      return true;
    });
  }

  /** A new attempt on the same delivery (same event id), due at once, superseding any scheduled one. */
  async redeliver(deliveryId: string, targetId: string): Promise<void> {
    await this.dataSource.transaction((manager) => this.requeue(manager, [{ deliveryId, targetId }]));
  }

  /** Redelivers every failed delivery of the webhook or sink created since `since`; returns how many. */
  async redeliverFailedSince(target: DeliveryTarget, since: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { id: string }[] = await manager.query(
        `SELECT id FROM webhook_deliveries
          WHERE ${TARGET_COLUMN[target.kind]} = $1 AND status = 'failed' AND created_at >= $2
          ORDER BY created_at LIMIT $3 FOR UPDATE`,
        [target.id, since, MAX_BULK_REDELIVERIES],
      );
      await this.requeue(
        manager,
        rows.map((row) => ({ deliveryId: row.id, targetId: target.id })),
      );
      return rows.length;
    });
  }

  private async requeue(manager: EntityManager, deliveries: { deliveryId: string; targetId: string }[]): Promise<void> {
    if (deliveries.length === 0) return;
    const jobs = deliveries.map((delivery) => ({ ...delivery, id: newJobId(), delayMs: 0 }));
    await manager.query(
      `UPDATE webhook_deliveries AS d SET status = 'pending', job_id = j.job_id, next_attempt_at = now()
         FROM unnest($1::uuid[], $2::uuid[]) AS j(delivery_id, job_id)
        WHERE d.id = j.delivery_id`,
      [jobs.map((job) => job.deliveryId), jobs.map((job) => job.id)],
    );
    await this.queue.insert(manager, jobs);
  }

  async list(filter: DeliveryFilter): Promise<{ items: DeliveryRow[]; total: number }> {
    const conditions = [`d.${TARGET_COLUMN[filter.target.kind]} = $1`];
    const values: unknown[] = [filter.target.id];
    const where = (sql: string, value: unknown): void => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.status) where('d.status = ?', filter.status);
    if (filter.since) where('d.created_at >= ?', filter.since);
    if (filter.until) where('d.created_at < ?', filter.until);
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM webhook_deliveries d WHERE ${conditions.join(' AND ')}`,
      values,
    );
    const rows: DeliveryListRow[] = await this.dataSource.query(
      `SELECT d.id, d.webhook_id, d.sink_id, d.event_id, e.type AS event_type, d.status, d.attempt_count, d.job_id,
              d.created_at, d.last_attempt_at, d.next_attempt_at
         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
        WHERE ${conditions.join(' AND ')}
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      [...values, filter.limit, filter.offset],
    );
    return {
      items: rows.map((row) => ({
        id: row.id,
        webhookId: row.webhook_id,
        sinkId: row.sink_id,
        eventId: row.event_id,
        eventType: row.event_type,
        status: row.status,
        attemptCount: row.attempt_count,
        jobId: row.job_id,
        createdAt: row.created_at,
        lastAttemptAt: row.last_attempt_at,
        nextAttemptAt: row.next_attempt_at,
      })),
      total,
    };
  }

  async findById(deliveryId: string): Promise<DeliveryDetail | null> {
    const entity = await this.dataSource.getRepository(WebhookDeliveryEntity).findOne({
      where: { id: deliveryId },
      relations: { event: true },
    });
    if (!entity?.event) return null;
    const attempts = await this.dataSource
      .getRepository(WebhookAttemptEntity)
      .find({ where: { deliveryId }, order: { attempt: 'ASC' } });
    return { ...withEventType(entity), sessionId: entity.event.sessionId, event: entity.event.payload, attempts };
  }

  /** Deletes delivered deliveries older than the cutoff, then events no delivery refers to; returns deliveries pruned. */
  async pruneDelivered(before: Date, batchSize = 1000): Promise<number> {
    let pruned = 0;
    for (;;) {
      const [, affected]: [unknown, number] = await this.dataSource.query(
        `DELETE FROM webhook_deliveries WHERE id IN (
           SELECT id FROM webhook_deliveries WHERE status = 'delivered' AND created_at < $1 LIMIT $2)`,
        [before, batchSize],
      );
      pruned += affected;
      if (affected < batchSize) break;
    }
    await this.dataSource.query(
      `DELETE FROM webhook_events e WHERE e.created_at < $1
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`,
      [before],
    );
    return pruned;
  }
}

function targetIdOf(delivery: { webhook_id: string | null; sink_id: string | null }): string {
  return (delivery.webhook_id ?? delivery.sink_id) as string;
}

function attemptContext(row: AttemptRow): AttemptContext {
  const base = {
    deliveryId: row.delivery_id,
    attemptCount: row.attempt_count,
    jobId: row.job_id,
    targetId: targetIdOf(row),
    sessionId: row.session_id,
    enabled: row.enabled,
    event: row.payload,
  };
  if (row.sink_id) {
    const sink = {
      id: row.sink_id,
      kind: row.sink_kind as SinkEntity['kind'],
      url: row.url,
      credentials: row.credentials,
      exchange: row.exchange,
      stream: row.stream,
    };
    return { ...base, kind: 'sink', sink };
  }
  return {
    ...base,
    kind: 'webhook',
    url: row.url,
    secret: row.secret as string,
    previousSecret: row.previous_secret,
    previousSecretExpiresAt: row.previous_secret_expires_at,
  };
}

function withEventType(entity: WebhookDeliveryEntity): DeliveryRow {
  const { event, ...delivery } = entity;
  return { ...delivery, eventType: event?.type ?? '' } as DeliveryRow;
}
