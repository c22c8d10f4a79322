// A Clock whose time moves only when a test says so; timers due on the way fire in order, each followed by the
// promise work it sets off, so a test reads like a timeline with no real waiting.
import { Clock, Timer } from '../../src/core/runtime/clock';

interface Scheduled {
  at: number;
  order: number;
  callback: () => void;
}

export class FakeClock extends Clock {
  private time: number;
  private scheduled: Scheduled[] = [];
  private order = 0;

  constructor(start: Date = new Date('2026-01-01T00:00:00.000Z')) {
    super();
    this.time = start.getTime();
  }

  override now(): Date {
    return new Date(this.time);
  }

  override setTimeout(callback: () => void, ms: number): Timer {
    const entry = { at: this.time + Math.max(0, ms), order: this.order++, callback };
    this.scheduled.push(entry);
    return { cancel: () => (this.scheduled = this.scheduled.filter((other) => other !== entry)) };
  }

  /** Timers not yet fired nor cancelled. */
  get pendingTimers(): number {
    return this.scheduled.length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, and lets the work they start settle. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const next = this.scheduled
        .filter((entry) => entry.at <= target)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!next) break;
      this.scheduled = this.scheduled.filter((entry) => entry !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = target;
    await settle();
  }
}

/** Lets pending promise chains run: a macrotask turn comes only after the microtask queue is empty. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
}
