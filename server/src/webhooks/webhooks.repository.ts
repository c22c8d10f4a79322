import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { NotFoundError } from '../core/errors/domain-errors';
import { EntityManager, Repository } from 'typeorm';
import { WebhookEntity } from './webhook.entity';

export type NewWebhook = Pick<WebhookEntity, 'sessionId' | 'url' | 'events' | 'groupPolicy' | 'enabled' | 'secret'>;
export type WebhookChanges = Partial<
  Pick<
    WebhookEntity,
    | 'url'
    | 'events'
    | 'groupPolicy'
    | 'enabled'
    | 'disabledReason'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretExpiresAt'
  >
>;

/** All webhook-subscription I/O. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectRepository(WebhookEntity) private readonly webhooks: Repository<WebhookEntity>) {}

  create(webhook: NewWebhook): Promise<WebhookEntity> {
    return this.webhooks.save(this.webhooks.create(webhook));
  }

  findById(id: string): Promise<WebhookEntity | null> {
    return this.webhooks.findOneBy({ id });
  }

  async listBySession(
    sessionId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: WebhookEntity[]; total: number }> {
    const [items, total] = await this.webhooks.findAndCount({
      where: { sessionId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total };
  }

  /** The session's enabled subscriptions: where its events go. */
  /** Within `transaction` when given: a writer holding one connection never waits for a second from the pool. */
  findEnabledBySession(sessionId: string, transaction?: EntityManager): Promise<WebhookEntity[]> {
    const webhooks = transaction ? transaction.getRepository(WebhookEntity) : this.webhooks;
    return webhooks.findBy({ sessionId, enabled: true });
  }

  /** A webhook deleted meanwhile (another request, a session deletion) is a 404, not a failed read. */
  async update(id: string, changes: WebhookChanges): Promise<WebhookEntity> {
    await this.webhooks.update({ id }, changes);
    const updated = await this.webhooks.findOneBy({ id });
    if (!updated) throw new NotFoundError(`Webhook ${id} not found`);
    return updated;
  }

  async delete(id: string): Promise<void> {
    await this.webhooks.delete({ id });
  }
}
