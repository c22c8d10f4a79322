// The one bounded wait: a promise that rejects with `message` unless `promise` settles within `ms`.
import { Clock, systemClock } from './clock';

export class TimeoutError extends Error {}

export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  message: string,
  clock: Clock = systemClock,
): Promise<T> {
  let timer: { cancel(): void } | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = clock.setTimeout(() => reject(new TimeoutError(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => timer?.cancel());
}
