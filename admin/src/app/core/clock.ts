// The current time as a signal, for countdowns; it ticks only while the component that asked for it lives.
import { DestroyRef, Signal, inject, signal } from '@angular/core';

export function injectNow(intervalMs = 1000): Signal<number> {
  const now = signal(Date.now());
  const timer = setInterval(() => now.set(Date.now()), intervalMs);
  inject(DestroyRef).onDestroy(() => clearInterval(timer));
  return now.asReadonly();
}

/** Whole seconds from `now` until `until`, never negative. */
export function secondsUntil(until: Date | string, now: number): number {
  const target = typeof until === 'string' ? Date.parse(until) : until.getTime();
  return Math.max(0, Math.ceil((target - now) / 1000));
}
