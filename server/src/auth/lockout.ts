// The brute-force rule for logins: a few free attempts per username and client address, then locks that grow
// with every further failure.
import { isIPv4, isIPv6 } from 'node:net';

/** Failed attempts allowed before the account locks (for the address they come from). */
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

/** Attempts whose address is unknown (no socket address) share one counter. */
const UNKNOWN_ADDRESS = 'unknown';

/**
 * The address failures are counted under. An IPv6 client stands for its /64: a host usually owns a whole /64, and
 * counting each address apart would give it 2^64 fresh starts. An IPv4-mapped IPv6 address is its IPv4 address.
 */
export function clientAddressKey(address: string | undefined): string {
  const bare = address?.split('%')[0] ?? '';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return UNKNOWN_ADDRESS;
  return `${ipv6Groups(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase();
  const embedded = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (embedded) {
    const [a, b, c, d] = embedded.slice(1).map(Number);
    text = `${text.slice(0, embedded.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...new Array<string>(zeros).fill('0'), ...tailGroups].map((group) =>
    parseInt(group, 16).toString(16),
  );
}
