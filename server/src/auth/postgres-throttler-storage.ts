// The request rate limits' counters in Postgres, so every node of a cluster counts against the same budget: a
// client spreading its requests over the nodes behind a round-robin proxy gets no more than from one node.
import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { DataSource } from 'typeorm';

/** Counters idle this long are removed, about once every PRUNE_EVERY increments. */
const IDLE_ROWS_KEPT = '1 hour';
const PRUNE_EVERY = 1000;
const MAX_KEY_LENGTH = 300;
/** A database that is away fails every request's count: logged once in this long. */
const FAILURE_LOG_INTERVAL_MS = 10_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * A fixed window per key: the first hit opens a window of `ttl`; a hit over `limit` blocks the key for
 * `blockDuration`, and once the window or the block is over, counting starts again. One statement per request,
 * atomic, so concurrent requests on several nodes never lose a hit.
 */
export class PostgresThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimits');
  private increments = 0;
  private lastFailureLoggedAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    _throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    this.increments += 1;
    if (this.increments % PRUNE_EVERY === 0) void this.prune();
    // Without its database the gateway can do little anyway, but /health must still say so (503) and nothing may
    // turn into a 500: the limits let requests through until Postgres is back.
    const rows = await this.count(key, ttl, limit, blockDuration).catch((error: unknown) => {
      this.logFailure(error);
      return null;
    });
    if (!rows) return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    const [row] = rows;
    return {
      totalHits: row.hits,
      timeToExpire: row.time_to_expire,
      isBlocked: row.is_blocked,
      timeToBlockExpire: row.time_to_block_expire,
    };
  }

  private count(key: string, ttl: number, limit: number, blockDuration: number) {
    return this.dataSource.query<
      { hits: number; time_to_expire: number; is_blocked: boolean; time_to_block_expire: number }[]
    >(
      `WITH hit AS (
         INSERT INTO rate_limit_hits AS r (key, hits, window_ends_at, blocked_until)
         VALUES ($1, 1, now() + $2 * interval '1 millisecond',
                 CASE WHEN 1 > $3 THEN now() + $4 * interval '1 millisecond' END)
         ON CONFLICT (key) DO UPDATE SET
           -- Blocked: nothing counts until the block is over. Then, or once the window is over, a new window opens.
           hits = CASE WHEN r.blocked_until > now() THEN r.hits
                       WHEN r.window_ends_at <= now() OR r.blocked_until <= now() THEN 1
                       ELSE r.hits + 1 END,
           window_ends_at = CASE WHEN r.blocked_until > now() THEN r.window_ends_at
                                 WHEN r.window_ends_at <= now() OR r.blocked_until <= now()
                                   THEN now() + $2 * interval '1 millisecond'
                                 ELSE r.window_ends_at END,
           blocked_until = CASE WHEN r.blocked_until > now() THEN r.blocked_until
                                WHEN (CASE WHEN r.window_ends_at <= now() OR r.blocked_until <= now() THEN 1
                                           ELSE r.hits + 1 END) > $3
                                  THEN now() + $4 * interval '1 millisecond'
                                ELSE NULL END
         RETURNING hits, window_ends_at, blocked_until)
       SELECT hits,
              GREATEST(0, ceil(extract(epoch FROM window_ends_at - now())))::int AS time_to_expire,
              COALESCE(blocked_until > now(), false) AS is_blocked,
              GREATEST(0, ceil(extract(epoch FROM COALESCE(blocked_until, now()) - now())))::int AS time_to_block_expire
         FROM hit`,
      [key.slice(0, MAX_KEY_LENGTH), ttl, limit, blockDuration],
    );
  }

  private logFailure(error: unknown): void {
    const now = Date.now();
    if (now - this.lastFailureLoggedAt < FAILURE_LOG_INTERVAL_MS) return;
    this.lastFailureLoggedAt = now;
    this.logger.warn({ err: error }, 'Counting a request against the rate limits failed; letting it through');
  }

  private async prune(): Promise<void> {
    await this.dataSource
      .query(
        `DELETE FROM rate_limit_hits
          WHERE window_ends_at < now() - interval '${IDLE_ROWS_KEPT}'
            AND (blocked_until IS NULL OR blocked_until < now() - interval '${IDLE_ROWS_KEPT}')`,
      )
      .catch(() => undefined);
  }
}
