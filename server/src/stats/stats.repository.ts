// All stats I/O: each figure group is one SQL statement over a bounded time window, served by an index.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SessionStatus } from '../sessions/session-status';
import type { DeliveryStatus } from '../webhooks/webhook-delivery.entity';

/** Whose figures: an owner's sessions (null: everyone's, for an admin), narrowed to an API key's sessions. */
export interface StatsScope {
  ownerId: string | null;
  sessionIds: readonly string[] | null;
}

/** The instants the windows are cut at, chosen by the caller so every figure is of one moment. */
export interface StatsWindows {
  now: Date;
  /** now − 24 h: the totals. */
  dayAgo: Date;
  /** now − 1 h: delivery latency. */
  hourAgo: Date;
  /** The start of the first per-hour bucket (the current hour − 23 h). */
  firstHour: Date;
  /** The start of the first per-minute bucket (the current minute − 59 min). */
  firstMinute: Date;
}

export type Grain = 'minute' | 'hour';

export interface MessageCounts {
  in: number;
  out: number;
}

export interface MessageFigures {
  total: MessageCounts;
  /** Only the buckets that have messages, by the epoch milliseconds they start at. */
  buckets: { grain: Grain; at: number; counts: MessageCounts }[];
}

export interface DeliveryFigures {
  total: Partial<Record<DeliveryStatus, number>>;
  buckets: { grain: Grain; at: number; status: DeliveryStatus; count: number }[];
  backlog: number;
  oldestPendingAt: Date | null;
  latency: { p50: number | null; p95: number | null; attempts: number };
}

export interface SessionProblemRow {
  sessionId: string;
  name: string;
  status: SessionStatus;
  failedDeliveries: number;
  retryingDeliveries: number;
}

/** Statuses in which a session that should run does not: a disconnect or a refusal put it there. */
export const TROUBLED_STATUSES: readonly SessionStatus[] = [
  'reconnecting',
  'qr_timeout',
  'logged_out',
  'banned',
  'replaced',
  'failed',
];

/** How many sessions with problems are listed at most (the worst first). */
export const MAX_PROBLEMS = 50;

/** What the stats service reads (the repository below; a fake in unit tests). */
export interface StatsReader {
  sessionsByStatus(scope: StatsScope): Promise<Partial<Record<SessionStatus, number>>>;
  messages(scope: StatsScope, windows: StatsWindows): Promise<MessageFigures>;
  deliveries(scope: StatsScope, windows: StatsWindows): Promise<DeliveryFigures>;
  problems(scope: StatsScope, windows: StatsWindows): Promise<SessionProblemRow[]>;
}

