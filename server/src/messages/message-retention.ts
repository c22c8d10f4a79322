// Keeps the sent-message record bounded: finished messages (and their Idempotency-Keys) older than MESSAGE_RETENTION
// are pruned.
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { OutgoingMessagesRepository } from './outgoing-messages.repository';

const PRUNE_INTERVAL_MS = 60 * 60_000;
const FIRST_PRUNE_DELAY_MS = 60_000;

@Injectable()
export class MessageRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageRetention.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly messages: OutgoingMessagesRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = (delay: number): void => {
      this.timer = setTimeout(() => {
        this.running = this.prune().finally(() => schedule(PRUNE_INTERVAL_MS));
      }, delay);
    };
    schedule(FIRST_PRUNE_DELAY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
    clearTimeout(this.timer);
  }

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
