import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../core/config/app-config';
import type { EnvironmentVariables } from '../core/config/environment';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  TooManyRequestsError,
  UnauthorizedError,
} from '../core/errors/domain-errors';
import { MetricsService } from '../health/metrics.service';
import type { ApiKeysService } from './api-keys.service';
import type { AuthUser, CredentialSource, Identified } from './auth-user';
import { AuthService, INVALID_LOGIN, INVALID_TOKEN } from './auth.service';
import type { Clock } from '../core/runtime/clock';
import type { AdmissionRule, LoginAdmission, LoginFailuresRepository } from './login-failures.repository';
import { PinHasher } from './pin-hasher';
import type { UserEntity } from './user.entity';
import type { NewUser, UsersRepository } from './users.repository';
import { recordingAudit } from '../../test/support/in-memory-audit';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';
// Cheap scrypt parameters: the rules under test do not depend on the cost.
const pins = new PinHasher({ cost: 2 ** 10, blockSize: 8, parallelization: 1 });
/** The client address of most attempts, and another one. */
const HERE = '192.0.2.1';
const ELSEWHERE = '198.51.100.9';

class FakeUsers {
  readonly rows: UserEntity[] = [];
  locked = 0;

  async withRegistrationLock<T>(work: (users: UsersRepository) => Promise<T>): Promise<T> {
    this.locked++;
    return work(this as unknown as UsersRepository);
  }
  async count() {
    return this.rows.length;
  }
  async findById(id: string) {
    return this.rows.find((row) => row.id === id) ?? null;
  }
  async findByUsername(username: string) {
    return this.rows.find((row) => row.username.toLowerCase() === username.toLowerCase()) ?? null;
  }
  async create(user: NewUser) {
    if (await this.findByUsername(user.username)) throw new ConflictError('taken');
    const row: UserEntity = { ...user, id: randomUUID(), tokenVersion: 0, createdAt: new Date() };
    this.rows.push(row);
    return row;
  }
  async tokenVersionsOf(ids: readonly string[]) {
    return new Map(this.rows.filter((row) => ids.includes(row.id)).map((row) => [row.id, row.tokenVersion]));
  }
  async changePin(id: string, pinHash: string) {
    const row = await this.findById(id);
    if (row) Object.assign(row, { pinHash, tokenVersion: row.tokenVersion + 1 });
    return row;
  }
}

/** The admission rule of the SQL in LoginFailuresRepository, in memory. */
class FakeLoginFailures {
  readonly rows = new Map<string, { failures: number; lockedUntil: Date | null; lastFailedAt: Date }>();

  async admit(username: string, clientAddress: string, rule: AdmissionRule): Promise<LoginAdmission> {
    const key = `${username.toLowerCase()} ${clientAddress}`;
    const row = this.rows.get(key);
    if (row && row.lastFailedAt < rule.forgetBefore) this.rows.delete(key);
    const current = this.rows.get(key);
    if (current?.lockedUntil && current.lockedUntil > rule.now)
      return { admitted: false, lockedUntil: current.lockedUntil };
    const failures = (current?.failures ?? 0) + 1;
    const table = rule.lockSecondsByFailures;
    const seconds = table[Math.min(failures, table.length) - 1];
    const lockedUntil = seconds > 0 ? new Date(rule.now.getTime() + seconds * 1000) : null;
    this.rows.set(key, { failures, lockedUntil, lastFailedAt: rule.now });
    return { admitted: true, lockedUntil };
  }
  async clear(username: string, clientAddress: string) {
    this.rows.delete(`${username.toLowerCase()} ${clientAddress}`);
  }
}

class FakeClock {
  time = new Date('2025-01-01T00:00:00Z');
  now() {
    return new Date(this.time);
  }
  advance(seconds: number) {
    this.time = new Date(this.time.getTime() + seconds * 1000);
  }
}

