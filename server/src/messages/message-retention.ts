// Keeps the sent-message record bounded: finished messages (and their Idempotency-Keys) older than MESSAGE_RETENTION
// are pruned.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { PeriodicTask, startPeriodic } from '../core/periodic-task';
import { OutgoingMessagesRepository } from './outgoing-messages.repository';

const PRUNE_INTERVAL_MS = 60 * 60_000;
const FIRST_PRUNE_DELAY_MS = 60_000;

@Injectable()
export class MessageRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageRetention.name);
  private pruning: PeriodicTask | undefined;

  constructor(
    private readonly messages: OutgoingMessagesRepository,
    private readonly config: AppConfig,
  ) {}

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
      const before = new Date(Date.now() - this.config.messaging.retentionSeconds * 1000);
      const pruned = await this.messages.pruneFinished(before);
      if (pruned > 0) this.logger.log(`Pruned ${pruned} sent messages older than ${before.toISOString()}`);
    } catch (error) {
      this.logger.error({ err: error }, 'Pruning sent messages failed');
    }
  }
}
