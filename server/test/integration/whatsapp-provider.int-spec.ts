import type { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { SimHandle, startSim } from '../../../sim/src/index';
import { loadAppConfig } from '../../src/core/config/app-config';
import { Clock } from '../../src/core/runtime/clock';
import { MetricsService } from '../../src/health/metrics.service';
import { AuthStateRepository } from '../../src/whatsapp/baileys/auth-state.repository';
import { BaileysProvider } from '../../src/whatsapp/baileys/baileys.provider';
import { WhatsAppEvents } from '../../src/whatsapp/events';
import { createTestDatabase, TestDatabase } from '../support/database';
import { FRESH_LEASE_EPOCH, insertSession } from '../support/session-rows';
import { RecordingListener } from '../support/recording-listener';
import { typePairingCode } from '../support/sim';
import { TEST_JWT_SECRET } from '../support/server-process';
import { mediaServiceOn } from '../support/media-service';

describe('Baileys provider against the simulator', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let sim: SimHandle;
  let provider: BaileysProvider;
  let events: WhatsAppEvents;
  let phoneCounter = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.dataSource();
    sim = await startSim({ qr: { firstQrMs: 1_500, nextQrMs: 500, qrCount: 3 } });
    const config = loadAppConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: database.url,
      WA_WS_URL: sim.wsUrl,
      WA_LOG_LEVEL: 'silent',
    });
    const logger = { logger: pino({ level: 'silent' }) } as unknown as PinoLogger;
    events = new WhatsAppEvents();
    provider = new BaileysProvider(
      config,
      new AuthStateRepository(dataSource),
      events,
      mediaServiceOn(dataSource, config),
      logger,
      new MetricsService(),
      new Clock(),
    );
  });

  afterAll(async () => {
    await provider?.disconnectAll();
    await sim?.stop();
    await database?.drop();
  });

  const createSession = (): Promise<string> => insertSession(dataSource);

  async function count(table: string, sessionId: string): Promise<number> {
    const rows = await dataSource.query<{ count: string }[]>(
      `SELECT count(*) AS count FROM ${table} WHERE session_id = $1`,
      [sessionId],
    );
    return Number(rows[0].count);
  }

  function newPhone(): string {
    phoneCounter += 1;
    return `1555020${String(phoneCounter).padStart(4, '0')}`;
  }

  /** A session linked to a fresh sim account by QR, connected. */
  async function linkedSession(): Promise<{ sessionId: string; phoneNumber: string; listener: RecordingListener }> {
    const sessionId = await createSession();
    const phoneNumber = newPhone();
    sim.createAccount({ phoneNumber, pushName: `Phone ${phoneNumber}` });
    const listener = new RecordingListener(events, sessionId);
    await provider.connect(sessionId, listener.connectionId, FRESH_LEASE_EPOCH);
    await sim.link(phoneNumber, { qr: await listener.waitForQr() });
    await listener.waitForOpen();
    return { sessionId, phoneNumber, listener };
  }

  it('links by QR, restarts after pairing without reporting a close, and reports the account', async () => {
    const { sessionId, phoneNumber, listener } = await linkedSession();
    const [account] = listener.opens;
    expect(account).toMatchObject({
      jid: `${phoneNumber}@s.whatsapp.net`,
      phoneNumber,
      device: { platform: 'Ubuntu', browser: 'Chrome' },
    });
    expect(account.lid).toMatch(/^\d+@lid$/);
    expect(account.device.deviceId).toBeGreaterThan(0);
    expect(listener.closes).toEqual([]);
    expect(provider.isConnected(sessionId)).toBe(true);
    expect(await provider.linkedJid(sessionId)).toBe(`${phoneNumber}@s.whatsapp.net`);
    expect(await count('whatsapp_auth_creds', sessionId)).toBe(1);
    expect(await count('whatsapp_auth_keys', sessionId)).toBeGreaterThan(0);
    await provider.disconnect(sessionId);
  });

  it('logs in again from the credentials in Postgres without showing a QR', async () => {
    const { sessionId, phoneNumber, listener: first } = await linkedSession();
    await provider.disconnect(sessionId);
    expect(provider.isConnected(sessionId)).toBe(false);
    expect(first.closes).toEqual([]);

    const second = new RecordingListener(events, sessionId);
    await provider.connect(sessionId, second.connectionId, FRESH_LEASE_EPOCH);
    const account = await second.waitForOpen();
    expect(account.jid).toBe(`${phoneNumber}@s.whatsapp.net`);
    expect(account.lid).toBe(first.opens[0].lid);
    expect(second.qrs).toEqual([]);
    await provider.disconnect(sessionId);
  });

  it('links by pairing code typed on the phone', async () => {
    const sessionId = await createSession();
    const phoneNumber = newPhone();
    sim.createAccount({ phoneNumber, pushName: 'Coder' });
    const listener = new RecordingListener(events, sessionId);
    await provider.connect(sessionId, listener.connectionId, FRESH_LEASE_EPOCH);
    const code = await provider.requestPairingCode(sessionId, `+${phoneNumber}`);
    expect(code).toMatch(/^[0-9A-Z]{8}$/);
    await typePairingCode(sim, phoneNumber, code);
    expect((await listener.waitForOpen()).jid).toBe(`${phoneNumber}@s.whatsapp.net`);
    await provider.disconnect(sessionId);
  });

  it('reports a QR timeout when nobody scans before the refs run out', async () => {
    const sessionId = await createSession();
    const listener = new RecordingListener(events, sessionId);
    await provider.connect(sessionId, listener.connectionId, FRESH_LEASE_EPOCH);
    const disconnect = await listener.waitForClose(1, 10_000);
    expect(disconnect).toMatchObject({ reason: 'qr_timeout', code: 408 });
    expect(listener.opens).toEqual([]);
    expect(provider.isConnected(sessionId)).toBe(false);
  });

  it.each([
    [440, 'replaced'],
    [500, 'bad_session'],
    [503, 'service_unavailable'],
    ['drop', 'connection_closed'],
    [403, 'banned'],
    [401, 'logged_out'],
  ] as const)('reports a %p from the server as %s', async (reason, expected) => {
    const { sessionId, phoneNumber, listener } = await linkedSession();
    sim.disconnect(phoneNumber, reason);
    expect((await listener.waitForClose()).reason).toBe(expected);
    expect(provider.isConnected(sessionId)).toBe(false);
  });

  it('logs out at WhatsApp and wipes every credential and key of the session', async () => {
    const { sessionId, phoneNumber } = await linkedSession();
    expect(sim.devices(phoneNumber)).toHaveLength(1);
    await provider.logout(sessionId);
    expect(sim.devices(phoneNumber)).toHaveLength(0);
    expect(await count('whatsapp_auth_creds', sessionId)).toBe(0);
    expect(await count('whatsapp_auth_keys', sessionId)).toBe(0);
    expect(await provider.linkedJid(sessionId)).toBeNull();
  });

  it('logs out a stopped session by connecting briefly from its stored credentials', async () => {
    const { sessionId, phoneNumber } = await linkedSession();
    await provider.disconnect(sessionId);
    await provider.logout(sessionId);
    expect(sim.devices(phoneNumber)).toHaveLength(0);
    expect(await count('whatsapp_auth_keys', sessionId)).toBe(0);
  });
});
