// History sync at pairing: an account created with chats syncs them to the Baileys client linked to it next, as
// HISTORY_SYNC_NOTIFICATION peer messages that Baileys turns into `messaging-history.set`.
import { inflateSync } from 'node:zlib';
import type { proto, WAMessage } from '@whiskeysockets/baileys';
import { loadWaLibrary, type WaLibrary } from '../../src/core/wa-library';
import { startSim, type CreatedAccount, type HistoryChatInput, type SimHandle } from '../../src/index';
import { createTestClient, type TestClient } from '../support/baileys-client';
import { EventRecorder } from './event-recorder';
import { eventually, socketOf, UpsertRecorder } from './messaging-support';

const GROUP = '120363000000000077@g.us';

describe('history sync to a newly linked Baileys client', () => {
  let baileys: WaLibrary;
  let sim: SimHandle;
  let alice: CreatedAccount;
  let carol: CreatedAccount;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    baileys = await loadWaLibrary();
    sim = await startSim();
    alice = sim.createAccount({ phoneNumber: '5511900000081', pushName: 'Alice' });
    carol = sim.createAccount({ phoneNumber: '5511900000083', pushName: 'Carol' });
  });

  afterAll(async () => {
    for (const client of clients) await client.stop();
    await sim?.stop();
  });

  /** Links a client with Baileys' own history settings and records what it reports from the first login on. */
  async function link(phoneNumber: string) {
    const client = createTestClient(sim, {
      socket: { shouldSyncHistoryMessage: baileys.DEFAULT_CONNECTION_CONFIG.shouldSyncHistoryMessage },
    });
    clients.push(client);
    await client.linkByQr(phoneNumber);
    return {
      client,
      history: new EventRecorder(socketOf(client), 'messaging-history.set'),
      upserts: new UpsertRecorder(socketOf(client)),
    };
  }

  const syncTypes = () => baileys.proto.HistorySync.HistorySyncType;
  const texts = (messages: WAMessage[], chat: string) =>
    messages.filter((message) => message.key.remoteJid === chat).map((message) => message.message?.conversation);

  it('emits messaging-history.set with the seeded chats, newest message first, then the push names', async () => {
    const history: HistoryChatInput[] = [
      {
        chat: alice.phoneNumber,
        messages: [
          { from: alice.phoneNumber, text: 'hi Dan', timestamp: 1_700_000_000, id: 'HIST1' },
          { from: 'me', text: 'hi Alice', timestamp: 1_700_000_060, id: 'HIST2' },
          { from: alice.phoneNumber, text: 'lunch?', timestamp: 1_700_000_120, id: 'HIST3' },
        ],
      },
      {
        chat: GROUP,
        messages: [
          { from: carol.phoneNumber, text: 'welcome', timestamp: 1_690_000_000 },
          { from: 'me', text: 'thanks', timestamp: 1_690_000_030 },
        ],
      },
    ];
    sim.createAccount({ phoneNumber: '5511900000084', pushName: 'Dan', history });

    const { history: sets } = await link('5511900000084');
    await sets.waitFor((set) => set.syncType === syncTypes().PUSH_NAME, 'the push names');

    const [bootstrap] = sets.events;
    expect(bootstrap).toMatchObject({ syncType: syncTypes().INITIAL_BOOTSTRAP, isLatest: true, progress: 100 });
    // WhatsApp orders chats by their last message and each chat's messages newest first.
    expect(bootstrap.chats.map((chat) => chat.id)).toEqual([alice.jid, GROUP]);
    expect(texts(bootstrap.messages, alice.jid)).toEqual(['lunch?', 'hi Alice', 'hi Dan']);
    expect(texts(bootstrap.messages, GROUP)).toEqual(['thanks', 'welcome']);
    const [lunch, hiAlice] = bootstrap.messages;
    expect(lunch.key).toMatchObject({ remoteJid: alice.jid, fromMe: false, id: 'HIST3' });
    expect(lunch.pushName).toBe('Alice');
    expect(baileys.toNumber(lunch.messageTimestamp)).toBe(1_700_000_120);
    expect(hiAlice.key).toMatchObject({ remoteJid: alice.jid, fromMe: true, id: 'HIST2' });
    const welcome = bootstrap.messages.find((message) => message.message?.conversation === 'welcome');
    expect(welcome?.key).toMatchObject({ remoteJid: GROUP, fromMe: false, participant: carol.jid });
    expect(bootstrap.contacts).toContainEqual(expect.objectContaining({ id: alice.jid, lid: alice.lid }));

    const pushNames = sets.events.find((set) => set.syncType === syncTypes().PUSH_NAME);
    expect(pushNames?.contacts).toEqual(
      expect.arrayContaining([
        { id: alice.jid, notify: 'Alice' },
        { id: carol.jid, notify: 'Carol' },
      ]),
    );
  });

  it('splits a long history into paced chunks, each also downloadable from the media host', async () => {
    const chat = (partner: string, count: number, from: number): HistoryChatInput => ({
      chat: partner,
      messages: Array.from({ length: count }, (_, index) => ({
        from: index % 2 === 0 ? partner : 'me',
        text: `${partner} #${index}`,
        timestamp: from + index,
      })),
    });
    // The long chat is the most recent: its newest 100 messages fill the bootstrap, the rest follow.
    sim.createAccount({
      phoneNumber: '5511900000085',
      pushName: 'Erin',
      history: [chat(alice.phoneNumber, 150, 1_700_000_000), chat(carol.phoneNumber, 100, 1_600_000_000)],
    });

    const { history: sets, upserts } = await link('5511900000085');
    await sets.waitFor((set) => set.progress === 100, 'the last chunk', 15_000);

    const chunks = sets.events.filter((set) => set.syncType !== syncTypes().PUSH_NAME);
    expect(chunks.map(({ syncType, chunkOrder, progress }) => ({ syncType, chunkOrder, progress }))).toEqual([
      { syncType: syncTypes().INITIAL_BOOTSTRAP, chunkOrder: 0, progress: 40 },
      { syncType: syncTypes().RECENT, chunkOrder: 1, progress: 80 },
      { syncType: syncTypes().RECENT, chunkOrder: 2, progress: 100 },
    ]);
    // Paced: the phone pauses between notifications (HISTORY_CHUNK_INTERVAL_MS, 250 ms).
    const [, first, second] = chunks.map((set) => sets.arrivals[sets.events.indexOf(set)]);
    expect(second - first).toBeGreaterThanOrEqual(150);
    const messages = chunks.flatMap((set) => set.messages);
    expect(messages).toHaveLength(250);
    const aliceTexts = texts(messages, alice.jid);
    expect(aliceTexts).toEqual(Array.from({ length: 150 }, (_, index) => `${alice.phoneNumber} #${149 - index}`));

    // The notification's upload decrypts (History keys) and inflates to what rode inline.
    const notifications = await eventually(() => {
      const found = upserts.upserts.flatMap(
        ({ message }) => message.message?.protocolMessage?.historySyncNotification ?? [],
      );
      return found.length >= 3 ? found : undefined;
    }, 'the notifications');
    const recent = notifications.find((notification) => notification.chunkOrder === 1);
    const downloaded = await download(recent);
    expect(downloaded.equals(Buffer.from(recent?.initialHistBootstrapInlinePayload ?? []))).toBe(true);
    const decoded = baileys.proto.HistorySync.decode(inflateSync(downloaded));
    expect(decoded.conversations.map((conversation) => conversation.id)).toEqual([alice.jid, carol.jid]);
  });

  it('answers 400 for a history that breaks its bounds or its own order', async () => {
    const create = (history: unknown) =>
      sim.control('POST', '/control/accounts', { phoneNumber: '5511900000086', pushName: 'Fay', history });
    const one = { from: 'me', text: 'x' };
    await expect(
      create(Array.from({ length: 51 }, (_, index) => ({ chat: `55119000010${index}`, messages: [one] }))),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: 'history takes at most 50 chats',
    });
    await expect(
      create([{ chat: alice.phoneNumber, messages: Array.from({ length: 1_001 }, () => one) }]),
    ).rejects.toMatchObject({ statusCode: 400, message: 'history takes at most 1000 messages' });
    await expect(
      create([{ chat: alice.phoneNumber, messages: [{ from: carol.phoneNumber, text: 'x' }] }]),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: `history[0].messages[0].from must be "me" or ${alice.phoneNumber} in a chat with ${alice.phoneNumber}`,
    });
    await expect(
      create([
        {
          chat: alice.phoneNumber,
          messages: [
            { ...one, timestamp: 1_700_000_100 },
            { ...one, timestamp: 1_700_000_000 },
          ],
        },
      ]),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: 'history[0].messages[1].timestamp: messages must be oldest first',
    });
    expect(sim.accounts().some((account) => account.phoneNumber === '5511900000086')).toBe(false);
  });

  async function download(notification: proto.Message.IHistorySyncNotification | undefined): Promise<Buffer> {
    if (!notification?.mediaKey || !notification.directPath) throw new Error('the notification names no upload');
    const stream = await baileys.downloadContentFromMessage(
      { mediaKey: notification.mediaKey, directPath: notification.directPath, url: sim.mediaUrl },
      'md-msg-hist',
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
});
