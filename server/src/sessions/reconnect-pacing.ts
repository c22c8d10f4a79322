// Timing rules for reconnects: capped exponential backoff with jitter, and a pacer so many sessions never stampede.
import { Clock, Timer } from '../core/runtime/clock';

/**
 * Delay before reconnect attempt `attempt` (0 for the first): doubles from `minMs` up to `maxMs`, then takes a random
 * 50–100 % of it so sessions dropped together do not come back together.
 */
export function reconnectDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random) {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Hands out start slots at most `ratePerSecond` per second, first come first served; cancel() drops waiting work. */
export class Pacer {
  private readonly intervalMs: number;
  private nextSlot = 0;
  private readonly waiting = new Set<{ timer: Timer; cancel: () => void }>();

  constructor(
    ratePerSecond: number,
    private readonly clock: Clock,
  ) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Runs `task` in the next free slot; resolves false (without running it) when cancelled first. */
  run(task: () => Promise<void>): Promise<boolean> {
    const now = this.clock.now().getTime();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    if (slot === now) return task().then(() => true);
    return new Promise((resolve, reject) => {
      const entry = {
        timer: this.clock.setTimeout(() => {
          this.waiting.delete(entry);
          task().then(() => resolve(true), reject);
        }, slot - now),
        cancel: () => resolve(false),
      };
      this.waiting.add(entry);
    });
  }

  cancel(): void {
    for (const entry of this.waiting) {
      entry.timer.cancel();
      entry.cancel();
    }
    this.waiting.clear();
    this.nextSlot = 0;
  }
}
