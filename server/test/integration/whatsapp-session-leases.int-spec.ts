import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/core/runtime/clock';
import { loadAppConfig } from '../../src/core/config/app-config';
import { SessionLeaseRepository } from '../../src/sessions/session-lease.repository';
import { OutgoingMessageEntity } from '../../src/messages/outgoing-message.entity';
import { NewOutgoingMessage, OutgoingMessagesRepository } from '../../src/messages/outgoing-messages.repository';
import { SessionEntity } from '../../src/sessions/session.entity';
import { SessionsRepository } from '../../src/sessions/sessions.repository';
import { AuthStateRepository } from '../../src/whatsapp/baileys/auth-state.repository';
import { SessionOwnedElsewhereError } from '../../src/whatsapp/whatsapp.errors';
import { createTestDatabase, TestDatabase } from '../support/database';
import { FRESH_LEASE_EPOCH, insertSession } from '../support/session-rows';
import { startFreezablePostgresProxy } from '../support/freezable-postgres-proxy';
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
    first = new SessionLeaseRepository(config, new Clock());
    second = new SessionLeaseRepository(config, new Clock());
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

  it('raises the session’s lease epoch each time a process takes the lease, and not when it takes it again', async () => {
    const sessionId = await insertSession(await database.dataSource());
    expect(await first.acquire(sessionId)).toBe(true);
    expect(await first.acquire(sessionId)).toBe(true);
    expect(first.epochOf(sessionId)).toBe(1);
    await first.release(sessionId);
    expect(first.epochOf(sessionId)).toBeUndefined();
    expect(await second.acquire(sessionId)).toBe(true);
    expect(second.epochOf(sessionId)).toBe(2);
  });

  it('takes in one go the free leases of many sessions, raising their epochs, and leaves those held elsewhere', async () => {
    const dataSource = await database.dataSource();
    const [free, heldElsewhere, alreadyMine] = [
      await insertSession(dataSource),
      await insertSession(dataSource),
      await insertSession(dataSource),
    ];
    await second.acquire(heldElsewhere);
    await first.acquire(alreadyMine);
    expect(await first.acquireMany([free, heldElsewhere, alreadyMine])).toEqual([free, alreadyMine]);
    expect(first.epochOf(free)).toBe(1);
    expect(first.epochOf(alreadyMine)).toBe(1);
    expect(await second.acquire(free)).toBe(false);
    await first.release(free);
    expect(await second.acquire(free)).toBe(true);
  });

  it('refuses every write of an owner whose lease another process took: status, credentials, keys and sends', async () => {
    const dataSource = await database.dataSource();
    const sessions = new SessionsRepository(dataSource.getRepository(SessionEntity));
    const auth = new AuthStateRepository(dataSource);
    const outgoing = new OutgoingMessagesRepository(dataSource.getRepository(OutgoingMessageEntity));
    const sessionId = await insertSession(dataSource);
    const queued = async () =>
      (await outgoing.insertQueued({ ...QUEUED_TEXT, sessionId, messageId: randomUUID() })) as OutgoingMessageEntity;
    await first.acquire(sessionId);
    const stale = first.epochOf(sessionId) as number;
    expect(await sessions.updateAsOwner(sessionId, stale, { status: 'connected' })).toBe(true);
    await auth.writeCreds(sessionId, '{"owner":"first"}', stale);
    // The first process's lease connection dies; the second takes the session.
    await dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    await eventually(async () => second.acquire(sessionId), 'the lease taken by the second process');
    const current = second.epochOf(sessionId) as number;
    expect(current).toBe(stale + 1);

    expect(await sessions.updateAsOwner(sessionId, stale, { status: 'replaced' })).toBe(false);
    await expect(auth.writeCreds(sessionId, '{"owner":"stale"}', stale)).rejects.toBeInstanceOf(
      SessionOwnedElsewhereError,
    );
    await expect(
      auth.writeKeys(sessionId, [{ type: 'session', keyId: 'a.0', json: '{"owner":"stale"}' }], stale),
    ).rejects.toBeInstanceOf(SessionOwnedElsewhereError);
    const message = await queued();
    await expect(outgoing.claim(message.id, sessionId, stale)).rejects.toBeInstanceOf(SessionOwnedElsewhereError);
    expect((await outgoing.findById(message.id))?.status).toBe('queued');
    expect((await sessions.findById(sessionId))?.status).toBe('connected');
    expect(await auth.readCreds(sessionId)).toBe('{"owner": "first"}');
    expect(await auth.readKeys(sessionId, 'session', ['a.0'])).toEqual(new Map());

    // The new owner's writes pass.
    expect(await sessions.updateAsOwner(sessionId, current, { status: 'reconnecting' })).toBe(true);
    await auth.writeCreds(sessionId, '{"owner":"second"}', current);
    await auth.writeKeys(sessionId, [{ type: 'session', keyId: 'a.0', json: '{"owner":"second"}' }], current);
    expect(await outgoing.claim(message.id, sessionId, current)).toBe(true);
    expect(await auth.readCreds(sessionId)).toBe('{"owner": "second"}');
  });

  it('refuses only the stale session’s key writes when they share a batch with others', async () => {
    const dataSource = await database.dataSource();
    const auth = new AuthStateRepository(dataSource);
    const [owned, lost] = [await insertSession(dataSource), await insertSession(dataSource)];
    await dataSource.query(`UPDATE sessions SET lease_epoch = 5 WHERE id = $1`, [lost]);
    const outcomes = await Promise.allSettled([
      auth.writeKeys(owned, [{ type: 'session', keyId: 'a.0', json: '1' }], FRESH_LEASE_EPOCH),
      auth.writeKeys(lost, [{ type: 'session', keyId: 'a.0', json: '1' }], 4),
      auth.writeKeys(owned, [{ type: 'session', keyId: 'b.0', json: '2' }], FRESH_LEASE_EPOCH),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect([...(await auth.readKeys(owned, 'session', ['a.0', 'b.0'])).keys()].sort()).toEqual(['a.0', 'b.0']);
    expect((await auth.readKeys(lost, 'session', ['a.0'])).size).toBe(0);
  });

  it('gives its leases up when its connection goes silent, without waiting for Postgres to notice', async () => {
    const proxy = await startFreezablePostgresProxy(database.url);
    try {
      const silent = new SessionLeaseRepository(
        loadAppConfig({ JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: proxy.url }),
        new Clock(),
      );
      let lost = false;
      silent.onLost(() => (lost = true));
      const sessionId = randomUUID();
      expect(await silent.acquire(sessionId)).toBe(true);
      // A half-open connection: nothing is closed, nothing answers any more.
      proxy.freeze();
      await eventually(() => lost, 'the silent connection reported lost', 15_000);
      // Postgres still holds the lock of the frozen connection: nobody else could have taken the session yet.
      expect(await second.acquire(sessionId)).toBe(false);
      await silent.onApplicationShutdown();
    } finally {
      await proxy.close();
    }
  });
});

const QUEUED_TEXT: Omit<NewOutgoingMessage, 'sessionId' | 'messageId'> = {
  chatJid: '15550001111@s.whatsapp.net',
  type: 'text',
  text: 'hello',
  mediaId: null,
  content: null,
  mentions: [],
  replyTo: null,
  replyToSender: null,
  idempotencyKey: null,
  requestHash: null,
};
