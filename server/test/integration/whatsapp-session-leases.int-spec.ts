import { randomUUID } from 'node:crypto';
import { loadAppConfig } from '../../src/core/config/app-config';
import { SessionLeaseRepository } from '../../src/sessions/session-lease.repository';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/realtime';
import { TEST_JWT_SECRET } from '../support/server-process';

/** Two lease repositories are two WAGO processes: each holds its leases on its own Postgres connection. */
describe('session leases on Postgres advisory locks', () => {
  let database: TestDatabase;
  let first: SessionLeaseRepository;
  let second: SessionLeaseRepository;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  beforeEach(() => {
    const config = loadAppConfig({ JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: database.url });
    first = new SessionLeaseRepository(config);
    second = new SessionLeaseRepository(config);
  });

  afterEach(async () => {
    await first.onApplicationShutdown();
    await second.onApplicationShutdown();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('gives a session to one process only until that process releases it', async () => {
    const sessionId = randomUUID();
    expect(await first.acquire(sessionId)).toBe(true);
    expect(await second.acquire(sessionId)).toBe(false);
    await first.release(sessionId);
    expect(await second.acquire(sessionId)).toBe(true);
    expect(await first.acquire(sessionId)).toBe(false);
  });

  it('does not stack a lease taken twice: one release frees it', async () => {
    const sessionId = randomUUID();
    expect(await first.acquire(sessionId)).toBe(true);
    expect(await first.acquire(sessionId)).toBe(true);
    await first.release(sessionId);
    expect(await second.acquire(sessionId)).toBe(true);
  });

  it('keeps the leases of different sessions apart', async () => {
    const [one, other] = [randomUUID(), randomUUID()];
    expect(await first.acquire(one)).toBe(true);
    expect(await second.acquire(other)).toBe(true);
  });

  it('frees every lease when its process shuts down', async () => {
    const sessionId = randomUUID();
    await first.acquire(sessionId);
    await first.onApplicationShutdown();
    expect(await second.acquire(sessionId)).toBe(true);
  });

  it('reports a lost connection, whose leases another process can then take', async () => {
    const sessionId = randomUUID();
    let lost = false;
    first.onLost(() => (lost = true));
    await first.acquire(sessionId);
    const dataSource = await database.dataSource();
    await dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE application_name = 'wago-session-leases' AND datname = current_database()
         AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)`,
    );
    await eventually(() => lost, 'the lost-connection report');
    expect(await second.acquire(sessionId)).toBe(true);
    expect(await first.acquire(randomUUID())).toBe(true);
  });
});
