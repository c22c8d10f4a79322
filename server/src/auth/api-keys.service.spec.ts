import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { BadRequestError, NotFoundError, UnauthorizedError } from '../core/errors/domain-errors';
import type { SessionEntity } from '../sessions/session.entity';
import type { SessionsService } from '../sessions/sessions.service';
import type { ApiKeyEntity } from './api-key.entity';
import type { ApiKeysRepository, NewApiKey } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { API_KEY_SCOPES } from './api-key-scopes';
import type { AuthUser } from './auth-user';
import type { Clock } from '../core/runtime/clock';
import type { UserEntity } from './user.entity';
import { recordingAudit } from '../../test/support/in-memory-audit';

const alice: AuthUser = { id: randomUUID(), username: 'alice', role: 'user', via: 'jwt' };
const bob: AuthUser = { id: randomUUID(), username: 'bob', role: 'admin', via: 'jwt' };

class FakeApiKeys {
  readonly rows: ApiKeyEntity[] = [];
  readonly uses: Date[] = [];

  async create(key: NewApiKey) {
    const row: ApiKeyEntity = { ...key, id: randomUUID(), createdAt: new Date(), lastUsedAt: null };
    this.rows.push(row);
    return row;
  }
  async listByOwner(userId: string) {
    const items = this.rows.filter((row) => row.userId === userId);
    return { items, total: items.length };
  }
  async findByHash(keyHash: string) {
    const key = this.rows.find((row) => row.keyHash === keyHash);
    const owner = [alice, bob].find((user) => user.id === key?.userId);
    return key && owner ? { key, owner: { ...owner, createdAt: new Date() } as unknown as UserEntity } : null;
  }
  async deleteOwned(id: string, userId: string) {
    const index = this.rows.findIndex((row) => row.id === id && row.userId === userId);
    if (index >= 0) this.rows.splice(index, 1);
    return index >= 0;
  }
  async deleteAllOwnedBy(userId: string) {
    const owned = this.rows.filter((row) => row.userId === userId);
    for (const row of owned) this.rows.splice(this.rows.indexOf(row), 1);
    return owned.length;
  }
  async validIds(ids: readonly string[], now: Date) {
    const valid = this.rows.filter((row) => ids.includes(row.id) && (!row.expiresAt || row.expiresAt > now));
    return new Set(valid.map((row) => row.id));
  }
  async recordUse(id: string, now: Date) {
    this.uses.push(now);
    const row = this.rows.find((candidate) => candidate.id === id);
    if (row) row.lastUsedAt = now;
  }
}

/** Alice's one session; every other id is unknown to her. */
const ALICES_SESSION = randomUUID();

class FakeSessions {
  async get(user: AuthUser, sessionId: string) {
    if (user.id !== alice.id || sessionId !== ALICES_SESSION) throw new NotFoundError(`Session ${sessionId} not found`);
    return { id: sessionId, ownerId: alice.id } as SessionEntity;
  }
}

function setup() {
  const keys = new FakeApiKeys();
  const clock = { time: new Date('2025-01-01T00:00:00Z'), now: () => new Date(clock.time) };
  const service = new ApiKeysService(
    keys as unknown as ApiKeysRepository,
    clock as unknown as Clock,
    new FakeSessions() as unknown as SessionsService,
    recordingAudit().audit,
  );
  const advance = (seconds: number): void => {
    clock.time = new Date(clock.time.getTime() + seconds * 1000);
  };
  return { service, keys, advance };
}

