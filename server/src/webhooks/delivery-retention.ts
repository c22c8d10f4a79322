// Keeps the delivery log bounded: delivered deliveries older than WEBHOOK_RETENTION are pruned (failed ones stay).
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { PeriodicTask, startPeriodic } from '../core/periodic-task';
import { DeliveriesRepository } from './deliveries.repository';

const PRUNE_INTERVAL_MS = 60 * 60_000;
const FIRST_PRUNE_DELAY_MS = 60_000;

@Injectable()
export class DeliveryRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryRetention.name);
  private pruning: PeriodicTask | undefined;

  constructor(
    private readonly deliveries: DeliveriesRepository,
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
      const before = new Date(Date.now() - this.config.webhooks.retentionSeconds * 1000);
      const pruned = await this.deliveries.pruneDelivered(before);
      if (pruned > 0)
        this.logger.log(`Pruned ${pruned} delivered webhook deliveries older than ${before.toISOString()}`);
    } catch (error) {
      this.logger.error({ err: error }, 'Pruning the webhook delivery log failed');
    }
  }
}