function setup(env: Partial<EnvironmentVariables> = {}) {
  const users = new FakeUsers();
  const failures = new FakeLoginFailures();
  const clock = new FakeClock();
  const { audit, entries: audited } = recordingAudit();
  const keyOwner: AuthUser = { id: randomUUID(), username: 'svc', role: 'admin', via: 'api-key' };
  const apiKeys = {
    identify: jest.fn(async (): Promise<Identified> => ({
      user: keyOwner,
      source: { kind: 'api-key', apiKeyId: 'key-1' },
    })),
    revokeAllOf: jest.fn(async () => 1),
    existingIds: new Set<string>(['key-1']),
    async existing(ids: readonly string[]) {
      return new Set(ids.filter((id) => this.existingIds.has(id)));
    },
  };
  const config = new AppConfig(
    { JWT_TTL: '1h', ...env } as EnvironmentVariables,
    { secret: SECRET },
    { secret: SECRET },
  );
  const jwt = new JwtService({ secret: SECRET, signOptions: { expiresIn: config.jwtTtlSeconds } });
  const service = new AuthService(
    users as unknown as UsersRepository,
    failures as unknown as LoginFailuresRepository,
    apiKeys as unknown as ApiKeysService,
    pins,
    jwt,
    clock as unknown as Clock,
    config,
    new MetricsService(),
    audit,
  );
  return { service, users, failures, clock, apiKeys, jwt, audited };
}

async function withAdmin(env: Partial<EnvironmentVariables> = {}) {
  const context = setup(env);
  const { user, token } = await context.service.register(undefined, { username: 'root', pin: '111111' });
  const admin = await context.service.authenticate(token?.accessToken ?? '');
  return { ...context, admin, adminEntity: user };
}

const as = (user: UserEntity, via: AuthUser['via'] = 'jwt'): AuthUser => ({
  id: user.id,
  username: user.username,
  role: user.role,
  via,
});

