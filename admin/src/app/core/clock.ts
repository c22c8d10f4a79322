// The current time as a signal, for countdowns; it ticks only while the component that asked for it lives.
import { DestroyRef, Signal, inject, signal } from '@angular/core';

export interface Now extends Signal<number> {
  /**
   * Reads the clock at once. Between ticks the signal lags by up to a tick, so a countdown starting then would show
   * a second more than it was given.
   */
  refresh(): void;
}

export function injectNow(intervalMs = 1000): Now {
  const now = signal(Date.now());
  const timer = setInterval(() => now.set(Date.now()), intervalMs);
  inject(DestroyRef).onDestroy(() => clearInterval(timer));
  return Object.assign(now.asReadonly(), { refresh: () => now.set(Date.now()) });
}

/** Whole seconds from `now` until `until`, never negative. */
export function secondsUntil(until: Date | string, now: number): number {
  const target = typeof until === 'string' ? Date.parse(until) : until.getTime();
  return Math.max(0, Math.ceil((target - now) / 1000));
}
