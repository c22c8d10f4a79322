import type { AddressInfo } from 'node:net';
import { SimHandle, startSim } from '../../../sim/src/index';
import { RunningServer, startServer } from '../../src/bootstrap';
import { MessageReceived, WhatsAppEvents } from '../../src/whatsapp/events';
import { ApiClient, SignedIn } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { pairSession, PairedSession, poll, waitForStatus } from '../support/paired-session';
import { eventually } from '../support/realtime';
import { TEST_JWT_SECRET } from '../support/server-process';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';
import { FAST_WHATSAPP_ENV } from '../support/wago-with-sim';

interface StoredMessage {
  id: string;
  chat: { jid: string; type: string };
  sender: { pn: string | null; lid: string | null; pushName: string | null };
  fromMe: boolean;
  type: string;
  text: string | null;
  media: { id: string | null; mimetype: string; caption: string | null } | null;
  reactions: { sender: string; emoji: string }[];
  editedAt: string | null;
  deletedAt: string | null;
  timestamp: string;
}

interface MessagePage {
  items: StoredMessage[];
  nextCursor: string | null;
}

interface Chat {
  jid: string;
  type: string;
  name: string | null;
  lastMessage: StoredMessage | null;
  unreadCount: number;
  updatedAt: string;
}

/** WAGO in this process (its real HTTP API, Postgres and Baileys) against a simulator. */
interface Gateway {
  sim: SimHandle;
  database: TestDatabase;
  server: RunningServer;
  /** Takes every webhook delivery (200). */
  receiver: WebhookReceiver;
  api: ApiClient;
  admin: SignedIn;
  stop(): Promise<void>;
}

async function startGateway(env: Record<string, string> = {}): Promise<Gateway> {
  const sim = await startSim();
  const receiver = await startWebhookReceiver();
  const database = await createTestDatabase({ migrate: false });
  const server = await startServer({
    ...FAST_WHATSAPP_ENV,
    NODE_ENV: 'test',
    APP_PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: database.url,
    WA_WS_URL: sim.wsUrl,
    WEBHOOK_DENY_PRIVATE: 'false',
    ...env,
  });
  const { port } = server.app.getHttpServer().address() as AddressInfo;
  const api = new ApiClient(`http://127.0.0.1:${port}`);
  return {
    sim,
    database,
    server,
    receiver,
    api,
    admin: await api.setupAdmin(),
    async stop() {
      await server.close();
      await receiver.close();
      await sim.stop();
      await database.drop();
    },
  };
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
).toString('base64');

