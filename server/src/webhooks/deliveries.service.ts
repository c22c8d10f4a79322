import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { ConflictError, NotFoundError } from '../core/errors/domain-errors';
import { DeliveriesRepository, DeliveryDetail, DeliveryRow } from './deliveries.repository';
import { DeliveryWorker } from './delivery-worker';
import type { DeliveryStatus } from './webhook-delivery.entity';
import { WebhooksService } from './webhooks.service';

export interface DeliveryQuery {
  status?: DeliveryStatus;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

/** The delivery log and replays, visible to whoever may see the webhook. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly webhooks: WebhooksService,
    private readonly worker: DeliveryWorker,
    private readonly audit: AuditService,
  ) {}

  async list(
    user: AuthUser,
    webhookId: string,
    query: DeliveryQuery,
  ): Promise<{ items: DeliveryRow[]; total: number }> {
    const webhook = await this.webhooks.get(user, webhookId);
    return this.deliveries.list({ ...query, webhookId: webhook.id });
  }

  async get(user: AuthUser, deliveryId: string): Promise<DeliveryDetail> {
    const delivery = await this.deliveries.findById(deliveryId);
    if (!delivery) throw new NotFoundError(`Delivery ${deliveryId} not found`);
    try {
      await this.webhooks.get(user, delivery.webhookId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError(`Delivery ${deliveryId} not found`);
      throw error;
    }
    return delivery;
  }

  /** A new attempt now on the same delivery, with the same event id. */
  async redeliver(user: AuthUser, deliveryId: string): Promise<DeliveryDetail> {
    const delivery = await this.get(user, deliveryId);
    const webhook = await this.webhooks.get(user, delivery.webhookId);
    if (!webhook.enabled) throw new ConflictError(`Webhook ${webhook.id} is disabled: enable it before redelivering`);
    await this.deliveries.redeliver(delivery.id, webhook.id);
    this.worker.wake();
    await this.audit.record({
      actor: user,
      action: 'delivery.redelivered',
      targetType: 'delivery',
      targetId: delivery.id,
      summary: { webhookId: webhook.id, eventId: delivery.eventId },
    });
    return (await this.deliveries.findById(delivery.id)) ?? delivery;
  }

  /** Redelivers every failed delivery of the webhook created since `since`; returns how many. */
  async redeliverFailedSince(user: AuthUser, webhookId: string, since: Date): Promise<number> {
    const webhook = await this.webhooks.get(user, webhookId);
    if (!webhook.enabled) throw new ConflictError(`Webhook ${webhook.id} is disabled: enable it before redelivering`);
    const count = await this.deliveries.redeliverFailedSince(webhook.id, since);
    if (count === 0) return count;
    this.worker.wake();
    // One entry for the batch, on the webhook: the deliveries are in its log.
    await this.audit.record({
      actor: user,
      action: 'delivery.redelivered',
      targetType: 'webhook',
      targetId: webhook.id,
      summary: { since: since.toISOString(), count },
    });
    return count;
  }
}
