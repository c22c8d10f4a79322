import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { API_KEY_SCOPES } from '../../src/auth/api-key-scopes';
import { ApiKeysRepository } from '../../src/auth/api-keys.repository';
import { ConflictError } from '../../src/core/errors/domain-errors';
import { LOCK_SECONDS_BY_FAILURES } from '../../src/auth/lockout';
import { AdmissionRule, LoginFailuresRepository } from '../../src/auth/login-failures.repository';
import { UsersRepository } from '../../src/auth/users.repository';
import { createTestDatabase, TestDatabase } from '../support/database';

/** The limits of a key made before scopes existed: every scope, every session, no expiry. */
const UNLIMITED = { scopes: [...API_KEY_SCOPES], sessionIds: null, expiresAt: null };

const DAY_MS = 24 * 60 * 60 * 1000;
/** The client address of most attempts, and another one. */
const HERE = '192.0.2.1';
const ELSEWHERE = '198.51.100.9';

describe('auth repositories on Postgres', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let users: UsersRepository;
  let apiKeys: ApiKeysRepository;
  let loginFailures: LoginFailuresRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.dataSource();
    users = new UsersRepository(dataSource.manager);
    apiKeys = new ApiKeysRepository(dataSource.manager);
    loginFailures = new LoginFailuresRepository(dataSource.manager);
  });

  afterAll(async () => {
    await database?.drop();
  });

  const newUser = (username = `user-${randomUUID().slice(0, 8)}`) =>
    users.create({ username, role: 'user', pinHash: 'scrypt$1$1$1$c2FsdA==$aGFzaA==' });

  describe('UsersRepository', () => {
    it('finds a user by username whatever the case, keeping the case they chose', async () => {
      const created = await newUser('CamelCase');
      const found = await users.findByUsername('camelcase');
      expect(found).toMatchObject({ id: created.id, username: 'CamelCase', role: 'user', tokenVersion: 0 });
      expect(found?.createdAt).toBeInstanceOf(Date);
    });

    it('refuses a username taken in another case', async () => {
      await newUser('Taken');
      await expect(newUser('tAKEN')).rejects.toThrow(ConflictError);
    });

    it('bumps the token version with every PIN change', async () => {
      const user = await newUser();
      await users.changePin(user.id, 'scrypt$2$2$2$c2FsdA==$aGFzaA==');
      const changed = await users.changePin(user.id, 'scrypt$3$3$3$c2FsdA==$aGFzaA==');
      expect(changed).toMatchObject({ tokenVersion: 2, pinHash: 'scrypt$3$3$3$c2FsdA==$aGFzaA==' });
    });

    it('lists users oldest first, a page at a time, with the total', async () => {
      const all = await users.list({ limit: 200, offset: 0 });
      const page = await users.list({ limit: 2, offset: 1 });
      expect(page.total).toBe(all.total);
      expect(page.items.map((user) => user.id)).toEqual(all.items.slice(1, 3).map((user) => user.id));
    });

    it('deletes a user together with their API keys', async () => {
      const user = await newUser();
      await apiKeys.create({
        ...UNLIMITED,
        userId: user.id,
        name: 'k',
        prefix: 'wago_abcdefg',
        keyHash: 'f'.repeat(64),
      });
      expect(await users.delete(user.id)).toBe(true);
      expect(await apiKeys.findByHash('f'.repeat(64))).toBeNull();
      expect(await users.delete(user.id)).toBe(false);
    });

    it('lets only one of many concurrent registrations see an empty table', async () => {
      const isolated = await createTestDatabase();
      try {
        const source = await isolated.dataSource();
        const repository = new UsersRepository(source.manager);
        const attempts = await Promise.all(
          Array.from({ length: 5 }, (_, index) =>
            repository.withRegistrationLock(async (locked) => {
              const first = (await locked.count()) === 0;
              // Widen the window a racing registration would need.
              await new Promise((resolve) => setTimeout(resolve, 20));
              await locked.create({ username: `racer${index}`, role: first ? 'admin' : 'user', pinHash: 'x' });
              return first;
            }),
          ),
        );
        expect(attempts.filter(Boolean)).toHaveLength(1);
        const admins = await source.query<{ count: string }[]>(`SELECT count(*) FROM users WHERE role = 'admin'`);
        expect(admins[0].count).toBe('1');
      } finally {
        await isolated.drop();
      }
    });
  });

  describe('ApiKeysRepository', () => {
    it('finds a key by its hash together with its owner', async () => {
      const owner = await newUser();
      const keyHash = randomUUID().replace(/-/g, '').padEnd(64, '0');
      const key = await apiKeys.create({ ...UNLIMITED, userId: owner.id, name: 'ci', prefix: 'wago_1234567', keyHash });
      const found = await apiKeys.findByHash(keyHash);
      expect(found?.key).toMatchObject({ id: key.id, name: 'ci', prefix: 'wago_1234567', lastUsedAt: null });
      expect(found?.owner).toMatchObject({ id: owner.id, username: owner.username });
    });

    it('deletes a key only for its owner', async () => {
      const [owner, other] = [await newUser(), await newUser()];
      const key = await apiKeys.create({
        ...UNLIMITED,
        userId: owner.id,
        name: 'k',
        prefix: 'wago_1234567',
        keyHash: 'a'.repeat(64),
      });
      expect(await apiKeys.deleteOwned(key.id, other.id)).toBe(false);
      expect(await apiKeys.deleteOwned(key.id, owner.id)).toBe(true);
      expect((await apiKeys.listByOwner(owner.id, { limit: 50, offset: 0 })).total).toBe(0);
    });

    it('records a use only when none was recorded since the given time', async () => {
      const owner = await newUser();
      const key = await apiKeys.create({
        ...UNLIMITED,
        userId: owner.id,
        name: 'k',
        prefix: 'wago_1234567',
        keyHash: 'b'.repeat(64),
      });
      const first = new Date('2025-01-01T00:00:00Z');
      await apiKeys.recordUse(key.id, first, new Date(first.getTime() - 60_000));
      const soon = new Date(first.getTime() + 30_000);
      await apiKeys.recordUse(key.id, soon, new Date(soon.getTime() - 60_000));
      expect((await apiKeys.findByHash('b'.repeat(64)))?.key.lastUsedAt?.toISOString()).toBe(first.toISOString());
      const later = new Date(first.getTime() + 61_000);
      await apiKeys.recordUse(key.id, later, new Date(later.getTime() - 60_000));
      expect((await apiKeys.findByHash('b'.repeat(64)))?.key.lastUsedAt?.toISOString()).toBe(later.toISOString());
    });

    it('lists only the owner’s keys', async () => {
      const [owner, other] = [await newUser(), await newUser()];
      await apiKeys.create({
        ...UNLIMITED,
        userId: owner.id,
        name: 'one',
        prefix: 'wago_1111111',
        keyHash: 'c'.repeat(64),
      });
      await apiKeys.create({
        ...UNLIMITED,
        userId: owner.id,
        name: 'two',
        prefix: 'wago_2222222',
        keyHash: 'd'.repeat(64),
      });
      await apiKeys.create({
        ...UNLIMITED,
        userId: other.id,
        name: 'other',
        prefix: 'wago_3333333',
        keyHash: 'e'.repeat(64),
      });
      const page = await apiKeys.listByOwner(owner.id, { limit: 1, offset: 1 });
      expect(page).toMatchObject({ total: 2, items: [{ name: 'two' }] });
    });
  });

  describe('what realtime connections check', () => {
    it('reads the token version of the users that still exist', async () => {
      const kept = await newUser();
      const changed = await newUser();
      await users.changePin(changed.id, 'scrypt$1$1$1$c2FsdA==$b3RoZXI=');
      const missing = randomUUID();
      expect(await users.tokenVersionsOf([kept.id, changed.id, missing])).toEqual(
        new Map([
          [kept.id, 0],
          [changed.id, 1],
        ]),
      );
    });

    it('tells which API keys still exist, after revoking all of one owner', async () => {
      const owner = await newUser();
      const other = await newUser();
      const key = (userId: string, name: string) =>
        apiKeys.create({ ...UNLIMITED, userId, name, prefix: 'wago_abcdefg', keyHash: randomUUID().replace(/-/g, '') });
      const [first, second, kept] = [await key(owner.id, 'a'), await key(owner.id, 'b'), await key(other.id, 'c')];
      expect(await apiKeys.deleteAllOwnedBy(owner.id)).toBe(2);
      expect(await apiKeys.validIds([first.id, second.id, kept.id], new Date())).toEqual(new Set([kept.id]));
    });

    it('keeps a key’s scopes, sessions and expiry, and counts an expired key as gone', async () => {
      const owner = await newUser();
      const now = new Date();
      const limited = await apiKeys.create({
        userId: owner.id,
        name: 'limited',
        prefix: 'wago_limited',
        keyHash: randomUUID().replace(/-/g, ''),
        scopes: ['messages:send'],
        sessionIds: [randomUUID()],
        expiresAt: new Date(now.getTime() + 60_000),
      });
      const found = await apiKeys.findByHash(limited.keyHash);
      expect(found?.key).toMatchObject({ scopes: ['messages:send'], sessionIds: limited.sessionIds });
      expect(found?.key.expiresAt?.getTime()).toBe(limited.expiresAt?.getTime());
      expect(await apiKeys.validIds([limited.id], now)).toEqual(new Set([limited.id]));
      expect(await apiKeys.validIds([limited.id], new Date(now.getTime() + 60_000))).toEqual(new Set());
    });
  });

  describe('LoginFailuresRepository', () => {
    const at = (base: Date, seconds: number): Date => new Date(base.getTime() + seconds * 1000);
    const rule = (now: Date): AdmissionRule => ({
      now,
      lockSecondsByFailures: LOCK_SECONDS_BY_FAILURES,
      forgetBefore: new Date(now.getTime() - DAY_MS),
    });

    it('admits four attempts freely, then locks for 1, 5, 15 and 60 minutes, and 60 beyond', async () => {
      const start = new Date('2025-01-01T00:00:00Z');
      let now = start;
      const locks: (number | null)[] = [];
      for (let attempt = 1; attempt <= 9; attempt++) {
        const admission = await loginFailures.admit('Schedule', HERE, rule(now));
        expect(admission.admitted).toBe(true);
        const seconds = admission.lockedUntil ? (admission.lockedUntil.getTime() - now.getTime()) / 1000 : null;
        locks.push(seconds);
        if (seconds) now = at(now, seconds);
      }
      expect(locks).toEqual([null, null, null, null, 60, 300, 900, 3600, 3600]);
    });

    it('refuses attempts while locked, whatever the case of the username', async () => {
      const now = new Date('2025-02-01T00:00:00Z');
      for (let attempt = 1; attempt <= 5; attempt++) await loginFailures.admit('locked', HERE, rule(now));
      expect(await loginFailures.admit('LOCKED', HERE, rule(at(now, 59)))).toEqual({
        admitted: false,
        lockedUntil: at(now, 60),
      });
      expect((await loginFailures.admit('locked', HERE, rule(at(now, 60)))).admitted).toBe(true);
    });

    it('starts over after a clear', async () => {
      const now = new Date('2025-03-01T00:00:00Z');
      for (let attempt = 1; attempt <= 4; attempt++) await loginFailures.admit('cleared', HERE, rule(now));
      await loginFailures.clear('Cleared', HERE);
      for (let attempt = 1; attempt <= 4; attempt++) {
        expect(await loginFailures.admit('cleared', HERE, rule(now))).toEqual({ admitted: true, lockedUntil: null });
      }
    });

    it('forgets failures older than the rule says', async () => {
      const now = new Date('2025-04-01T00:00:00Z');
      for (let attempt = 1; attempt <= 4; attempt++) await loginFailures.admit('forgotten', HERE, rule(now));
      const nextDay = at(now, 24 * 60 * 60 + 1);
      expect(await loginFailures.admit('forgotten', HERE, rule(nextDay))).toEqual({
        admitted: true,
        lockedUntil: null,
      });
    });

    it('counts each client address apart, so a lock from one leaves another admitted', async () => {
      const now = new Date('2025-06-01T00:00:00Z');
      for (let attempt = 1; attempt <= 5; attempt++) await loginFailures.admit('owner', ELSEWHERE, rule(now));
      expect((await loginFailures.admit('owner', ELSEWHERE, rule(now))).admitted).toBe(false);
      expect(await loginFailures.admit('owner', HERE, rule(now))).toEqual({ admitted: true, lockedUntil: null });
      await loginFailures.clear('owner', HERE);
      expect((await loginFailures.admit('owner', ELSEWHERE, rule(now))).admitted).toBe(false);
    });

    it('lifts the locks of every address at once', async () => {
      const now = new Date('2025-07-01T00:00:00Z');
      for (const address of [HERE, ELSEWHERE]) {
        for (let attempt = 1; attempt <= 5; attempt++) await loginFailures.admit('unlocked', address, rule(now));
      }
      await loginFailures.clearEverywhere('UNLOCKED');
      for (const address of [HERE, ELSEWHERE]) {
        expect(await loginFailures.admit('unlocked', address, rule(now))).toEqual({
          admitted: true,
          lockedUntil: null,
        });
      }
    });

    it('admits exactly five of twenty simultaneous guesses', async () => {
      const now = new Date('2025-05-01T00:00:00Z');
      const admissions = await Promise.all(
        Array.from({ length: 20 }, () => loginFailures.admit('burst', HERE, rule(now))),
      );
      expect(admissions.filter((admission) => admission.admitted)).toHaveLength(5);
      expect(admissions.filter((admission) => !admission.admitted)).toHaveLength(15);
    });
  });
});
