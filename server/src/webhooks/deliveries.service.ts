import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { ConflictError, NotFoundError, notFoundAs } from '../core/errors/domain-errors';
import { SinksService } from '../sinks/sinks.service';
import { DeliveriesRepository, DeliveryDetail, DeliveryRow, DeliveryTarget } from './deliveries.repository';
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

/** The delivery log and replays, visible to whoever may see the webhook or sink. */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly webhooks: WebhooksService,
    private readonly sinks: SinksService,
    private readonly worker: DeliveryWorker,
    private readonly audit: AuditService,
  ) {}

  async list(
    user: AuthUser,
    target: DeliveryTarget,
    query: DeliveryQuery,
  ): Promise<{ items: DeliveryRow[]; total: number }> {
    await this.enabledOf(user, target);
    return this.deliveries.list({ ...query, target });
  }

  async get(user: AuthUser, deliveryId: string): Promise<DeliveryDetail> {
    const delivery = await this.deliveries.findById(deliveryId);
    if (!delivery) throw new NotFoundError(`Delivery ${deliveryId} not found`);
    await notFoundAs(this.enabledOf(user, targetOf(delivery)), `Delivery ${deliveryId} not found`);
    return delivery;
  }

  /** A new attempt now on the same delivery, with the same event id. */
  async redeliver(user: AuthUser, deliveryId: string): Promise<DeliveryDetail> {
    const delivery = await this.get(user, deliveryId);
    const target = targetOf(delivery);
    await this.assertEnabled(user, target);
    await this.deliveries.redeliver(delivery.id, target.id);
    this.worker.wake();
    await this.audit.record({
      actor: user,
      action: 'delivery.redelivered',
      targetType: 'delivery',
      targetId: delivery.id,
      summary: { [`${target.kind}Id`]: target.id, eventId: delivery.eventId },
    });
    return (await this.deliveries.findById(delivery.id)) ?? delivery;
  }

  /** Redelivers every failed delivery of the webhook or sink created since `since`; returns how many. */
  async redeliverFailedSince(user: AuthUser, target: DeliveryTarget, since: Date): Promise<number> {
    await this.assertEnabled(user, target);
    const count = await this.deliveries.redeliverFailedSince(target, since);
    if (count === 0) return count;
    this.worker.wake();
    // One entry for the batch, on the webhook or sink: the deliveries are in its log.
    await this.audit.record({
      actor: user,
      action: 'delivery.redelivered',
      targetType: target.kind,
      targetId: target.id,
      summary: { since: since.toISOString(), count },
    });
    return count;
  }

  /** Whether the webhook or sink is enabled; a 404 when this user may not see it. */
  private async enabledOf(user: AuthUser, target: DeliveryTarget): Promise<boolean> {
    const subscription =
      target.kind === 'webhook' ? await this.webhooks.get(user, target.id) : await this.sinks.get(user, target.id);
    return subscription.enabled;
  }

  private async assertEnabled(user: AuthUser, target: DeliveryTarget): Promise<void> {
    if (await this.enabledOf(user, target)) return;
    const name = target.kind === 'webhook' ? 'Webhook' : 'Sink';
    throw new ConflictError(`${name} ${target.id} is disabled: enable it before redelivering`);
  }
}

function targetOf(delivery: DeliveryRow): DeliveryTarget {
  return delivery.webhookId
    ? { kind: 'webhook', id: delivery.webhookId }
    : { kind: 'sink', id: delivery.sinkId as string };
}
