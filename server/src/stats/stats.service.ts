// The gateway's figures for the dashboard: what the caller's sessions did, cut into fixed windows and buckets.
import { Inject, Injectable } from '@nestjs/common';
import { AuthUser, isAdmin } from '../auth/auth-user';
import { Clock } from '../core/runtime/clock';
import { SESSION_STATUSES, SessionStatus } from '../sessions/session-status';
import { DELIVERY_STATUSES, DeliveryStatus } from '../webhooks/webhook-delivery.entity';
import {
  Grain,
  MessageCounts,
  StatsReader,
  StatsRepository,
  StatsScope,
  StatsWindows,
  TROUBLED_STATUSES,
} from './stats.repository';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
export const MINUTES_IN_SERIES = 60;
export const HOURS_IN_SERIES = 24;

export interface MessageBucket extends MessageCounts {
  /** ISO 8601: the start of the bucket. */
  at: string;
}

export interface DeliveryBucket extends Record<DeliveryStatus, number> {
  at: string;
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
  sessions: { total: number; byStatus: Record<SessionStatus, number> };
  messages: MessageCounts & {
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

@Injectable()
export class StatsService {
  constructor(
    @Inject(StatsRepository) private readonly stats: StatsReader,
    private readonly clock: Clock,
  ) {}

  /** An owner's figures cover their sessions (an API key's sessions, when it is limited), an admin's everyone's. */
  async of(user: AuthUser): Promise<Stats> {
    const scope: StatsScope = {
      ownerId: isAdmin(user) ? null : user.id,
      sessionIds: user.apiKey?.sessionIds ?? null,
    };
    const windows = windowsAt(this.clock.now());
    const [sessions, messages, deliveries, problems] = await Promise.all([
      this.stats.sessionsByStatus(scope),
      this.stats.messages(scope, windows),
      this.stats.deliveries(scope, windows),
      this.stats.problems(scope, windows),
    ]);
    const byStatus = Object.fromEntries(SESSION_STATUSES.map((status) => [status, sessions[status] ?? 0])) as Record<
      SessionStatus,
      number
    >;
    const messageSeries = (grain: Grain): MessageBucket[] => {
      const counts = new Map(messages.buckets.filter((b) => b.grain === grain).map((b) => [b.at, b.counts]));
      return bucketStarts(windows, grain).map((at) => ({
        at: new Date(at).toISOString(),
        in: counts.get(at)?.in ?? 0,
        out: counts.get(at)?.out ?? 0,
      }));
    };
    const deliverySeries = (grain: Grain): DeliveryBucket[] =>
      bucketStarts(windows, grain).map((at) => {
        const counts = deliveries.buckets.filter((b) => b.grain === grain && b.at === at);
        return {
          at: new Date(at).toISOString(),
          ...deliveryCounts((status) => counts.find((b) => b.status === status)?.count),
        };
      });
    return {
      generatedAt: windows.now.toISOString(),
      sessions: { total: Object.values(byStatus).reduce((sum, count) => sum + count, 0), byStatus },
      messages: {
        ...messages.total,
        since: windows.dayAgo.toISOString(),
        series: { perMinute: messageSeries('minute'), perHour: messageSeries('hour') },
      },
      deliveries: {
        since: windows.dayAgo.toISOString(),
        byStatus: deliveryCounts((status) => deliveries.total[status]),
        latencyMs: {
          p50: roundMs(deliveries.latency.p50),
          p95: roundMs(deliveries.latency.p95),
          attempts: deliveries.latency.attempts,
          since: windows.hourAgo.toISOString(),
        },
        backlog: deliveries.backlog,
        oldestPendingAt: deliveries.oldestPendingAt?.toISOString() ?? null,
        series: { perMinute: deliverySeries('minute'), perHour: deliverySeries('hour') },
      },
      problems: problems.map((row) => ({
        ...row,
        reasons: [
          ...(TROUBLED_STATUSES.includes(row.status) ? (['disconnected'] as const) : []),
          ...(row.failedDeliveries + row.retryingDeliveries > 0 ? (['failing_deliveries'] as const) : []),
        ],
      })),
    };
  }
}

/** The windows at `now`: the last 24 h and hour, and the first buckets of the per-hour and per-minute series. */
export function windowsAt(now: Date): StatsWindows {
  const time = now.getTime();
  return {
    now,
    dayAgo: new Date(time - 24 * HOUR_MS),
    hourAgo: new Date(time - HOUR_MS),
    firstHour: new Date(Math.floor(time / HOUR_MS) * HOUR_MS - (HOURS_IN_SERIES - 1) * HOUR_MS),
    firstMinute: new Date(Math.floor(time / MINUTE_MS) * MINUTE_MS - (MINUTES_IN_SERIES - 1) * MINUTE_MS),
  };
}

/** Every bucket of a series, oldest first, the last one the current (partial) minute or hour. */
function bucketStarts(windows: StatsWindows, grain: Grain): number[] {
  const [first, size, count] =
    grain === 'minute'
      ? [windows.firstMinute, MINUTE_MS, MINUTES_IN_SERIES]
      : [windows.firstHour, HOUR_MS, HOURS_IN_SERIES];
  return Array.from({ length: count }, (_, index) => first.getTime() + index * size);
}

function deliveryCounts(count: (status: DeliveryStatus) => number | undefined): Record<DeliveryStatus, number> {
  return Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, count(status) ?? 0])) as Record<
    DeliveryStatus,
    number
  >;
}

function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
