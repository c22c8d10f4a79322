// A message WhatsApp took is never reported failed nor sent again, even when Postgres refuses to record it.
import type { DataSource } from 'typeorm';
import { ApiClient } from '../support/api-client';
import { pairSession, PairedSession, poll } from '../support/paired-session';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(120_000);

interface Message {
  id: string;
  status: string;
  timestamp: string | null;
}

const ERIN = { phoneNumber: '15550311001', pushName: 'Erin' };

describe('a sent message whose status write fails', () => {
  let wago: WagoWithSim;
  let restarted: ServerProcess | undefined;
  let api: ApiClient;
  let token: string;
  let bot: PairedSession;
  let receiver: WebhookReceiver;
  let dataSource: DataSource;

  const send = (text: string, idempotencyKey: string) =>
    api.call<Message>('POST', `/sessions/${bot.id}/messages`, {
      token,
      body: { to: ERIN.phoneNumber, text },
      headers: { 'Idempotency-Key': idempotencyKey },
    });

  const status = async (messageId: string): Promise<string> =>
    (await api.call<Message>('GET', `/sessions/${bot.id}/messages/${messageId}`, { token })).body.status;

  const copiesInInbox = (text: string): number =>
    wago.sim.inbox(ERIN.phoneNumber).filter((message) => message.text === text).length;

  async function sentEventsInOutbox(messageId: string): Promise<number> {
    const [row]: { count: number }[] = await dataSource.query(
      `SELECT count(*)::int AS count FROM webhook_events WHERE type = 'message.sent' AND payload->'data'->>'id' = $1`,
      [messageId],
    );
    return row.count;
  }

  const sentEventsReceived = (messageId: string): number =>
    receiver
      .events<{ type: string; data: { id: string } }>()
      .filter((event) => event.type === 'message.sent' && event.data.id === messageId).length;

  /**
   * Until `allowSentStatus`, Postgres refuses to mark any message sent, and with `sentAt` even to note when
   * WhatsApp took one.
   */
  async function refuseSentStatus(options: { sentAt?: boolean } = {}): Promise<void> {
    await dataSource.query(`
      CREATE OR REPLACE FUNCTION refuse_sent_status() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the sent status cannot be written now'; END $$`);
    const refused = options.sentAt ? `NEW.sent_at IS NOT NULL` : `NEW.status = 'sent'`;
    await dataSource.query(`
      CREATE TRIGGER refuse_sent_status BEFORE UPDATE ON outgoing_messages
      FOR EACH ROW WHEN (${refused}) EXECUTE FUNCTION refuse_sent_status()`);
  }

  async function sentAtOf(messageId: string): Promise<Date | null> {
    const [row]: { sent_at: Date | null }[] = await dataSource.query(
      `SELECT sent_at FROM outgoing_messages WHERE message_id = $1`,
      [messageId],
    );
    return row.sent_at;
  }

  async function allowSentStatus(): Promise<void> {
    await dataSource.query(`DROP TRIGGER IF EXISTS refuse_sent_status ON outgoing_messages`);
  }

  const markedSent = (messageId: string, what: string): Promise<string> =>
    poll(
      () => status(messageId),
      (current) => ['sent', 'delivered', 'read'].includes(current),
      what,
    );

  /** A retry with the same Idempotency-Key is answered with the message already taken. */
  async function expectRetryAnsweredWith(messageId: string, text: string, idempotencyKey: string): Promise<void> {
    const retried = await send(text, idempotencyKey);
    expect([201, 202]).toContain(retried.status);
    expect(retried.body.id).toBe(messageId);
  }

  /**
   * The message went out once and made one message.sent event. A second copy or event would have come by the time
   * its event was delivered and one more message went out.
   */
  async function expectSentOnce(
    messageId: string,
    text: string,
    later: { text: string; idempotencyKey: string },
  ): Promise<void> {
    await poll(
      async () => sentEventsReceived(messageId),
      (count) => count > 0,
      'message.sent delivered',
    );
    await send(later.text, later.idempotencyKey);
    await poll(
      async () => copiesInInbox(later.text),
      (copies) => copies > 0,
      'the later message',
    );
    expect(copiesInInbox(text)).toBe(1);
    expect(await sentEventsInOutbox(messageId)).toBe(1);
  }

  beforeAll(async () => {
    wago = await startWagoWithSim({
      env: { MESSAGE_MIN_INTERVAL_MS: '100', MESSAGE_JITTER_MS: '0', MESSAGE_WAIT_FOR_SEND_MS: '1000' },
    });
    api = wago.api;
    token = wago.admin.accessToken;
    bot = await pairSession(api, token, wago.sim, { name: 'sender', phoneNumber: '15550311000', pushName: 'Bot' });
    wago.sim.createAccount(ERIN);
    receiver = await startWebhookReceiver();
    const webhook = await api.call('POST', `/sessions/${bot.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['message.sent'] },
    });
    expect(webhook.status).toBe(201);
    dataSource = await wago.database.dataSource();
  });

  afterEach(async () => {
    await allowSentStatus();
  });

  afterAll(async () => {
    await restarted?.stop();
    await receiver?.close();
    await wago?.stop();
  });

  it('ends sent once Postgres accepts the write again, and a retry with the same Idempotency-Key sends nothing', async () => {
    const text = 'your parcel left the depot';
    await refuseSentStatus();
    const first = await send(text, 'parcel-left');
    expect([201, 202]).toContain(first.status);
    await poll(
      async () => copiesInInbox(text),
      (copies) => copies > 0,
      'the message in the inbox',
    );
    await allowSentStatus();

    await markedSent(first.body.id, 'the message marked sent');
    await expectRetryAnsweredWith(first.body.id, text, 'parcel-left');
    await expectSentOnce(first.body.id, text, { text: 'a later message', idempotencyKey: 'later-message' });
    expect(sentEventsReceived(first.body.id)).toBe(1);
  });

  it('records a message whose every write failed once Postgres takes writes again, sending it once', async () => {
    const text = 'your table is booked';
    await refuseSentStatus({ sentAt: true });
    const first = await send(text, 'table-booked');
    expect([201, 202]).toContain(first.status);
    await wago.server.waitForOutput(new RegExp(`Message sent, its status not recorded yet: ${first.body.id}`));
    // Not even noted in Postgres: only the process remembers that WhatsApp took it.
    expect(await sentAtOf(first.body.id)).toBeNull();
    await expectRetryAnsweredWith(first.body.id, text, 'table-booked');
    await allowSentStatus();

    await markedSent(first.body.id, 'the message marked sent by the sweep');
    await expectSentOnce(first.body.id, text, { text: 'after the outage', idempotencyKey: 'after-outage' });
  });

  it('completes as sent after a crash and restart a message whose status write kept failing, sending it once', async () => {
    const text = 'your invoice is ready';
    await refuseSentStatus();
    const first = await send(text, 'invoice-ready');
    expect([201, 202]).toContain(first.status);
    await wago.server.waitForOutput(new RegExp(`Message sent, its status not recorded yet: ${first.body.id}`));
    expect(copiesInInbox(text)).toBe(1);
    expect(await status(first.body.id)).not.toBe('failed');

    await wago.server.kill();
    await allowSentStatus();
    restarted = await startServerProcess({ databaseUrl: wago.database.url, env: wago.env });
    api = new ApiClient(restarted.baseUrl);

    await markedSent(first.body.id, 'the message marked sent after the restart');
    await expectRetryAnsweredWith(first.body.id, text, 'invoice-ready');
    await expectSentOnce(first.body.id, text, { text: 'after the restart', idempotencyKey: 'after-restart' });
  });
});