describe('AuthService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  describe('registration', () => {
    it('makes the first user an admin and signs them in, whatever role they ask for', async () => {
      const { service } = setup();
      const { user, token } = await service.register(undefined, { username: 'Root', pin: '123456', role: 'user' });
      expect(user).toMatchObject({ username: 'Root', role: 'admin' });
      expect(token).toEqual({ accessToken: expect.any(String), expiresIn: 3600 });
    });

    it('needs first-run setup until the first user exists', async () => {
      const { service } = setup();
      expect(await service.needsSetup()).toBe(true);
      await service.register(undefined, { username: 'root', pin: '123456' });
      expect(await service.needsSetup()).toBe(false);
    });

    it('decides who is first under the registration lock', async () => {
      const { service, users } = setup();
      await service.register(undefined, { username: 'root', pin: '123456' });
      expect(users.locked).toBe(1);
    });

    it('refuses an anonymous registration once a user exists and registration is closed', async () => {
      const { service, users } = await withAdmin();
      await expect(service.register(undefined, { username: 'eve', pin: '123456' })).rejects.toThrow(UnauthorizedError);
      expect(users.rows).toHaveLength(1);
    });

    it('refuses a signed-in user who is not an admin', async () => {
      const { service, admin } = await withAdmin();
      const { user } = await service.register(admin, { username: 'bob', pin: '123456' });
      await expect(service.register(as(user), { username: 'eve', pin: '123456' })).rejects.toThrow(ForbiddenError);
    });

    it('lets an admin create a user of either role without signing in as them', async () => {
      const { service, admin } = await withAdmin();
      const created = await service.register(admin, { username: 'ops', pin: '123456', role: 'admin' });
      expect(created.user.role).toBe('admin');
      expect(created.token).toBeUndefined();
      expect((await service.register(admin, { username: 'bob', pin: '123456' })).user.role).toBe('user');
    });

    it('lets anyone register a plain user when registration is open, but never an admin', async () => {
      const { service } = await withAdmin({ REGISTRATION_OPEN: true });
      const { user, token } = await service.register(undefined, { username: 'bob', pin: '123456' });
      expect(user.role).toBe('user');
      expect(token?.accessToken).toEqual(expect.any(String));
      await expect(service.register(undefined, { username: 'eve', pin: '123456', role: 'admin' })).rejects.toThrow(
        ForbiddenError,
      );
    });

    it('refuses a username that differs from a taken one only in case', async () => {
      const { service, admin } = await withAdmin();
      await expect(service.register(admin, { username: 'ROOT', pin: '123456' })).rejects.toThrow(ConflictError);
    });

    it.each(['12345', '1234567890123', '12345a', ' 123456', '１２３４５６', '12 3456'])(
      'rejects the PIN %j',
      async (pin) => {
        const { service } = setup();
        await expect(service.register(undefined, { username: 'root', pin })).rejects.toThrow(BadRequestError);
      },
    );

    it.each(['123456', '123456789012'])('accepts the PIN %j', async (pin) => {
      const { service } = setup();
      await expect(service.register(undefined, { username: 'root', pin })).resolves.toBeDefined();
    });

    it.each(['ab', 'a'.repeat(33), '.alice', 'al ice', 'alice!', 'élise'])(
      'rejects the username %j',
      async (username) => {
        const { service } = setup();
        await expect(service.register(undefined, { username, pin: '123456' })).rejects.toThrow(BadRequestError);
      },
    );

    it('stores a salted scrypt hash with its parameters, never the PIN', async () => {
      const { service, users, admin } = await withAdmin();
      await service.register(admin, { username: 'bob', pin: '111111' });
      const [root, bob] = users.rows;
      expect(root.pinHash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(root.pinHash).not.toContain('111111');
      expect(bob.pinHash).not.toBe(root.pinHash);
    });
  });

  describe('login', () => {
    it('signs in with the right PIN, whatever the case of the username', async () => {
      const { service, adminEntity } = await withAdmin();
      const { user, token } = await service.login('ROOT', '111111', HERE);
      expect(user.id).toBe(adminEntity.id);
      expect(await service.authenticate(token.accessToken)).toMatchObject({ id: user.id, role: 'admin', via: 'jwt' });
    });

    it('answers an unknown username exactly as a wrong PIN, after the same scrypt work', async () => {
      const { service } = await withAdmin();
      const decoy = jest.spyOn(pins, 'verifyDecoy');
      const verify = jest.spyOn(pins, 'verify');
      const wrongPin = await service.login('root', '999999', HERE).catch((error: unknown) => error);
      expect(verify).toHaveBeenCalledTimes(1);
      const unknownUser = await service.login('nobody', '999999', HERE).catch((error: unknown) => error);
      expect(decoy).toHaveBeenCalledTimes(1);
      expect(unknownUser).toEqual(wrongPin);
      expect(unknownUser).toBeInstanceOf(UnauthorizedError);
      expect((unknownUser as Error).message).toBe(INVALID_LOGIN);
      decoy.mockRestore();
      verify.mockRestore();
    });

    it('locks after 5 failures for 1 minute, then 5, 15 and 60 minutes, and 60 minutes after that', async () => {
      const { service, clock } = await withAdmin();
      for (let attempt = 1; attempt <= 4; attempt++) {
        await expect(service.login('root', '999999', HERE)).rejects.toThrow(UnauthorizedError);
      }
      const lockSeconds: number[] = [];
      for (let attempt = 5; attempt <= 9; attempt++) {
        const error = await service.login('root', '999999', HERE).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(TooManyRequestsError);
        lockSeconds.push((error as TooManyRequestsError).retryAfterSeconds);
        clock.advance((error as TooManyRequestsError).retryAfterSeconds);
      }
      expect(lockSeconds).toEqual([60, 300, 900, 3600, 3600]);
    });

    it('refuses even the right PIN while locked, and accepts it once the lock has passed', async () => {
      const { service, clock } = await withAdmin();
      for (let attempt = 1; attempt <= 5; attempt++) await service.login('root', '999999', HERE).catch(() => undefined);
      clock.advance(59);
      const error = await service.login('root', '111111', HERE).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TooManyRequestsError);
      expect((error as TooManyRequestsError).retryAfterSeconds).toBe(1);
      clock.advance(1);
      await expect(service.login('root', '111111', HERE)).resolves.toBeDefined();
    });

    it('locks an unknown username just like a real one, so lockouts do not reveal who exists', async () => {
      const { service } = await withAdmin();
      const answers: string[] = [];
      for (let attempt = 1; attempt <= 6; attempt++) {
        answers.push(
          await service.login('nobody', '999999', HERE).then(
            () => 'signed in',
            (error: Error) => error.constructor.name,
          ),
        );
      }
      expect(answers).toEqual([
        'UnauthorizedError',
        'UnauthorizedError',
        'UnauthorizedError',
        'UnauthorizedError',
        'TooManyRequestsError',
        'TooManyRequestsError',
      ]);
    });

    it('locks out only the address the failures come from', async () => {
      const { service } = await withAdmin();
      for (let attempt = 1; attempt <= 5; attempt++) {
        await service.login('root', '999999', ELSEWHERE).catch(() => undefined);
      }
      await expect(service.login('root', '111111', ELSEWHERE)).rejects.toThrow(TooManyRequestsError);
      await expect(service.login('root', '111111', HERE)).resolves.toBeDefined();
    });

    it('leaves the lock of another address in force after a successful login', async () => {
      const { service } = await withAdmin();
      for (let attempt = 1; attempt <= 5; attempt++) {
        await service.login('root', '999999', ELSEWHERE).catch(() => undefined);
      }
      await service.login('root', '111111', HERE);
      await expect(service.login('root', '111111', ELSEWHERE)).rejects.toThrow(TooManyRequestsError);
    });

    it('counts the addresses of one IPv6 /64 as one client', async () => {
      const { service } = await withAdmin();
      for (let host = 1; host <= 5; host++) {
        await service.login('root', '999999', `2001:db8::${host}`).catch(() => undefined);
      }
      await expect(service.login('root', '111111', '2001:db8::99')).rejects.toThrow(TooManyRequestsError);
    });

    it('forgets earlier failures after a successful login', async () => {
      const { service } = await withAdmin();
      for (let attempt = 1; attempt <= 4; attempt++) await service.login('root', '999999', HERE).catch(() => undefined);
      await service.login('root', '111111', HERE);
      for (let attempt = 1; attempt <= 4; attempt++) {
        await expect(service.login('root', '999999', HERE)).rejects.toThrow(UnauthorizedError);
      }
    });

    it('forgets failures a day old', async () => {
      const { service, clock } = await withAdmin();
      for (let attempt = 1; attempt <= 4; attempt++) await service.login('root', '999999', HERE).catch(() => undefined);
      clock.advance(24 * 60 * 60 + 1);
      await expect(service.login('root', '999999', HERE)).rejects.toThrow(UnauthorizedError);
    });
  });

  describe('tokens and credentials', () => {
    it('rejects a token signed with another secret', async () => {
      const { service, adminEntity } = await withAdmin();
      const forged = await new JwtService({ secret: 'another-secret-another-secret-another' }).signAsync({
        sub: adminEntity.id,
        ver: 0,
      });
      await expect(service.authenticate(forged)).rejects.toThrow(INVALID_TOKEN);
    });

    it('rejects an expired token', async () => {
      const { service, adminEntity, jwt } = await withAdmin();
      const expired = await jwt.signAsync({ sub: adminEntity.id, ver: 0 }, { expiresIn: -10 });
      await expect(service.authenticate(expired)).rejects.toThrow(UnauthorizedError);
    });

    it('rejects a token whose payload is not ours', async () => {
      const { service, jwt } = await withAdmin();
      await expect(service.authenticate(await jwt.signAsync({ sub: 'not-a-uuid', ver: 0 }))).rejects.toThrow(
        UnauthorizedError,
      );
    });

    it('stops accepting the tokens of a deleted user', async () => {
      const { service, admin, users } = await withAdmin();
      const { user } = await service.register(admin, { username: 'bob', pin: '222222' });
      const { token } = await service.login('bob', '222222', HERE);
      users.rows.splice(users.rows.indexOf(user), 1);
      await expect(service.authenticate(token.accessToken)).rejects.toThrow(UnauthorizedError);
    });

    it('hands API keys to the API key service', async () => {
      const { service, apiKeys } = setup();
      await expect(service.authenticate('wago_0123456789abcdef0123456789abcdef')).resolves.toMatchObject({
        via: 'api-key',
      });
      expect(apiKeys.identify).toHaveBeenCalledWith('wago_0123456789abcdef0123456789abcdef');
    });
  });

  describe('changing the PIN', () => {
    it('needs the current PIN, then signs in again and revokes older tokens', async () => {
      const { service, admin } = await withAdmin();
      const before = await service.login('root', '111111', HERE);
      await expect(service.changePin(admin, { currentPin: '999999', newPin: '222222' }, HERE)).rejects.toThrow(
        ForbiddenError,
      );
      const after = await service.changePin(admin, { currentPin: '111111', newPin: '222222' }, HERE);
      await expect(service.authenticate(before.token.accessToken)).rejects.toThrow(UnauthorizedError);
      await expect(service.authenticate(after.token.accessToken)).resolves.toMatchObject({ id: admin.id });
      await expect(service.login('root', '111111', HERE)).rejects.toThrow(UnauthorizedError);
      await expect(service.login('root', '222222', HERE)).resolves.toBeDefined();
    });

    it('rejects a new PIN that breaks the rules or equals the current one', async () => {
      const { service, admin } = await withAdmin();
      await expect(service.changePin(admin, { currentPin: '111111', newPin: '12345' }, HERE)).rejects.toThrow(
        BadRequestError,
      );
      await expect(service.changePin(admin, { currentPin: '111111', newPin: '111111' }, HERE)).rejects.toThrow(
        BadRequestError,
      );
    });

    it('revokes every API key of the caller too when asked, and only then', async () => {
      const { service, admin, apiKeys } = await withAdmin();
      await service.changePin(admin, { currentPin: '111111', newPin: '222222' }, HERE);
      expect(apiKeys.revokeAllOf).not.toHaveBeenCalled();
      const again = await service.authenticate((await service.login('root', '222222', HERE)).token.accessToken);
      await service.changePin(again, { currentPin: '222222', newPin: '333333', revokeApiKeys: true }, HERE);
      expect(apiKeys.revokeAllOf).toHaveBeenCalledWith(again);
    });

    it('revokes no key when the current PIN is wrong', async () => {
      const { service, admin, apiKeys } = await withAdmin();
      await expect(
        service.changePin(admin, { currentPin: '999999', newPin: '222222', revokeApiKeys: true }, HERE),
      ).rejects.toThrow(ForbiddenError);
      expect(apiKeys.revokeAllOf).not.toHaveBeenCalled();
    });

    it('counts wrong current PINs toward the lockout', async () => {
      const { service, admin } = await withAdmin();
      for (let attempt = 1; attempt <= 4; attempt++) {
        await expect(service.changePin(admin, { currentPin: '999999', newPin: '222222' }, HERE)).rejects.toThrow(
          ForbiddenError,
        );
      }
      await expect(service.changePin(admin, { currentPin: '999999', newPin: '222222' }, HERE)).rejects.toThrow(
        TooManyRequestsError,
      );
      await expect(service.login('root', '111111', HERE)).rejects.toThrow(TooManyRequestsError);
    });
  });
});

