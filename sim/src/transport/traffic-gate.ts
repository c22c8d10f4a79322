// Simulated outages: while one is active the sim refuses new connections ("refuse") or holds all traffic ("delay").
import type { Clock } from '../core/clock';

export type OutageMode = 'refuse' | 'delay';

export class TrafficGate {
  private mode: OutageMode | undefined;
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];

  constructor(private readonly clock: Clock) {}

  get refusing(): boolean {
    return this.mode === 'refuse';
  }

  get delaying(): boolean {
    return this.mode === 'delay';
  }

  start(mode: OutageMode, seconds: number): void {
    this.clock.clearTimeout(this.timer);
    this.mode = mode;
    this.timer = this.clock.setTimeout(() => this.end(), seconds * 1000);
  }

  end(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.mode = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resume of waiters) resume();
  }

  /** Resolves at once, or when a "delay" outage is over. */
  pass(): Promise<void> {
    if (this.mode !== 'delay') return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