describe('ApiKeysService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('creates a wago_ key of 256 random bits and keeps only its SHA-256 and first 12 characters', async () => {
    const { service, keys } = setup();
    const { apiKey, key } = await service.create(alice, { name: '  billing  ' });
    expect(key).toMatch(/^wago_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'billing', userId: alice.id, prefix: key.slice(0, 12) });
    expect(keys.rows[0].keyHash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(keys.rows)).not.toContain(key);
  });

  it('never creates the same key twice', async () => {
    const { service } = setup();
    const created = await Promise.all([1, 2, 3].map(() => service.create(alice, { name: 'k' })));
    expect(new Set(created.map(({ key }) => key)).size).toBe(3);
  });

  it('authenticates a key as its owner, acting through the key, and names the key', async () => {
    const { service } = setup();
    const { apiKey, key } = await service.create(bob, { name: 'ci' });
    expect(await service.identify(key)).toEqual({
      user: {
        id: bob.id,
        username: 'bob',
        role: 'admin',
        via: 'api-key',
        apiKey: { id: apiKey.id, scopes: [...API_KEY_SCOPES], sessionIds: null },
      },
      source: { kind: 'api-key', apiKeyId: apiKey.id },
    });
  });

  it.each(['wago_short', 'wrong_0123456789abcdef0123456789abcdef01', 'wago_0123456789abcdef0123456789abcdef0123'])(
    'rejects the key %j',
    async (key) => {
      const { service } = setup();
      await expect(service.identify(key)).rejects.toThrow(UnauthorizedError);
    },
  );

  it('records a key’s use at most once a minute', async () => {
    const { service, keys, advance } = setup();
    const { key } = await service.create(alice, { name: 'busy' });
    await service.identify(key);
    advance(30);
    await service.identify(key);
    advance(30);
    await service.identify(key);
    expect(keys.uses.map((use) => use.toISOString())).toEqual(['2025-01-01T00:00:00.000Z', '2025-01-01T00:01:00.000Z']);
  });

  it('stops accepting a key once it is revoked', async () => {
    const { service } = setup();
    const { apiKey, key } = await service.create(alice, { name: 'old' });
    await service.revoke(alice, apiKey.id);
    await expect(service.identify(key)).rejects.toThrow(UnauthorizedError);
  });

  it('revokes every key of its owner at once on request, and no one else’s', async () => {
    const { service } = setup();
    const first = await service.create(alice, { name: 'one' });
    const second = await service.create(alice, { name: 'two' });
    const other = await service.create(bob, { name: 'three' });
    expect(await service.revokeAllOf(alice)).toBe(2);
    await expect(service.identify(first.key)).rejects.toThrow(UnauthorizedError);
    await expect(service.identify(second.key)).rejects.toThrow(UnauthorizedError);
    await expect(service.identify(other.key)).resolves.toMatchObject({ user: { id: bob.id } });
    expect(await service.existing([first.apiKey.id, other.apiKey.id])).toEqual(new Set([other.apiKey.id]));
  });

  it('answers "not found" for someone else’s key, and leaves it working', async () => {
    const { service } = setup();
    const { apiKey, key } = await service.create(alice, { name: 'mine' });
    await expect(service.revoke(bob, apiKey.id)).rejects.toThrow(NotFoundError);
    await expect(service.identify(key)).resolves.toMatchObject({ user: { id: alice.id } });
  });

  it('gives a key every scope unless told, and keeps the ones named in the published order', async () => {
    const { service } = setup();
    expect((await service.create(alice, { name: 'all' })).apiKey.scopes).toEqual([...API_KEY_SCOPES]);
    const named = await service.create(alice, { name: 'some', scopes: ['media:read', 'sessions:read', 'media:read'] });
    expect(named.apiKey.scopes).toEqual(['sessions:read', 'media:read']);
    await expect(service.identify(named.key)).resolves.toMatchObject({
      user: { apiKey: { scopes: ['sessions:read', 'media:read'], sessionIds: null } },
    });
  });

  it('limits a key to sessions of its owner, and refuses a session the owner cannot see as unknown', async () => {
    const { service } = setup();
    const limited = await service.create(alice, { name: 'one', sessionIds: [ALICES_SESSION, ALICES_SESSION] });
    expect(limited.apiKey.sessionIds).toEqual([ALICES_SESSION]);
    await expect(service.identify(limited.key)).resolves.toMatchObject({
      user: { apiKey: { sessionIds: [ALICES_SESSION] } },
    });
    await expect(service.create(bob, { name: 'theirs', sessionIds: [ALICES_SESSION] })).rejects.toThrow(
      new BadRequestError(`sessionIds: session ${ALICES_SESSION} not found`),
    );
  });

  it('refuses an expiry that is not in the future', async () => {
    const { service } = setup();
    await expect(service.create(alice, { name: 'past', expiresAt: new Date('2025-01-01T00:00:00Z') })).rejects.toThrow(
      new BadRequestError('expiresAt must be in the future'),
    );
  });

  it('refuses an expired key as if it were revoked, and counts it as gone', async () => {
    const { service, advance } = setup();
    const { apiKey, key } = await service.create(alice, {
      name: 'brief',
      expiresAt: new Date('2025-01-01T00:01:00Z'),
    });
    await expect(service.identify(key)).resolves.toMatchObject({ user: { id: alice.id } });
    advance(60);
    await expect(service.identify(key)).rejects.toThrow(new UnauthorizedError('Invalid API key'));
    expect(await service.existing([apiKey.id])).toEqual(new Set());
  });
});
