import { randomUUID } from 'node:crypto';
import { AuditRetention } from '../../src/audit/audit-retention';
import { NewAuditEntry, PostgresAuditRepository } from '../../src/audit/audit.repository';
import { AuditService } from '../../src/audit/audit.service';
import { loadAppConfig } from '../../src/core/config/app-config';
import { Clock } from '../../src/core/runtime/clock';
import { createTestDatabase, TestDatabase } from '../support/database';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('audit log on Postgres', () => {
  let database: TestDatabase;
  let repository: PostgresAuditRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    repository = new PostgresAuditRepository(await database.dataSource());
  });

  afterAll(async () => {
    await database?.drop();
  });

  const entry = (at: Date, changes: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
    at,
    actorUserId: randomUUID(),
    actorUsername: 'alice',
    actorApiKeyId: null,
    action: 'session.created',
    targetType: 'session',
    targetId: randomUUID(),
    summary: { name: 'sales' },
    clientAddress: '192.0.2.1',
    userAgent: 'curl/8',
    correlationId: randomUUID(),
    ...changes,
  });

  it('lists newest first with every filter applied in the database, and counts all matches', async () => {
    const actorUserId = randomUUID();
    const session = randomUUID();
    const base = new Date('2030-01-01T00:00:00Z').getTime();
    for (let hour = 0; hour < 5; hour++) {
      await repository.insert(entry(new Date(base + hour * 3_600_000), { actorUserId, targetId: session }));
    }
    await repository.insert(entry(new Date(base), { actorUserId, action: 'session.deleted', targetId: session }));
    const page = await repository.list({
      actorUserId,
      action: 'session.created',
      targets: { type: 'session', ids: [session] },
      since: new Date(base + 3_600_000),
      until: new Date(base + 4 * 3_600_000),
      limit: 2,
      offset: 0,
    });
    expect(page.total).toBe(3);
    expect(page.items.map((item) => item.at.toISOString())).toEqual([
      '2030-01-01T03:00:00.000Z',
      '2030-01-01T02:00:00.000Z',
    ]);
    expect(page.items[0]).toMatchObject({ summary: { name: 'sales' }, targetType: 'session', targetId: session });
    expect((await repository.list({ targets: { type: 'session', ids: [] }, limit: 10, offset: 0 })).total).toBe(0);
  });

  it('prunes entries older than AUDIT_RETENTION and keeps the rest', async () => {
    const config = loadAppConfig({
      JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      AUDIT_RETENTION: '30d',
    });
    // The task's own clock is the real one: the entries are placed around its cut-off.
    const retention = new AuditRetention(new AuditService(repository, new Clock()), config);
    const actorUserId = randomUUID();
    const old = await repository.insert(entry(new Date(Date.now() - 31 * DAY_MS), { actorUserId }));
    const recent = await repository.insert(entry(new Date(Date.now() - 29 * DAY_MS), { actorUserId }));
    await retention.prune();
    const left = await repository.list({ actorUserId, limit: 10, offset: 0 });
    expect(left.items.map((item) => item.id)).toEqual([recent.id]);
    expect(left.items.map((item) => item.id)).not.toContain(old.id);
  });
});
