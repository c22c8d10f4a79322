import type { Repository } from 'typeorm';
import type { WebhookEntity } from './webhook.entity';
import { WebhooksRepository } from './webhooks.repository';
import { Clock } from '../core/runtime/clock';
import { FakeClusterBus } from '../../test/support/fake-cluster-bus';

/** A TypeORM repository that only counts reads of enabled subscriptions. */
function fakeWebhooks(): { repository: Repository<WebhookEntity>; reads: () => number } {
  let reads = 0;
  const hook = { id: 'w1', sessionId: 's1', enabled: true } as WebhookEntity;
  const repository = {
    findBy: jest.fn(() => {
      reads += 1;
      return Promise.resolve([hook]);
    }),
    findOneBy: jest.fn(() => Promise.resolve(hook)),
    update: jest.fn(() => Promise.resolve()),
    delete: jest.fn(() => Promise.resolve()),
    create: jest.fn((value: unknown) => value),
    save: jest.fn((value: unknown) => Promise.resolve(value)),
  } as unknown as Repository<WebhookEntity>;
  return { repository, reads: () => reads };
}

describe('WebhooksRepository subscriptions in memory', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-06T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('reads a session’s subscriptions once while fresh, and again after a second', async () => {
    const { repository, reads } = fakeWebhooks();
    const webhooks = new WebhooksRepository(repository, new FakeClusterBus().asBus(), new Clock());
    await webhooks.findEnabledBySession('s1');
    await webhooks.findEnabledBySession('s1');
    expect(reads()).toBe(1);
    await webhooks.findEnabledBySession('s2');
    expect(reads()).toBe(2);
    jest.setSystemTime(Date.now() + 1_000);
    await webhooks.findEnabledBySession('s1');
    expect(reads()).toBe(3);
  });

  it.each([
    ['creating', (webhooks: WebhooksRepository) => webhooks.create({} as never)],
    ['updating', (webhooks: WebhooksRepository) => webhooks.update('w1', { enabled: false })],
    ['deleting', (webhooks: WebhooksRepository) => webhooks.delete('w1')],
  ])('reads them again at once after %s a webhook, and tells the other nodes to', async (_change, change) => {
    const { repository, reads } = fakeWebhooks();
    const bus = new FakeClusterBus();
    const webhooks = new WebhooksRepository(repository, bus.asBus(), new Clock());
    await webhooks.findEnabledBySession('s1');
    await change(webhooks);
    await webhooks.findEnabledBySession('s1');
    expect(reads()).toBe(2);
    expect(bus.published).toEqual([{ kind: 'webhooks.changed', payload: {} }]);
  });

  it('reads them again at once when another node says they changed', async () => {
    const { repository, reads } = fakeWebhooks();
    const bus = new FakeClusterBus();
    const webhooks = new WebhooksRepository(repository, bus.asBus(), new Clock());
    webhooks.onModuleInit();
    await webhooks.findEnabledBySession('s1');
    bus.receive('webhooks.changed', {});
    await webhooks.findEnabledBySession('s1');
    expect(reads()).toBe(2);
    expect(bus.published).toEqual([]);
  });

  it('keeps no failed read', async () => {
    const { repository, reads } = fakeWebhooks();
    (repository.findBy as jest.Mock).mockImplementationOnce(() => Promise.reject(new Error('connection lost')));
    const webhooks = new WebhooksRepository(repository, new FakeClusterBus().asBus(), new Clock());
    await expect(webhooks.findEnabledBySession('s1')).rejects.toThrow('connection lost');
    await webhooks.findEnabledBySession('s1');
    expect((repository.findBy as jest.Mock).mock.calls).toHaveLength(2);
    expect(reads()).toBe(1);
  });
});
