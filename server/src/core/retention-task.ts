// A table kept bounded by age: an hourly prune (first one a minute after boot), owned by the app and stopped at shutdown.
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock, systemClock } from './runtime/clock';
import { WakeableLoop } from './runtime/wakeable-loop';

const PRUNE_INTERVAL_MS = 60 * 60_000;
const FIRST_PRUNE_DELAY_MS = 60_000;

export abstract class RetentionTask implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  /** Injected as a property, so the tasks' own constructors name only what they prune. */
  @Inject(Clock) protected clock: Clock = systemClock;
  private pruning: WakeableLoop | undefined;

  /** What is pruned, for the log ("sent messages"). */
  protected abstract readonly subject: string;
  protected abstract retentionSeconds(): number;
  /** Removes what finished before `before`; answers how many rows went. Must be idempotent. */
  protected abstract pruneFinishedBefore(before: Date): Promise<number>;

  onApplicationBootstrap(): void {
    this.pruning = new WakeableLoop(
      `Pruning ${this.subject}`,
      () => this.prune(),
      { firstDelayMs: FIRST_PRUNE_DELAY_MS, intervalMs: PRUNE_INTERVAL_MS },
      this.clock,
    );
    this.pruning.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.pruning?.stop();
  }

  /** Idempotent, so several nodes pruning at once only repeat each other's work. */
  async prune(): Promise<void> {
    try {
      const before = new Date(this.clock.now().getTime() - this.retentionSeconds() * 1000);
      const pruned = await this.pruneFinishedBefore(before);
      if (pruned > 0) this.logger.log(`Pruned ${pruned} ${this.subject} older than ${before.toISOString()}`);
    } catch (error) {
      this.logger.error({ err: error }, `Pruning ${this.subject} failed`);
    }
  }
}
