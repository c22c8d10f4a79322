// Timers the sim owns: every one it starts is cleared on stop(), so a stopped sim leaves nothing scheduled.
export class Clock {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<(error: Error) => void>();

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      callback();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Resolves after `ms`; rejects if the clock is stopped first, so no caller waits forever on a stopped sim. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sleepers.add(reject);
      this.setTimeout(() => {
        this.sleepers.delete(reject);
        resolve();
      }, ms);
    });
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const reject of this.sleepers) reject(new Error('the simulator stopped'));
    this.sleepers.clear();
  }
}
