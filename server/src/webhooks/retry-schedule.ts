// When to try a failed delivery again: the configured schedule with jitter, never before the receiver's Retry-After.

/** Jitter spreads retries of a burst of failures over ±10% of each delay so a recovering receiver is not stampeded. */
const JITTER = 0.1;
/** A Retry-After further away than this is treated as this (a receiver cannot park a delivery forever). */
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

/**
 * Milliseconds to wait before the next attempt after `attemptsMade` attempts, or null when the schedule is exhausted
 * and the delivery has failed. Manual redeliveries count as attempts too, so a redelivered failure stays failed.
 */
export function nextRetryDelayMs(
  scheduleSeconds: readonly number[],
  attemptsMade: number,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number | null {
  const index = attemptsMade - 1;
  if (index < 0 || index >= scheduleSeconds.length) return null;
  const scheduled = scheduleSeconds[index] * 1000 * (1 - JITTER + 2 * JITTER * random());
  const requested = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds, MAX_RETRY_AFTER_SECONDS) * 1000;
  return Math.round(Math.max(scheduled, requested));
}

/** A Retry-After header (delay-seconds or an HTTP date) as seconds from `now`, or null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
