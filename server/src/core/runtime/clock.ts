// The time and the timers, injected wherever rules depend on them so tests can move time instead of waiting for it.
import { Injectable } from '@nestjs/common';

/** A scheduled callback; cancelling one that already ran does nothing. */
export interface Timer {
  cancel(): void;
}

@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /**
   * Calls `callback` once, `ms` from now, unless cancelled first. `holdsProcess: false` for a watchdog that must not
   * keep the process alive by itself.
   */
  setTimeout(callback: () => void, ms: number, options: { holdsProcess?: boolean } = {}): Timer {
    const timeout = setTimeout(callback, ms);
    if (options.holdsProcess === false) timeout.unref();
    return { cancel: () => clearTimeout(timeout) };
  }

  /** Resolves `ms` from now, or as soon as `signal` aborts; never rejects, so a woken sleeper just goes on. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        timer.cancel();
        signal?.removeEventListener('abort', wake);
        resolve();
      };
      const timer = this.setTimeout(wake, ms);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }
}

/** The real clock, for code that lives outside dependency injection (module-level helpers). */
export const systemClock = new Clock();
