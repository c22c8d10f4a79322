import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../../src/core/errors/domain-errors';
import { WebhookEntity } from '../../src/webhooks/webhook.entity';
import { WebhooksRepository } from '../../src/webhooks/webhooks.repository';
import { createTestDatabase, TestDatabase } from '../support/database';
import { Clock } from '../../src/core/runtime/clock';
import { FakeClusterBus } from '../support/fake-cluster-bus';

describe('WebhooksRepository on Postgres', () => {
  let database: TestDatabase;
  let repository: WebhooksRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    repository = new WebhooksRepository(
      (await database.dataSource()).getRepository(WebhookEntity),
      new FakeClusterBus().asBus(),
      new Clock(),
    );
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('answers an update of a webhook deleted meanwhile as not found, not as a failed read', async () => {
    await expect(repository.update(randomUUID(), { enabled: false })).rejects.toThrow(NotFoundError);
  });
});
