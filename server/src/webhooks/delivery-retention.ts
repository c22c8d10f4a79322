// Keeps the delivery log bounded: delivered deliveries older than WEBHOOK_RETENTION are pruned (failed ones stay).
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { RetentionTask } from '../core/retention-task';
import { DeliveriesRepository } from './deliveries.repository';

@Injectable()
export class DeliveryRetention extends RetentionTask {
  protected readonly subject = 'delivered webhook deliveries';

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected retentionSeconds(): number {
    return this.config.webhooks.retentionSeconds;
  }

  protected pruneFinishedBefore(before: Date): Promise<number> {
    return this.deliveries.pruneDelivered(before);
  }
}