describe('AuthService: the audit log', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('records the first registration as created by the new admin, and a sign-in by the user', async () => {
    const { service, audited, adminEntity } = await withAdmin();
    await service.login('root', '111111', HERE);
    expect(audited.map(({ action, actorUserId, targetId }) => ({ action, actorUserId, targetId }))).toEqual([
      { action: 'user.created', actorUserId: adminEntity.id, targetId: adminEntity.id },
      { action: 'auth.signin', actorUserId: adminEntity.id, targetId: adminEntity.id },
    ]);
    expect(audited[0].summary).toEqual({ username: 'root', role: 'admin' });
  });

  it('records a failed sign-in against the account tried, or with no actor for an unknown username', async () => {
    const { service, audited, adminEntity } = await withAdmin();
    await expect(service.login('root', '999999', HERE)).rejects.toThrow(UnauthorizedError);
    await expect(service.login('nobody', '999999', HERE)).rejects.toThrow(UnauthorizedError);
    const failures = audited.filter((entry) => entry.action === 'auth.signin_failed');
    expect(failures).toMatchObject([
      {
        actorUserId: adminEntity.id,
        targetId: adminEntity.id,
        summary: { username: 'root', reason: 'invalid_credentials' },
      },
      { actorUserId: null, targetId: null, summary: { username: 'nobody', reason: 'invalid_credentials' } },
    ]);
    expect(JSON.stringify(audited)).not.toContain('999999');
  });

  it('records a locked sign-in as failed because of the lock', async () => {
    const { service, audited } = await withAdmin();
    for (let attempt = 1; attempt <= 5; attempt++) await service.login('root', '999999', HERE).catch(() => undefined);
    await expect(service.login('root', '111111', HERE)).rejects.toThrow(TooManyRequestsError);
    expect(audited.at(-1)).toMatchObject({ action: 'auth.signin_failed', summary: { reason: 'locked' } });
  });

  it('records a PIN change without either PIN, and nothing when the current PIN is wrong', async () => {
    const { service, audited, admin } = await withAdmin();
    await expect(service.changePin(admin, { currentPin: '999999', newPin: '222222' }, HERE)).rejects.toThrow(
      ForbiddenError,
    );
    expect(audited.filter((entry) => entry.action === 'auth.pin_changed')).toEqual([]);
    await service.changePin(admin, { currentPin: '111111', newPin: '222222', revokeApiKeys: true }, HERE);
    expect(audited.at(-1)).toMatchObject({
      action: 'auth.pin_changed',
      targetId: admin.id,
      summary: { revokedApiKeys: 1 },
    });
    expect(JSON.stringify(audited)).not.toMatch(/111111|222222/);
  });

  it('records a user an admin created as created by the admin', async () => {
    const { service, audited, admin } = await withAdmin();
    const { user } = await service.register(admin, { username: 'bob', pin: '123456' });
    expect(audited.at(-1)).toMatchObject({
      action: 'user.created',
      actorUserId: admin.id,
      targetId: user.id,
      summary: { username: 'bob', role: 'user' },
    });
  });
});

