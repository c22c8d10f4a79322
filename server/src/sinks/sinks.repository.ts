import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ClusterBus } from '../cluster/cluster-bus';
import { NotFoundError } from '../core/errors/domain-errors';
import { Clock } from '../core/runtime/clock';
import { SubscriptionsCache } from '../webhooks/subscriptions-cache';
import { SinkEntity } from './sink.entity';

export type NewSink = Pick<
  SinkEntity,
  'sessionId' | 'kind' | 'url' | 'credentials' | 'exchange' | 'stream' | 'events' | 'groupPolicy' | 'enabled'
>;
export type SinkChanges = Partial<
  Pick<
    SinkEntity,
    'url' | 'credentials' | 'exchange' | 'stream' | 'events' | 'groupPolicy' | 'enabled' | 'disabledReason'
  >
>;

/** All sink I/O. Enabled sinks are cached per session like webhooks, and a change forgets both, on every node. */
@Injectable()
export class SinksRepository implements OnModuleInit, OnModuleDestroy {
  private readonly enabledBySession: SubscriptionsCache<SinkEntity>;
  private stopListening: (() => void) | undefined;

  constructor(
    @InjectRepository(SinkEntity) private readonly sinks: Repository<SinkEntity>,
    private readonly bus: ClusterBus,
    clock: Clock,
  ) {
    this.enabledBySession = new SubscriptionsCache(
      (sessionId) => this.sinks.findBy({ sessionId, enabled: true }),
      clock,
    );
  }

  onModuleInit(): void {
    // One message for every subscription change (webhooks and sinks): the publisher reads both.
    this.stopListening = this.bus.on('webhooks.changed', () => this.enabledBySession.clear());
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  async create(sink: NewSink): Promise<SinkEntity> {
    const created = await this.sinks.save(this.sinks.create(sink));
    this.forgetSubscriptions();
    return created;
  }

  findById(id: string): Promise<SinkEntity | null> {
    return this.sinks.findOneBy({ id });
  }

  async listBySession(
    sessionId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: SinkEntity[]; total: number }> {
    const [items, total] = await this.sinks.findAndCount({
      where: { sessionId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total };
  }

  /** The session's enabled sinks: within `transaction` when given, else from memory while fresh. */
  findEnabledBySession(sessionId: string, transaction?: EntityManager): Promise<SinkEntity[]> {
    if (transaction) return transaction.getRepository(SinkEntity).findBy({ sessionId, enabled: true });
    return this.enabledBySession.get(sessionId);
  }

  /** A sink deleted meanwhile is a 404, not a failed read. */
  async update(id: string, changes: SinkChanges): Promise<SinkEntity> {
    await this.sinks.update({ id }, changes);
    this.forgetSubscriptions();
    const updated = await this.sinks.findOneBy({ id });
    if (!updated) throw new NotFoundError(`Sink ${id} not found`);
    return updated;
  }

  async delete(id: string): Promise<void> {
    await this.sinks.delete({ id });
    this.forgetSubscriptions();
  }

  private forgetSubscriptions(): void {
    this.enabledBySession.clear();
    void this.bus.publish('webhooks.changed', {});
  }
}