describe('Chats and message history', () => {
  const GATEWAY = '15550700000';
  const ALICE = '15550700001';
  const BOB = '15550700002';
  const DAN = '15550700003';
  const ALICE_JID = `${ALICE}@s.whatsapp.net`;
  let gateway: Gateway;
  let api: ApiClient;
  let token: string;
  let session: PairedSession;
  let bobLid: string;

  async function simSend(from: string, body: Record<string, unknown>): Promise<string> {
    const answer = await gateway.sim.control('POST', `/control/accounts/${from}/messages`, body);
    if (answer.status !== 201) throw new Error(`sim send: ${answer.status} ${JSON.stringify(answer.body)}`);
    return (answer.body as { id: string }).id;
  }

  function get<T>(path: string) {
    return api.call<T>('GET', `/sessions/${session.id}${path}`, { token });
  }

  async function storedMessage(chatJid: string, id: string, done: (message: StoredMessage) => boolean = () => true) {
    const page = await poll(
      () => get<MessagePage>(`/chats/${chatJid}/messages?limit=200`),
      (answer) => answer.body.items?.some((message) => message.id === id && done(message)) ?? false,
      `message ${id} stored`,
    );
    return page.body.items.find((message) => message.id === id) as StoredMessage;
  }

  beforeAll(async () => {
    gateway = await startGateway();
    ({ api } = gateway);
    token = gateway.admin.accessToken;
    gateway.sim.createAccount({ phoneNumber: ALICE, pushName: 'Alice' });
    bobLid = gateway.sim.createAccount({ phoneNumber: BOB, pushName: 'Bob' }).lid;
    session = await pairSession(api, token, gateway.sim, {
      name: 'history',
      phoneNumber: GATEWAY,
      pushName: 'Gateway',
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('stores a live text with both of the sender’s identities', async () => {
    const id = await simSend(ALICE, { to: GATEWAY, text: 'hello history' });
    expect(await storedMessage(ALICE_JID, id)).toMatchObject({
      id,
      chat: { jid: ALICE_JID, type: 'direct' },
      sender: { pn: ALICE_JID, lid: expect.stringMatching(/@lid$/), pushName: 'Alice' },
      fromMe: false,
      type: 'text',
      text: 'hello history',
      reactions: [],
      editedAt: null,
      deletedAt: null,
    });
  });

  it('stores an image with its caption and media metadata, and finds it by a word of the caption', async () => {
    const id = await simSend(ALICE, {
      to: GATEWAY,
      image: { data: PNG, mimetype: 'image/png', caption: 'the blue lighthouse' },
    });
    expect(await storedMessage(ALICE_JID, id)).toMatchObject({
      type: 'image',
      text: 'the blue lighthouse',
      media: { id: expect.any(String), mimetype: 'image/png', caption: 'the blue lighthouse' },
    });
    const found = await get<MessagePage>('/messages?q=lighthouse');
    expect(found.status).toBe(200);
    expect(found.body.items.map((message) => message.id)).toEqual([id]);
    expect((await get<MessagePage>('/messages?q=lighthouse&type=text')).body.items).toEqual([]);
    expect((await get<MessagePage>(`/messages?q=lighthouse&from=${ALICE}&type=image`)).body.items).toHaveLength(1);
    expect((await get<MessagePage>(`/messages?q=lighthouse&from=${BOB}`)).body.items).toEqual([]);
  });

  it('applies a reaction, an edit and a deletion to the stored message', async () => {
    const id = await simSend(ALICE, { to: GATEWAY, text: 'first draft' });
    await storedMessage(ALICE_JID, id);
    await simSend(ALICE, { to: GATEWAY, reaction: { messageId: id, emoji: '👍' } });
    await storedMessage(ALICE_JID, id, (message) => message.reactions.length === 1);
    await simSend(ALICE, { to: GATEWAY, edit: { messageId: id, text: 'final wording' } });
    const edited = await storedMessage(ALICE_JID, id, (message) => message.editedAt !== null);
    expect(edited).toMatchObject({ text: 'final wording', reactions: [{ sender: ALICE_JID, emoji: '👍' }] });
    expect((await get<MessagePage>('/messages?q=wording')).body.items.map((message) => message.id)).toEqual([id]);

    const doomed = await simSend(ALICE, { to: GATEWAY, text: 'regrettable words' });
    await storedMessage(ALICE_JID, doomed);
    await simSend(ALICE, { to: GATEWAY, revoke: { messageId: doomed } });
    const revoked = await storedMessage(ALICE_JID, doomed, (message) => message.deletedAt !== null);
    expect(revoked).toMatchObject({ text: null, media: null, fromMe: false });
    expect((await get<MessagePage>('/messages?q=regrettable')).body.items).toEqual([]);
  });

  it('stores a message sent through the API, which marks the chat read', async () => {
    const sent = await api.call<{ id: string }>('POST', `/sessions/${session.id}/messages`, {
      token,
      body: { to: ALICE, text: 'sent from the API' },
    });
    expect(sent.status).toBe(201);
    expect(await storedMessage(ALICE_JID, sent.body.id)).toMatchObject({
      fromMe: true,
      type: 'text',
      text: 'sent from the API',
      chat: { jid: ALICE_JID, type: 'direct' },
    });
    const chats = await get<{ items: Chat[] }>('/chats');
    expect(chats.body.items.find((chat) => chat.jid === ALICE_JID)?.unreadCount).toBe(0);
  });

  it('resolves a LID-only sender to its phone number and counts unread messages until a read receipt', async () => {
    const BOB_JID = `${BOB}@s.whatsapp.net`;
    const first = await simSend(BOB, { to: GATEWAY, text: 'one', senderAddressing: 'lid' });
    const second = await simSend(BOB, { to: GATEWAY, text: 'two', senderAddressing: 'lid' });
    await storedMessage(BOB_JID, first);
    expect(await storedMessage(BOB_JID, second)).toMatchObject({ sender: { pn: BOB_JID, lid: bobLid } });
    const chats = await get<{ items: Chat[]; total: number }>('/chats');
    expect(chats.body.items[0]).toMatchObject({
      jid: BOB_JID,
      type: 'direct',
      name: 'Bob',
      unreadCount: 2,
      lastMessage: { id: second, text: 'two' },
    });
    const read = await api.call('POST', `/sessions/${session.id}/chats/${BOB}/read`, { token, body: {} });
    expect(read.status).toBe(204);
    const after = await get<{ items: Chat[] }>('/chats');
    expect(after.body.items.find((chat) => chat.jid === BOB_JID)?.unreadCount).toBe(0);
  });

  it('lists chats by last activity and pages a chat newest first with a cursor', async () => {
    const groupJid = (
      (
        await gateway.sim.control('POST', '/control/groups', {
          subject: 'Harbour',
          participants: [GATEWAY, ALICE, BOB],
        })
      ).body as { jid: string }
    ).jid;
    const ids: string[] = [];
    for (const text of ['g1', 'g2', 'g3', 'g4', 'g5']) ids.push(await simSend(ALICE, { to: groupJid, text }));
    await storedMessage(groupJid, ids[4]);
    const chats = await get<{ items: Chat[]; total: number }>('/chats');
    expect(chats.body.items[0]).toMatchObject({ jid: groupJid, type: 'group', lastMessage: { id: ids[4] } });
    expect(chats.body.total).toBe(3);
    expect((await get<{ items: Chat[] }>('/chats?limit=1&offset=1')).body.items).toHaveLength(1);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: MessagePage } = await get<MessagePage>(
        `/chats/${groupJid}/messages?limit=2${cursor ? `&before=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((message) => message.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('keeps the first copy of a message WhatsApp delivers again', async () => {
    const id = await simSend(ALICE, { to: GATEWAY, text: 'only once' });
    const stored = await storedMessage(ALICE_JID, id);
    const redelivered: MessageReceived = {
      sessionId: session.id,
      messageId: id,
      chatJid: ALICE_JID,
      chatType: 'direct',
      senderPn: ALICE_JID,
      senderLid: null,
      pushName: 'Alice',
      type: 'text',
      unsupported: null,
      text: 'a second copy',
      media: null,
      location: null,
      contact: null,
      mentionedJids: [],
      quotedMessageId: null,
      quotedSender: null,
      timestamp: stored.timestamp,
      fromMe: false,
      offline: true,
    };
    expect(await gateway.server.app.get(WhatsAppEvents).publish('message.received', redelivered)).toEqual([]);
    const source = await gateway.database.dataSource();
    const copies = await source.query<{ text: string }[]>(`SELECT text FROM messages WHERE message_id = $1`, [id]);
    expect(copies).toEqual([{ text: 'only once' }]);
  });

  it('answers 400 to a bad cursor, filter or chat, and 404 to another user’s session', async () => {
    expect((await get('/messages?before=bm90IGEgY3Vyc29y')).status).toBe(400);
    expect((await get('/messages?since=yesterday')).status).toBe(400);
    expect((await get('/messages?type=poll')).status).toBe(400);
    expect((await get('/messages?from=someone')).status).toBe(400);
    expect((await get('/chats/not-a-chat/messages')).status).toBe(400);
    expect((await get('/messages?limit=0')).status).toBe(400);
    const other = await api.createUser(gateway.admin, 'other');
    const answer = await api.call('GET', `/sessions/${session.id}/chats`, { token: other.accessToken });
    expect(answer.status).toBe(404);
  });

  it('stores the history synced at pairing in order, once, and never as message.received webhooks', async () => {
    const now = Math.floor(Date.now() / 1000);
    const history = [
      {
        chat: ALICE,
        messages: Array.from({ length: 120 }, (_, index) => ({
          from: index % 2 === 0 ? ALICE : 'me',
          text: `old message ${index}`,
          timestamp: now - 10_000 + index,
          id: `HIST${String(index).padStart(4, '0')}`,
        })),
      },
      { chat: BOB, messages: [{ from: BOB, text: 'remember the anchor', timestamp: now - 5_000, id: 'HISTBOB1' }] },
    ];
    const created = await gateway.sim.control('POST', '/control/accounts', {
      phoneNumber: DAN,
      pushName: 'Dan',
      history,
    });
    expect(created.status).toBe(201);
    // Subscribed before pairing, so a history message published as message.received would be in the outbox.
    const dan = (await api.call<{ id: string }>('POST', '/sessions', { token, body: { name: 'dan' } })).body;
    const webhook = await api.call('POST', `/sessions/${dan.id}/webhooks`, {
      token,
      body: { url: gateway.receiver.url, events: ['message.received'] },
    });
    expect(webhook.status).toBe(201);
    expect((await api.call('POST', `/sessions/${dan.id}/start`, { token })).status).toBe(202);
    const qr = await poll(
      () => api.call<{ qr: string }>('GET', `/sessions/${dan.id}/qr`, { token }),
      (answer) => answer.status === 200,
      'a QR for Dan’s session',
    );
    await gateway.sim.link(DAN, { qr: qr.body.qr });
    const danSession = await waitForStatus(api, token, dan.id, 'connected');

    // A live message right after pairing arrives promptly: the history never holds it back.
    const pairedAt = Date.now();
    const live = await simSend(ALICE, { to: DAN, text: 'live after pairing' });
    const danGet = <T>(path: string) => api.call<T>('GET', `/sessions/${dan.id}${path}`, { token });
    await poll(
      () => danGet<MessagePage>(`/messages?q=pairing`),
      (answer) => answer.body.items?.length === 1,
      'the live message stored',
    );
    expect(Date.now() - pairedAt).toBeLessThan(5_000);

    const all = await poll(
      () => danGet<MessagePage>(`/chats/${ALICE}/messages?limit=200`),
      (answer) => answer.body.items?.length === 121,
      'the synced history of Alice’s chat',
    );
    const synced = all.body.items.filter((message) => message.id !== live);
    expect(synced.map((message) => message.id)).toEqual(history[0].messages.map((message) => message.id).reverse());
    expect(synced[0]).toMatchObject({ fromMe: true, sender: { pn: danSession.jid }, text: 'old message 119' });
    expect(synced.find((message) => message.id === 'HIST0000')).toMatchObject({
      fromMe: false,
      sender: { pn: ALICE_JID, pushName: 'Alice' },
      text: 'old message 0',
    });
    const found = await danGet<MessagePage>('/messages?q=anchor');
    expect(found.body.items).toMatchObject([{ id: 'HISTBOB1', chat: { jid: `${BOB}@s.whatsapp.net` } }]);

    const source = await gateway.database.dataSource();
    const published = await source.query<{ id: string }[]>(
      `SELECT payload->'data'->>'id' AS id FROM webhook_events WHERE session_id = $1 AND type = 'message.received'`,
      [dan.id],
    );
    expect(published.map((row) => row.id)).toEqual([live]);
    const [{ count }] = await source.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM messages WHERE session_id = $1`,
      [dan.id],
    );
    expect(count).toBe(122);
  });
});

describe('Chats and message history with MESSAGE_HISTORY_RETENTION=0', () => {
  let gateway: Gateway;

  beforeAll(async () => {
    gateway = await startGateway({ MESSAGE_HISTORY_RETENTION: '0' });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('stores no message', async () => {
    const { api, sim } = gateway;
    const token = gateway.admin.accessToken;
    sim.createAccount({ phoneNumber: '15550710001', pushName: 'Erin' });
    const session = await pairSession(api, token, sim, { name: 'none', phoneNumber: '15550710000', pushName: 'GW' });
    const webhook = await api.call('POST', `/sessions/${session.id}/webhooks`, {
      token,
      body: { url: gateway.receiver.url, events: ['message.received'] },
    });
    expect(webhook.status).toBe(201);
    const sent = await sim.control('POST', '/control/accounts/15550710001/messages', {
      to: '15550710000',
      text: 'gone',
    });
    const id = (sent.body as { id: string }).id;
    const source = await gateway.database.dataSource();
    await eventually(async () => {
      const rows = await source.query<unknown[]>(`SELECT 1 FROM webhook_events WHERE payload->'data'->>'id' = $1`, [
        id,
      ]);
      return rows.length > 0;
    }, 'the message received (in the webhook outbox)');
    const [{ count }] = await source.query<{ count: number }[]>(`SELECT count(*)::int AS count FROM messages`);
    expect(count).toBe(0);
    const chats = await api.call<{ items: unknown[] }>('GET', `/sessions/${session.id}/chats`, { token });
    expect(chats.body.items).toEqual([]);
  });
});
