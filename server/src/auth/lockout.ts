// The brute-force rule for logins: a few free attempts, then locks that grow with every further failure.

/** Failed attempts allowed before the account locks. */
const FREE_ATTEMPTS = 4;
/** Lock after the 5th, 6th, 7th and 8th failure; every later failure locks for the last delay again. */
const LOCK_DELAYS_SECONDS = [60, 5 * 60, 15 * 60, 60 * 60];

/** Seconds locked after the n-th consecutive failure, for n = 1, 2, …; the last entry holds for every n beyond. */
export const LOCK_SECONDS_BY_FAILURES: readonly number[] = [
  ...new Array<number>(FREE_ATTEMPTS).fill(0),
  ...LOCK_DELAYS_SECONDS,
];

/** Failures older than this are forgotten, so a mistyped PIN now and then never adds up to a lock. */
export const FORGET_FAILURES_AFTER_SECONDS = 24 * 60 * 60;
