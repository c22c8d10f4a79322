import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ClusterBus } from '../cluster/cluster-bus';
import { NotFoundError } from '../core/errors/domain-errors';
import { EntityManager, Repository } from 'typeorm';
import { Clock } from '../core/runtime/clock';
import { SubscriptionsCache } from './subscriptions-cache';
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
export class WebhooksRepository implements OnModuleInit, OnModuleDestroy {
  private readonly enabledBySession: SubscriptionsCache<WebhookEntity>;
  private stopListening: (() => void) | undefined;

  constructor(
    @InjectRepository(WebhookEntity) private readonly webhooks: Repository<WebhookEntity>,
    private readonly bus: ClusterBus,
    clock: Clock,
  ) {
    this.enabledBySession = new SubscriptionsCache(
      (sessionId) => this.webhooks.findBy({ sessionId, enabled: true }),
      clock,
    );
  }

  onModuleInit(): void {
    this.stopListening = this.bus.on('webhooks.changed', () => this.enabledBySession.clear());
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  async create(webhook: NewWebhook): Promise<WebhookEntity> {
    const created = await this.webhooks.save(this.webhooks.create(webhook));
    this.forgetSubscriptions();
    return created;
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

  /**
   * The session's enabled subscriptions: where its events go. Within `transaction` when given (a writer holding one
   * connection never waits for a second from the pool); otherwise from memory while fresh (SUBSCRIPTIONS_FRESH_MS).
   */
  findEnabledBySession(sessionId: string, transaction?: EntityManager): Promise<WebhookEntity[]> {
    if (transaction) return transaction.getRepository(WebhookEntity).findBy({ sessionId, enabled: true });
    return this.enabledBySession.get(sessionId);
  }

  /**
   * Subscriptions changed here: the next event reads them again, here and on the other nodes. (A webhook a 410
   * disabled may still be chosen for up to SUBSCRIPTIONS_FRESH_MS; its worker ends those deliveries without an
   * attempt.)
   */
  forgetSubscriptions(): void {
    this.enabledBySession.clear();
    void this.bus.publish('webhooks.changed', {});
  }

  /** A webhook deleted meanwhile (another request, a session deletion) is a 404, not a failed read. */
  async update(id: string, changes: WebhookChanges): Promise<WebhookEntity> {
    await this.webhooks.update({ id }, changes);
    this.forgetSubscriptions();
    const updated = await this.webhooks.findOneBy({ id });
    if (!updated) throw new NotFoundError(`Webhook ${id} not found`);
    return updated;
  }

  async delete(id: string): Promise<void> {
    await this.webhooks.delete({ id });
    this.forgetSubscriptions();
  }
}