@Injectable()
export class StatsRepository implements StatsReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async sessionsByStatus(scope: StatsScope): Promise<Partial<Record<SessionStatus, number>>> {
    const params: unknown[] = [];
    const rows: { status: SessionStatus; count: number }[] = await this.dataSource.query(
      `SELECT s.status, count(*)::int AS count FROM sessions s WHERE ${sessionsWhere('s', scope, params)}
       GROUP BY s.status`,
      params,
    );
    return Object.fromEntries(rows.map((row) => [row.status, row.count]));
  }

  /** Messages in and out from the message history (IDX_messages_session_timestamp, or IDX_messages_timestamp). */
  async messages(scope: StatsScope, windows: StatsWindows): Promise<MessageFigures> {
    const params: unknown[] = [windows.dayAgo, windows.now, windows.firstHour, windows.firstMinute];
    const rows: { grain: Grain | 'total'; at: number | null; in: number; out: number }[] = await this.dataSource.query(
      `WITH recent AS (
           SELECT m.from_me, m.timestamp FROM messages m
           WHERE m.timestamp >= $1 AND m.timestamp <= $2 ${inSessions('m.session_id', scope, params)}
         )
         SELECT 'total' AS grain, NULL::float8 AS at,
                count(*) FILTER (WHERE NOT from_me)::int AS in, count(*) FILTER (WHERE from_me)::int AS out
         FROM recent
         UNION ALL
         SELECT 'hour', ${bucket('timestamp', 3600)}, count(*) FILTER (WHERE NOT from_me)::int,
                count(*) FILTER (WHERE from_me)::int
         FROM recent WHERE timestamp >= $3 GROUP BY 2
         UNION ALL
         SELECT 'minute', ${bucket('timestamp', 60)}, count(*) FILTER (WHERE NOT from_me)::int,
                count(*) FILTER (WHERE from_me)::int
         FROM recent WHERE timestamp >= $4 GROUP BY 2`,
      params,
    );
    const total = rows.find((row) => row.grain === 'total');
    return {
      total: { in: total?.in ?? 0, out: total?.out ?? 0 },
      buckets: rows.flatMap((row) =>
        row.grain === 'total' || row.at === null
          ? []
          : [{ grain: row.grain, at: row.at, counts: { in: row.in, out: row.out } }],
      ),
    };
  }

  /**
   * Webhook and sink deliveries of the scope's sessions (through their event), by outcome, the backlog, and the
   * latency of the attempts made in the last hour: one statement.
   */
  async deliveries(scope: StatsScope, windows: StatsWindows): Promise<DeliveryFigures> {
    const params: unknown[] = [windows.dayAgo, windows.firstHour, windows.firstMinute, windows.hourAgo];
    const everyone = scope.ownerId === null && scope.sessionIds === null;
    const ofScope = (eventId: string): string =>
      everyone
        ? ''
        : `AND EXISTS (SELECT 1 FROM webhook_events e WHERE e.id = ${eventId} ${inSessions('e.session_id', scope, params)})`;
    // Everyone's: `status = ANY(every status)` lets IDX_webhook_deliveries_status_created serve a range on created_at
    // alone. A scope's: its sessions' events of the window (IDX_webhook_events_session_created), then their
    // deliveries, made with the event.
    const recent = everyone
      ? `SELECT d.status, d.created_at FROM webhook_deliveries d
         WHERE d.status = ANY('{pending,delivered,failed}') AND d.created_at >= $1`
      : `SELECT d.status, d.created_at FROM webhook_events e JOIN webhook_deliveries d ON d.event_id = e.id
         WHERE e.created_at >= $1 AND d.created_at >= $1 ${inSessions('e.session_id', scope, params)}`;
    const rows: {
      grain: Grain | 'total' | 'backlog' | 'latency';
      at: number | null;
      status: DeliveryStatus | null;
      count: number;
      p50: number | null;
      p95: number | null;
    }[] = await this.dataSource.query(
      `WITH recent AS (${recent})
       SELECT 'total' AS grain, NULL::float8 AS at, status, count(*)::int AS count, NULL::float8 AS p50,
              NULL::float8 AS p95
       FROM recent GROUP BY status
       UNION ALL
       SELECT 'hour', ${bucket('created_at', 3600)}, status, count(*)::int, NULL, NULL
       FROM recent WHERE created_at >= $2 GROUP BY 2, 3
       UNION ALL
       SELECT 'minute', ${bucket('created_at', 60)}, status, count(*)::int, NULL, NULL
       FROM recent WHERE created_at >= $3 GROUP BY 2, 3
       UNION ALL
       SELECT 'backlog', extract(epoch FROM min(d.created_at)) * 1000, 'pending', count(*)::int, NULL, NULL
       FROM webhook_deliveries d WHERE d.status = 'pending' ${ofScope('d.event_id')}
       UNION ALL
       SELECT 'latency', NULL, NULL, count(*)::int,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms),
              percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms)
       FROM webhook_attempts a
       WHERE a.at >= $4 ${
         everyone
           ? ''
           : `AND EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = a.delivery_id ${ofScope('d.event_id')})`
       }`,
      params,
    );
    const backlog = rows.find((row) => row.grain === 'backlog');
    const latency = rows.find((row) => row.grain === 'latency');
    return {
      total: Object.fromEntries(
        rows.flatMap((row) => (row.grain === 'total' && row.status ? [[row.status, row.count]] : [])),
      ),
      buckets: rows.flatMap((row) =>
        (row.grain === 'hour' || row.grain === 'minute') && row.at !== null && row.status
          ? [{ grain: row.grain, at: row.at, status: row.status, count: row.count }]
          : [],
      ),
      backlog: backlog?.count ?? 0,
      oldestPendingAt: backlog?.at == null ? null : new Date(backlog.at),
      latency: { p50: latency?.p50 ?? null, p95: latency?.p95 ?? null, attempts: latency?.count ?? 0 },
    };
  }

  /**
   * The scope's sessions that are disconnected (a troubled status) or whose deliveries fail: failed ones of the last
   * 24 h, or pending ones already retried. The disconnected first, then by failures.
   */
  async problems(scope: StatsScope, windows: StatsWindows): Promise<SessionProblemRow[]> {
    const params: unknown[] = [windows.dayAgo, TROUBLED_STATUSES, MAX_PROBLEMS];
    return this.dataSource.query(
      `WITH scoped AS (
         SELECT s.id, s.name, s.status FROM sessions s WHERE ${sessionsWhere('s', scope, params)}
       ),
       failing AS (
         SELECT e.session_id,
                count(*) FILTER (WHERE d.status = 'failed')::int AS failed,
                count(*) FILTER (WHERE d.status = 'pending')::int AS retrying
         FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
         WHERE ((d.status = 'failed' AND d.created_at >= $1) OR (d.status = 'pending' AND d.attempt_count > 0))
           AND e.session_id IN (SELECT id FROM scoped)
         GROUP BY e.session_id
       )
       SELECT s.id AS "sessionId", s.name, s.status, coalesce(f.failed, 0) AS "failedDeliveries",
              coalesce(f.retrying, 0) AS "retryingDeliveries"
       FROM scoped s LEFT JOIN failing f ON f.session_id = s.id
       WHERE s.status = ANY($2) OR f.session_id IS NOT NULL
       ORDER BY (s.status = ANY($2)) DESC, coalesce(f.failed, 0) + coalesce(f.retrying, 0) DESC, s.name
       LIMIT $3`,
      params,
    );
  }
}

/** The start of the `seconds`-long bucket a timestamp falls in, as epoch milliseconds (whatever the time zone). */
function bucket(column: string, seconds: number): string {
  return `floor(extract(epoch FROM ${column}) / ${seconds}) * ${seconds * 1000}`;
}

/** The condition on `sessions` for the scope, its values appended to `params`. */
function sessionsWhere(alias: string, scope: StatsScope, params: unknown[]): string {
  const conditions = ['true'];
  if (scope.ownerId !== null) {
    params.push(scope.ownerId);
    conditions.push(`${alias}.owner_id = $${params.length}`);
  }
  if (scope.sessionIds !== null) {
    params.push(scope.sessionIds);
    conditions.push(`${alias}.id = ANY($${params.length}::uuid[])`);
  }
  return conditions.join(' AND ');
}

/** `AND column IN (the scope's sessions)`, or nothing for everyone's. */
function inSessions(column: string, scope: StatsScope, params: unknown[]): string {
  if (scope.ownerId === null && scope.sessionIds === null) return '';
  return `AND ${column} IN (SELECT s.id FROM sessions s WHERE ${sessionsWhere('s', scope, params)})`;
}
