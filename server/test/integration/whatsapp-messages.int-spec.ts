import type { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { SimHandle, startSim } from '../../../sim/src/index';
import { AppConfig, loadAppConfig } from '../../src/core/config/app-config';
import { MetricsService } from '../../src/health/metrics.service';
import { AuthStateRepository } from '../../src/whatsapp/baileys/auth-state.repository';
import { BaileysProvider } from '../../src/whatsapp/baileys/baileys.provider';
import { MessageAck, MessageReceived, WhatsAppEvents } from '../../src/whatsapp/events';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/realtime';
import { RecordingListener } from '../support/recording-listener';
import { TEST_JWT_SECRET } from '../support/server-process';
import { insertSession } from '../support/session-rows';

/** Messages between a WAGO session (the provider, as in the server) and simulated phones. */
describe('WhatsApp messages through the Baileys provider', () => {
  const GATEWAY = '15550600000';
  const ALICE = '15550600001';
  const BOB = '15550600002';
  let database: TestDatabase;
  let dataSource: DataSource;
  let sim: SimHandle;
  let config: AppConfig;
  let events: WhatsAppEvents;
  let provider: BaileysProvider;
  let sessionId: string;
  let received: MessageReceived[];
  let acks: MessageAck[];
  let aliceLid: string;
  let bobLid: string;
  let gatewayLid: string;

  /** A provider as one server process has it; a new one is what a restart gives. */
  function newProvider(): BaileysProvider {
    const logger = { logger: pino({ level: 'silent' }) } as unknown as PinoLogger;
    return new BaileysProvider(config, new AuthStateRepository(dataSource), events, logger, new MetricsService());
  }

  async function send(from: string, body: Record<string, unknown>): Promise<string> {
    const answer = await sim.control('POST', `/control/accounts/${from}/messages`, body);
    return (answer.body as { id: string }).id;
  }

  function receivedWithId(messageId: string): Promise<MessageReceived> {
    let found: MessageReceived | undefined;
    return eventually(() => {
      found = received.find((message) => message.messageId === messageId);
      return found !== undefined;
    }, `message.received ${messageId}`).then(() => found as MessageReceived);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.dataSource();
    sim = await startSim();
    config = loadAppConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: database.url,
      WA_WS_URL: sim.wsUrl,
      WA_LOG_LEVEL: 'silent',
    });
    events = new WhatsAppEvents();
    received = [];
    acks = [];
    events.on('message.received', (message) => void received.push(message));
    events.on('message.ack', (ack) => void acks.push(ack));
    gatewayLid = sim.createAccount({ phoneNumber: GATEWAY, pushName: 'Gateway' }).lid;
    aliceLid = sim.createAccount({ phoneNumber: ALICE, pushName: 'Alice' }).lid;
    bobLid = sim.createAccount({ phoneNumber: BOB, pushName: 'Bob' }).lid;
    sessionId = await insertSession(dataSource);
    provider = newProvider();
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

  it('turns a live direct message into message.received with both of the sender’s JIDs', async () => {
    const id = await send(ALICE, { to: GATEWAY, text: 'hello gateway' });
    expect(await receivedWithId(id)).toEqual({
      sessionId,
      messageId: id,
      chatJid: `${ALICE}@s.whatsapp.net`,
      chatType: 'direct',
      senderPn: `${ALICE}@s.whatsapp.net`,
      senderLid: aliceLid,
      pushName: 'Alice',
      text: 'hello gateway',
      mentionedJids: [],
      quotedMessageId: null,
      quotedSender: null,
      timestamp: expect.any(String),
      fromMe: false,
      offline: false,
    });
  });

  it('resolves a sender that wrote from its LID only to its phone-number JID', async () => {
    const id = await send(BOB, { to: GATEWAY, text: 'from my LID', senderAddressing: 'lid' });
    expect(await receivedWithId(id)).toMatchObject({
      senderLid: bobLid,
      senderPn: `${BOB}@s.whatsapp.net`,
      chatJid: `${BOB}@s.whatsapp.net`,
      text: 'from my LID',
    });
  });

  it('reads a group message with a mention by LID and a quoted message', async () => {
    const group = await sim.control('POST', '/control/groups', {
      subject: 'Team',
      participants: [GATEWAY, ALICE, BOB],
      addressingMode: 'lid',
    });
    const groupJid = (group.body as { jid: string }).jid;
    const first = await send(ALICE, { to: groupJid, text: 'first' });
    await receivedWithId(first);
    const id = await send(BOB, {
      to: groupJid,
      text: `@${gatewayLid.split('@')[0]} see above`,
      mentions: [GATEWAY],
      mentionBy: 'lid',
      quotedId: first,
    });
    expect(await receivedWithId(id)).toMatchObject({
      chatJid: groupJid,
      chatType: 'group',
      senderPn: `${BOB}@s.whatsapp.net`,
      senderLid: bobLid,
      mentionedJids: [gatewayLid],
      quotedMessageId: first,
      quotedSender: expect.stringMatching(new RegExp(`^(${ALICE}@s\\.whatsapp\\.net|${aliceLid})$`)),
    });
  });

  it('sends a text the phone reads back, and reports its receipts as message.ack', async () => {
    const sent = await provider.sendText(sessionId, { to: ALICE, text: 'hi Alice', messageId: '3EB0AABBCCDDEEFF0011' });
    expect(sent).toMatchObject({ messageId: '3EB0AABBCCDDEEFF0011', chatJid: `${ALICE}@s.whatsapp.net` });
    await eventually(async () => {
      const inbox = await sim.control('GET', `/control/accounts/${ALICE}/inbox`);
      return (inbox.body as { id: string; text: string }[]).some(
        (message) => message.id === sent.messageId && message.text === 'hi Alice',
      );
    }, 'the text in Alice’s inbox');
    await eventually(
      () => acks.some((ack) => ack.messageId === sent.messageId && ack.status === 'delivered'),
      'a delivery receipt',
    );
  });

  it('delivers a message sent while the gateway was down as an offline message.received after the restart', async () => {
    await provider.disconnectAll();
    const id = await send(ALICE, { to: GATEWAY, text: 'while you were away' });
    provider = newProvider();
    const listener = new RecordingListener();
    await provider.connect(sessionId, listener);
    await listener.waitForOpen();
    expect(listener.qrs).toEqual([]);
    expect(await receivedWithId(id)).toMatchObject({
      text: 'while you were away',
      senderPn: `${ALICE}@s.whatsapp.net`,
      offline: true,
    });
    expect(received.filter((message) => message.messageId === id)).toHaveLength(1);
  });
});
