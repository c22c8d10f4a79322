import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ClusterBus } from '../cluster/cluster-bus';
import { NotFoundError } from '../core/errors/domain-errors';
import { EntityManager, Repository } from 'typeorm';
import { Clock } from '../core/runtime/clock';
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

/**
 * How long a session's enabled subscriptions are served from memory. Every incoming event needs them, and at a
 * busy line's rate reading them each time was a query per message. A change forgets the cache at once, on every node
 * of a cluster (the cluster bus tells the others); should a node miss that message, it sees the change within this
 * time.
 */
const SUBSCRIPTIONS_FRESH_MS = 1_000;

/** All webhook-subscription I/O. */
@Injectable()
export class WebhooksRepository implements OnModuleInit, OnModuleDestroy {
  private readonly enabledBySession = new Map<string, { webhooks: Promise<WebhookEntity[]>; readAt: number }>();
  private stopListening: (() => void) | undefined;

  constructor(
    @InjectRepository(WebhookEntity) private readonly webhooks: Repository<WebhookEntity>,
    private readonly bus: ClusterBus,
    private readonly clock: Clock,
  ) {}

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
    const now = this.clock.now().getTime();
    const cached = this.enabledBySession.get(sessionId);
    if (cached && now - cached.readAt < SUBSCRIPTIONS_FRESH_MS) return cached.webhooks;
    const webhooks = this.webhooks.findBy({ sessionId, enabled: true });
    const entry = { webhooks, readAt: now };
    this.enabledBySession.set(sessionId, entry);
    // A failed read is not kept: the next event reads again.
    webhooks.catch(() => {
      if (this.enabledBySession.get(sessionId) === entry) this.enabledBySession.delete(sessionId);
    });
    return webhooks;
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