describe('AuthService: which credentials have ended', () => {
  beforeAll(() => Logger.overrideLogger(false));

  async function sourceOf(service: AuthService, token: string): Promise<CredentialSource> {
    return (await service.identify(token)).source;
  }

  it('names what a token is: its user, token version and expiry', async () => {
    const { service, adminEntity } = await withAdmin();
    const { token } = await service.login('root', '111111', HERE);
    const { user, source } = await service.identify(token.accessToken);
    expect(user).toMatchObject({ id: adminEntity.id, via: 'jwt' });
    expect(source).toEqual({ kind: 'jwt', userId: adminEntity.id, tokenVersion: 0, expiresAt: expect.any(Date) });
  });

  it('keeps a valid token and a valid key', async () => {
    const { service } = await withAdmin();
    const token = await sourceOf(service, (await service.login('root', '111111', HERE)).token.accessToken);
    const key = await sourceOf(service, 'wago_0123456789abcdef0123456789abcdef');
    expect(await service.endedAmong([token, key])).toEqual(new Set());
  });

  it('ends the tokens issued before a PIN change, and only those', async () => {
    const { service, admin } = await withAdmin();
    const before = await sourceOf(service, (await service.login('root', '111111', HERE)).token.accessToken);
    const changed = await service.changePin(admin, { currentPin: '111111', newPin: '222222' }, HERE);
    const after = await sourceOf(service, changed.token.accessToken);
    expect(await service.endedAmong([before, after])).toEqual(new Set([before]));
  });

  it('ends the tokens of a deleted user', async () => {
    const { service, admin, users } = await withAdmin();
    const { user } = await service.register(admin, { username: 'bob', pin: '222222' });
    const bob = await sourceOf(service, (await service.login('bob', '222222', HERE)).token.accessToken);
    users.rows.splice(users.rows.indexOf(user), 1);
    expect(await service.endedAmong([bob])).toEqual(new Set([bob]));
  });

  it('ends a token once it expires', async () => {
    const { service, clock } = await withAdmin();
    const token = await sourceOf(service, (await service.login('root', '111111', HERE)).token.accessToken);
    const expiresAt = token.kind === 'jwt' ? token.expiresAt : new Date(0);
    clock.time = new Date(expiresAt.getTime() - 1000);
    expect(await service.endedAmong([token])).toEqual(new Set());
    clock.time = expiresAt;
    expect(await service.endedAmong([token])).toEqual(new Set([token]));
  });

  it('ends a revoked key', async () => {
    const { service, apiKeys } = setup();
    const key = await sourceOf(service, 'wago_0123456789abcdef0123456789abcdef');
    apiKeys.existingIds.clear();
    expect(await service.endedAmong([key])).toEqual(new Set([key]));
  });
});

describe('AuthService: who may manage users', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('refuses an admin acting through an API key to create users', async () => {
    const { service, users, adminEntity } = await withAdmin();
    await expect(service.register(as(adminEntity, 'api-key'), { username: 'eve', pin: '123456' })).rejects.toThrow(
      ForbiddenError,
    );
    expect(users.rows).toHaveLength(1);
  });
});
