import { Logger } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { runInRequest } from '../core/http/request-context';
import { FakeClock } from '../../test/support/fake-clock';
import { InMemoryAuditRepository } from '../../test/support/in-memory-audit';
import type { AuditEntryEntity } from './audit-entry.entity';
import { AuditService } from './audit.service';

const admin: AuthUser = { id: '00000000-0000-4000-8000-00000000000a', username: 'root', role: 'admin', via: 'jwt' };
const alice: AuthUser = { id: '00000000-0000-4000-8000-0000000000a1', username: 'alice', role: 'user', via: 'jwt' };
const SESSION = '00000000-0000-4000-8000-0000000000b1';
const ALICES_KEY = { id: '00000000-0000-4000-8000-0000000000c1', scopes: ['sessions:read' as const], sessionIds: null };
const aliceKey: AuthUser = { ...alice, via: 'api-key', apiKey: ALICES_KEY };
const page = { limit: 50, offset: 0 };

function setup() {
  const clock = new FakeClock(new Date('2026-03-01T12:00:00Z'));
  const repository = new InMemoryAuditRepository();
  return { clock, repository, service: new AuditService(repository, clock) };
}

describe('AuditService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('records who, what and when, with where from and the correlation id of the request being served', async () => {
    const { service, repository } = setup();
    await runInRequest({ correlationId: 'req-1', clientAddress: '203.0.113.9', userAgent: 'curl/8' }, () =>
      service.record({ actor: aliceKey, action: 'session.created', targetType: 'session', targetId: SESSION }),
    );
    expect(repository.entries).toEqual([
      {
        id: expect.any(String),
        at: new Date('2026-03-01T12:00:00Z'),
        actorUserId: alice.id,
        actorUsername: 'alice',
        actorApiKeyId: '00000000-0000-4000-8000-0000000000c1',
        action: 'session.created',
        targetType: 'session',
        targetId: SESSION,
        summary: {},
        clientAddress: '203.0.113.9',
        userAgent: 'curl/8',
        correlationId: 'req-1',
      },
    ]);
  });

  it('records outside a request with no address, user agent or correlation id', async () => {
    const { service, repository } = setup();
    await service.record({ actor: null, action: 'auth.signin_failed', targetType: 'user', targetId: null });
    expect(repository.entries[0]).toMatchObject({
      actorUserId: null,
      actorApiKeyId: null,
      clientAddress: null,
      userAgent: null,
      correlationId: null,
    });
  });

  it('stores the summary redacted', async () => {
    const { service, repository } = setup();
    await service.record({
      actor: alice,
      action: 'webhook.created',
      targetType: 'webhook',
      targetId: 'w1',
      summary: { url: 'https://u:p@example.com/h?token=t', secret: 'whsec_abcdefghijkl' },
    });
    expect(repository.entries[0].summary).toEqual({
      url: 'https://example.com/h?token=redacted',
      secret: '[Redacted]',
    });
  });

  it('does not fail the change it records when the entry cannot be written', async () => {
    class BrokenRepository extends InMemoryAuditRepository {
      override async insert(): Promise<AuditEntryEntity> {
        throw new Error('database gone');
      }
    }
    const service = new AuditService(new BrokenRepository(), new FakeClock());
    await expect(
      service.record({ actor: alice, action: 'session.deleted', targetType: 'session', targetId: SESSION }),
    ).resolves.toBeUndefined();
  });

  describe('who sees what', () => {
    async function withEntries(): Promise<ReturnType<typeof setup>> {
      const context = setup();
      await context.service.record({ actor: admin, action: 'user.created', targetType: 'user', targetId: alice.id });
      await context.service.record({
        actor: alice,
        action: 'session.created',
        targetType: 'session',
        targetId: SESSION,
      });
      await context.service.record({
        actor: aliceKey,
        action: 'webhook.created',
        targetType: 'webhook',
        targetId: 'w1',
      });
      return context;
    }

    it('shows an admin every entry, newest first, and lets the actor filter pick anyone', async () => {
      const { service } = await withEntries();
      const all = await service.list(admin, page);
      expect(all.items.map((entry) => entry.action)).toEqual(['webhook.created', 'session.created', 'user.created']);
      expect((await service.list(admin, { ...page, actor: alice.id })).total).toBe(2);
    });

    it('shows a user only the changes they made, and nothing when they ask for someone else’s', async () => {
      const { service } = await withEntries();
      expect((await service.list(alice, page)).items.map((entry) => entry.actorUserId)).toEqual([alice.id, alice.id]);
      expect(await service.list(alice, { ...page, actor: admin.id })).toEqual({ items: [], total: 0 });
    });

    it('shows an admin’s API key only its user’s entries, never everyone’s', async () => {
      const { service, repository } = await withEntries();
      const adminKey: AuthUser = { ...admin, via: 'api-key', apiKey: ALICES_KEY };
      const seen = await service.list(adminKey, page);
      expect(seen.items.map((entry) => entry.action)).toEqual(['user.created']);
      expect(repository.filters.at(-1)).toMatchObject({ actorUserId: admin.id });
    });

    it('shows a key limited to some sessions only the entries about those sessions', async () => {
      const { service } = await withEntries();
      const limited: AuthUser = { ...aliceKey, apiKey: { ...ALICES_KEY, sessionIds: [SESSION] } };
      expect((await service.list(limited, page)).items.map((entry) => entry.targetId)).toEqual([SESSION]);
    });

    it('passes the filters on to the repository', async () => {
      const { service, repository } = await withEntries();
      const since = new Date('2026-01-01T00:00:00Z');
      const until = new Date('2026-12-31T00:00:00Z');
      await service.list(admin, { ...page, action: 'session.created', targetId: SESSION, since, until });
      expect(repository.filters.at(-1)).toEqual({
        actorUserId: undefined,
        action: 'session.created',
        targetId: SESSION,
        targets: undefined,
        since,
        until,
        limit: 50,
        offset: 0,
      });
    });
  });

  it('prunes entries older than the retention', async () => {
    const { service, repository, clock } = setup();
    await service.record({ actor: alice, action: 'session.started', targetType: 'session', targetId: SESSION });
    await clock.advance(60_000);
    await service.record({ actor: alice, action: 'session.stopped', targetType: 'session', targetId: SESSION });
    expect(await service.pruneBefore(new Date('2026-03-01T12:00:30Z'))).toBe(1);
    expect(repository.entries.map((entry) => entry.action)).toEqual(['session.stopped']);
  });
});
