// A table kept bounded by age: an hourly prune (first one a minute after boot), owned by the app and stopped at shutdown.
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicTask, startPeriodic } from './periodic-task';

const PRUNE_INTERVAL_MS = 60 * 60_000;
const FIRST_PRUNE_DELAY_MS = 60_000;

export abstract class RetentionTask implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private pruning: PeriodicTask | undefined;

  /** What is pruned, for the log ("sent messages"). */
  protected abstract readonly subject: string;
  protected abstract retentionSeconds(): number;
  /** Removes what finished before `before`; answers how many rows went. Must be idempotent. */
  protected abstract pruneFinishedBefore(before: Date): Promise<number>;

  onApplicationBootstrap(): void {
    this.pruning = startPeriodic(() => this.prune(), {
      firstDelayMs: FIRST_PRUNE_DELAY_MS,
      intervalMs: PRUNE_INTERVAL_MS,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.pruning?.stop();
  }

  /** Idempotent, so several nodes pruning at once only repeat each other's work. */
  async prune(): Promise<void> {
    try {
      const before = new Date(Date.now() - this.retentionSeconds() * 1000);
      const pruned = await this.pruneFinishedBefore(before);
      if (pruned > 0) this.logger.log(`Pruned ${pruned} ${this.subject} older than ${before.toISOString()}`);
    } catch (error) {
      this.logger.error({ err: error }, `Pruning ${this.subject} failed`);
    }
  }
}
