import { Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiKeysRepository } from '../../src/auth/api-keys.repository';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { AuthService } from '../../src/auth/auth.service';
import { Clock } from '../../src/core/runtime/clock';
import { LoginFailuresRepository } from '../../src/auth/login-failures.repository';
import { PinHasher } from '../../src/auth/pin-hasher';
import { UsersRepository } from '../../src/auth/users.repository';
import { AppConfig } from '../../src/core/config/app-config';
import { UnauthorizedError } from '../../src/core/errors/domain-errors';
import { MetricsService } from '../../src/health/metrics.service';
import { SessionEntity } from '../../src/sessions/session.entity';
import { SessionsRepository } from '../../src/sessions/sessions.repository';
import { SessionsService } from '../../src/sessions/sessions.service';
import { createTestDatabase, TestDatabase } from '../support/database';
import { recordingAudit } from '../support/in-memory-audit';

const SECRET = 'integration-secret-that-is-long-enough-0123456789';

describe('first-run registration on Postgres', () => {
  let database: TestDatabase;
  let service: AuthService;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createTestDatabase();
    const { manager } = await database.dataSource();
    const clock = new Clock();
    const { audit } = recordingAudit(clock);
    service = new AuthService(
      new UsersRepository(manager),
      new LoginFailuresRepository(manager),
      new ApiKeysService(
        new ApiKeysRepository(manager),
        clock,
        new SessionsService(new SessionsRepository(manager.getRepository(SessionEntity)), audit),
        audit,
      ),
      new PinHasher(),
      new JwtService({ secret: SECRET, signOptions: { expiresIn: 60 } }),
      clock,
      new AppConfig({}, { secret: SECRET }, { secret: SECRET }),
      new MetricsService(),
      audit,
    );
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('creates one admin out of several simultaneous first registrations and refuses the rest', async () => {
    const results = await Promise.allSettled(
      ['first', 'second', 'third', 'fourth'].map((username) =>
        service.register(undefined, { username, pin: '123456' }),
      ),
    );
    const created = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result) => result.status === 'rejected');
    expect(created).toHaveLength(1);
    expect(created[0].value.user.role).toBe('admin');
    expect(refused.map((result) => result.reason)).toEqual([
      expect.any(UnauthorizedError),
      expect.any(UnauthorizedError),
      expect.any(UnauthorizedError),
    ]);
    const dataSource = await database.dataSource();
    expect(await dataSource.query(`SELECT role FROM users`)).toEqual([{ role: 'admin' }]);
  });
});
