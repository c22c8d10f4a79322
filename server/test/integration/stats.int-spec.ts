import type { DataSource } from 'typeorm';
import type { AuthUser } from '../../src/auth/auth-user';
import { StatsRepository } from '../../src/stats/stats.repository';
import { StatsService } from '../../src/stats/stats.service';
import { createTestDatabase, TestDatabase } from '../support/database';
import { FakeClock } from '../support/fake-clock';

/** 12:30:30 UTC: the current minute is 12:30, the current hour 12:00. */
const NOW = new Date('2026-03-01T12:30:30.000Z');
const ago = (ms: number): Date => new Date(NOW.getTime() - ms);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('StatsService on Postgres', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let stats: StatsService;
  let ana: AuthUser;
  let bruno: AuthUser;
  const admin: AuthUser = { id: '00000000-0000-4000-8000-000000000000', username: 'root', role: 'admin', via: 'jwt' };
  let anaConnected: string;
  let anaLoggedOut: string;
  let brunoSession: string;

  async function user(username: string): Promise<AuthUser> {
    const [{ id }] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO users (username, role, pin_hash) VALUES ($1, 'user', 'unused') RETURNING id`,
      [username],
    );
    return { id, username, role: 'user', via: 'jwt' };
  }

  async function session(owner: AuthUser, name: string, status: string): Promise<string> {
    const [{ id }] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO sessions (owner_id, name, status) VALUES ($1, $2, $3) RETURNING id`,
      [owner.id, name, status],
    );
    return id;
  }

  let messageSeq = 0;
  async function message(sessionId: string, fromMe: boolean, at: Date): Promise<void> {
    messageSeq += 1;
    await dataSource.query(
      `INSERT INTO messages (session_id, chat_jid, message_id, chat_type, from_me, type, timestamp)
       VALUES ($1, '15550001111@s.whatsapp.net', $2, 'direct', $3, 'text', $4)`,
      [sessionId, `M${messageSeq}`, fromMe, at],
    );
  }

  let eventSeq = 0;
  /** An event of the session delivered to one webhook, with its attempts' durations. */
  async function delivery(
    sessionId: string,
    status: 'pending' | 'delivered' | 'failed',
    at: Date,
    attemptDurations: number[] = [],
  ): Promise<void> {
    eventSeq += 1;
    const eventId = `evt_${String(eventSeq).padStart(32, '0')}`;
    const [{ id: webhookId }] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO webhooks (session_id, url, events, secret) VALUES ($1, 'https://example.com/hook', '{*}', 's')
       RETURNING id`,
      [sessionId],
    );
    await dataSource.query(
      `INSERT INTO webhook_events (id, session_id, type, payload, created_at) VALUES ($1, $2, 'message.received', '{}', $3)`,
      [eventId, sessionId, at],
    );
    const [{ id: deliveryId }] = await dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, status, attempt_count, created_at)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [webhookId, eventId, status, attemptDurations.length, at],
    );
    for (const [index, duration] of attemptDurations.entries()) {
      await dataSource.query(
        `INSERT INTO webhook_attempts (delivery_id, attempt, status_code, duration_ms, at) VALUES ($1, $2, 200, $3, $4)`,
        [deliveryId, index + 1, duration, new Date(at.getTime() + index * 1000)],
      );
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.dataSource();
    stats = new StatsService(new StatsRepository(dataSource), new FakeClock(NOW));
    ana = await user('ana');
    bruno = await user('bruno');
    anaConnected = await session(ana, 'shop', 'connected');
    anaLoggedOut = await session(ana, 'old phone', 'logged_out');
    await session(ana, 'spare', 'stopped');
    brunoSession = await session(bruno, 'bruno', 'connected');

    await message(anaConnected, false, ago(10 * 1000)); // this minute
    await message(anaConnected, true, ago(5 * 1000)); // this minute
    await message(anaConnected, false, ago(2 * MINUTE)); // 12:28
    await message(anaLoggedOut, false, ago(3 * HOUR)); // 09:00 hour
    await message(anaConnected, false, ago(25 * HOUR)); // outside every window
    await message(brunoSession, true, ago(MINUTE));

    await delivery(anaConnected, 'delivered', ago(30 * 1000), [100]);
    await delivery(anaConnected, 'delivered', ago(20 * MINUTE), [200]);
    await delivery(anaConnected, 'failed', ago(2 * HOUR), [50, 50, 50]);
    await delivery(anaConnected, 'pending', ago(30 * HOUR), [10]); // backlog, retried: outside the 24 h
    await delivery(brunoSession, 'delivered', ago(MINUTE), [900]);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('counts an owner’s sessions by status, every status present', async () => {
    const figures = await stats.of(ana);
    expect(figures.sessions.total).toBe(3);
    expect(figures.sessions.byStatus).toMatchObject({ connected: 1, logged_out: 1, stopped: 1, qr: 0, failed: 0 });
  });

  it('counts messages in and out over the last 24 h, an owner’s only', async () => {
    const figures = await stats.of(ana);
    expect(figures.messages).toMatchObject({ in: 3, out: 1, since: ago(24 * HOUR).toISOString() });
  });

  it('cuts messages into 60 minutes and 24 hours, the current ones last', async () => {
    const { perMinute, perHour } = (await stats.of(ana)).messages.series;
    expect(perMinute).toHaveLength(60);
    expect(perMinute[59]).toEqual({ at: '2026-03-01T12:30:00.000Z', in: 1, out: 1 });
    expect(perMinute[57]).toEqual({ at: '2026-03-01T12:28:00.000Z', in: 1, out: 0 });
    expect(perMinute[0].at).toBe('2026-03-01T11:31:00.000Z');
    expect(perHour).toHaveLength(24);
    expect(perHour[23]).toEqual({ at: '2026-03-01T12:00:00.000Z', in: 2, out: 1 });
    expect(perHour[20]).toEqual({ at: '2026-03-01T09:00:00.000Z', in: 1, out: 0 });
    expect(perHour[0].at).toBe('2026-02-28T13:00:00.000Z');
  });

  it('counts deliveries by outcome over 24 h, the whole backlog and the latency of the last hour', async () => {
    const { deliveries } = await stats.of(ana);
    expect(deliveries.byStatus).toEqual({ pending: 0, delivered: 2, failed: 1 });
    expect(deliveries.backlog).toBe(1);
    expect(deliveries.oldestPendingAt).toBe(ago(30 * HOUR).toISOString());
    expect(deliveries.latencyMs).toMatchObject({ p50: 150, p95: 195, attempts: 2 });
    expect(deliveries.series.perMinute[59]).toEqual({
      at: '2026-03-01T12:30:00.000Z',
      pending: 0,
      delivered: 1,
      failed: 0,
    });
    expect(deliveries.series.perHour[21]).toMatchObject({ at: '2026-03-01T10:00:00.000Z', failed: 1 });
  });

  it('lists the disconnected sessions first, then those whose deliveries fail', async () => {
    const { problems } = await stats.of(ana);
    expect(problems).toEqual([
      {
        sessionId: anaLoggedOut,
        name: 'old phone',
        status: 'logged_out',
        reasons: ['disconnected'],
        failedDeliveries: 0,
        retryingDeliveries: 0,
      },
      {
        sessionId: anaConnected,
        name: 'shop',
        status: 'connected',
        reasons: ['failing_deliveries'],
        failedDeliveries: 1,
        retryingDeliveries: 1,
      },
    ]);
  });

  it('gives an admin everyone’s figures', async () => {
    const figures = await stats.of(admin);
    expect(figures.sessions.total).toBe(4);
    expect(figures.messages).toMatchObject({ in: 3, out: 2 });
    expect(figures.deliveries.byStatus).toEqual({ pending: 0, delivered: 3, failed: 1 });
    expect(figures.deliveries.latencyMs.attempts).toBe(3);
  });

  it('narrows an API key limited to sessions to those sessions', async () => {
    const figures = await stats.of({
      ...ana,
      via: 'api-key',
      apiKey: { id: 'k1', scopes: ['sessions:read'], sessionIds: [anaLoggedOut] },
    });
    expect(figures.sessions.total).toBe(1);
    expect(figures.messages).toMatchObject({ in: 1, out: 0 });
    expect(figures.deliveries.byStatus).toEqual({ pending: 0, delivered: 0, failed: 0 });
    expect(figures.deliveries.backlog).toBe(0);
    expect(figures.problems.map((problem) => problem.sessionId)).toEqual([anaLoggedOut]);
  });
});
