// A background task run every so often until stopped, which anyone may ask to run soon (a new row to look at).
import { Logger } from '@nestjs/common';
import { Clock } from './clock';

export interface LoopTiming {
  /** Pause between the end of one run and the start of the next. */
  intervalMs: number;
  /** Pause before the first run; the interval when not given. */
  firstDelayMs?: number;
}

/**
 * Runs `task` after the first delay, then `intervalMs` after each run ends, so runs never overlap. `wake()` cuts the
 * current pause short (or, during a run, skips the next pause). `stop()` ends the loop and waits for a run in
 * progress, so shutdown never cuts one. A task that throws is logged and the loop goes on.
 */
export class WakeableLoop {
  private readonly logger: Logger;
  private pause: AbortController | undefined;
  private woken = false;
  private stopped = false;
  private looping: Promise<void> | undefined;

  constructor(
    /** What the task does, for the log ("Send queue sweep"). */
    private readonly name: string,
    private readonly task: () => Promise<void>,
    private readonly timing: LoopTiming,
    private readonly clock: Clock,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    this.looping ??= this.loop();
  }

  /** Runs the task as soon as the one in progress (if any) ends. */
  wake(): void {
    this.woken = true;
    this.pause?.abort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pause?.abort();
    await this.looping;
  }

  private async loop(): Promise<void> {
    let delay = this.timing.firstDelayMs ?? this.timing.intervalMs;
    while (!this.stopped) {
      if (!this.woken) {
        this.pause = new AbortController();
        await this.clock.sleep(delay, this.pause.signal);
        this.pause = undefined;
        if (this.stopped) return;
      }
      this.woken = false;
      try {
        await this.task();
      } catch (error) {
        this.logger.error({ err: error }, `${this.name} failed`);
      }
      delay = this.timing.intervalMs;
    }
  }
}
