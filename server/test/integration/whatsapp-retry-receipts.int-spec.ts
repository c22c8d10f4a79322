import type { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { SimHandle, startSim } from '../../../sim/src/index';
import { loadAppConfig } from '../../src/core/config/app-config';
import { MetricsService } from '../../src/health/metrics.service';
import { AuthStateRepository } from '../../src/whatsapp/baileys/auth-state.repository';
import { BaileysProvider } from '../../src/whatsapp/baileys/baileys.provider';
import { MessageReceived, WhatsAppEvents } from '../../src/whatsapp/events';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/realtime';
import { RecordingListener } from '../support/recording-listener';
import { TEST_JWT_SECRET } from '../support/server-process';
import { insertSession } from '../support/session-rows';

/**
 * A message whose first copy the gateway cannot decrypt heals as on WhatsApp: Baileys sends a retry receipt, the
 * sender's phone (the sim) sends the message again, and WAGO forwards it once and counts the failure.
 */
describe('Messages whose first copy cannot be decrypted', () => {
  const GATEWAY = '15550610000';
  const ALICE = '15550610001';
  const BOB = '15550610002';
  let database: TestDatabase;
  let dataSource: DataSource;
  let sim: SimHandle;
  let metrics: MetricsService;
  let provider: BaileysProvider;
  let received: MessageReceived[];

  async function send(from: string, body: Record<string, unknown>): Promise<string> {
    const answer = await sim.control('POST', `/control/accounts/${from}/messages`, body);
    return (answer.body as { id: string }).id;
  }

  async function createGroup(addressingMode: 'pn' | 'lid'): Promise<string> {
    const group = await sim.control('POST', '/control/groups', {
      subject: `Retry ${addressingMode}`,
      participants: [ALICE, GATEWAY, BOB],
      addressingMode,
    });
    return (group.body as { jid: string }).jid;
  }

  async function decryptionFailures(): Promise<number> {
    const counter = await metrics.registry.getSingleMetric('wago_whatsapp_decryption_failures_total')?.get();
    return (counter?.values ?? []).reduce((sum, { value }) => sum + value, 0);
  }

  function receivedWithId(messageId: string): Promise<MessageReceived[]> {
    return eventually(
      () => received.some((message) => message.messageId === messageId),
      `message.received ${messageId}`,
    ).then(() => received.filter((message) => message.messageId === messageId));
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.dataSource();
    sim = await startSim();
    const config = loadAppConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: database.url,
      WA_WS_URL: sim.wsUrl,
      WA_LOG_LEVEL: 'silent',
    });
    const events = new WhatsAppEvents();
    received = [];
    events.on('message.received', (message) => void received.push(message));
    for (const [phoneNumber, pushName] of [
      [GATEWAY, 'Gateway'],
      [ALICE, 'Alice'],
      [BOB, 'Bob'],
    ]) {
      sim.createAccount({ phoneNumber, pushName });
    }
    const sessionId = await insertSession(dataSource);
    metrics = new MetricsService();
    const logger = { logger: pino({ level: 'silent' }) } as unknown as PinoLogger;
    provider = new BaileysProvider(config, new AuthStateRepository(dataSource), events, logger, metrics);
    const listener = new RecordingListener();
    await provider.connect(sessionId, listener);
    await sim.link(GATEWAY, { qr: await listener.waitForQr() });
    await listener.waitForOpen();
  });

  afterAll(async () => {
    await provider?.disconnectAll();
    await sim?.stop();
    await database?.drop();
  });

  it('forwards a direct message once after the phone sent it again, and counts the decryption failure', async () => {
    const failuresBefore = await decryptionFailures();
    const id = await send(ALICE, { to: GATEWAY, text: 'first copy garbled', corruptFirstCopy: true });
    const copies = await receivedWithId(id);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ text: 'first copy garbled', senderPn: `${ALICE}@s.whatsapp.net` });
    expect(await decryptionFailures()).toBe(failuresBefore + 1);
  });

  it('keeps reading a direct chat after a healed message', async () => {
    await receivedWithId(await send(BOB, { to: GATEWAY, text: 'hello' }));
    await receivedWithId(await send(BOB, { to: GATEWAY, text: 'garbled', corruptFirstCopy: true }));
    const next = await receivedWithId(await send(BOB, { to: GATEWAY, text: 'and then' }));
    expect(next).toEqual([expect.objectContaining({ text: 'and then' })]);
  });

  it.each(['lid', 'pn'] as const)(
    'forwards a %s group message once after the phone sent it again with its sender key',
    async (addressingMode) => {
      const groupJid = await createGroup(addressingMode);
      const failuresBefore = await decryptionFailures();
      const id = await send(ALICE, { to: groupJid, text: 'group, garbled', corruptFirstCopy: true });
      const copies = await receivedWithId(id);
      expect(copies).toEqual([
        expect.objectContaining({ chatJid: groupJid, text: 'group, garbled', senderPn: `${ALICE}@s.whatsapp.net` }),
      ]);
      expect(await decryptionFailures()).toBe(failuresBefore + 1);
      // The next skmsg is read with the sender key that came with the copy sent again.
      const next = await receivedWithId(await send(ALICE, { to: groupJid, text: 'group, readable' }));
      expect(next).toEqual([expect.objectContaining({ text: 'group, readable' })]);
      expect(await decryptionFailures()).toBe(failuresBefore + 1);
    },
  );

  it('forwards a group message once when its garbled copy came after the sender key', async () => {
    const groupJid = await createGroup('pn');
    await receivedWithId(await send(BOB, { to: groupJid, text: 'sender key first' }));
    const failuresBefore = await decryptionFailures();
    const id = await send(BOB, { to: groupJid, text: 'then garbled', corruptFirstCopy: true });
    expect(await receivedWithId(id)).toEqual([expect.objectContaining({ text: 'then garbled' })]);
    expect(await decryptionFailures()).toBe(failuresBefore + 1);
  });
});
