// No incoming message is lost: a message is committed before WhatsApp hears it was received, whatever fails between.
import { Client } from 'pg';
import { startSim } from '../../../sim/src/index';
import { ApiClient } from '../support/api-client';
import { pairSession, PairedSession, poll } from '../support/paired-session';
import { startPrivatePostgres } from '../support/private-postgres';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { FAST_WHATSAPP_ENV, startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

interface ReceivedEvent {
  id: string;
  data: { text: string | null };
}

/** Each text the receiver got, with the distinct event ids it came under. */
function eventIdsByText(receiver: WebhookReceiver): Map<string, Set<string>> {
  const byText = new Map<string, Set<string>>();
  for (const event of receiver.events<ReceivedEvent>()) {
    const text = event.data.text ?? '';
    byText.set(text, (byText.get(text) ?? new Set()).add(event.id));
  }
  return byText;
}

async function waitForTexts(receiver: WebhookReceiver, texts: string[], timeoutMs = 60_000): Promise<void> {
  await poll(
    () => Promise.resolve(eventIdsByText(receiver)),
    (byText) => texts.every((text) => byText.has(text)),
    `the receiver to get ${texts.join(', ')}`,
    timeoutMs,
  );
}

function expectEachOnceUnderOneEventId(receiver: WebhookReceiver, texts: string[]): void {
  const byText = eventIdsByText(receiver);
  expect([...byText.keys()].sort()).toEqual([...texts].sort());
  for (const text of texts) expect({ text, eventIds: byText.get(text)?.size }).toEqual({ text, eventIds: 1 });
}

async function subscribe(api: ApiClient, token: string, session: PairedSession, url: string): Promise<void> {
  const webhook = await api.call('POST', `/sessions/${session.id}/webhooks`, {
    token,
    body: { url, events: ['message.received'] },
  });
  expect(webhook.status).toBe(201);
}

describe('incoming messages across failures', () => {
  const SENDER = { phoneNumber: '15550701001', pushName: 'Olga' };
  let wago: WagoWithSim;
  let receiver: WebhookReceiver;
  let restarted: ServerProcess | undefined;
  let bot: PairedSession;

  beforeEach(async () => {
    wago = await startWagoWithSim();
    receiver = await startWebhookReceiver();
    bot = await pairSession(wago.api, wago.admin.accessToken, wago.sim, {
      name: 'durable',
      phoneNumber: '15550701000',
      pushName: 'Bot',
    });
    wago.sim.createAccount(SENDER);
    await subscribe(wago.api, wago.admin.accessToken, bot, receiver.url);
  });

  afterEach(async () => {
    await restarted?.stop();
    restarted = undefined;
    await receiver.close();
    await wago.stop();
  });

  const send = (text: string): Promise<{ id: string }> =>
    wago.sim.sendMessage(SENDER.phoneNumber, { to: bot.phoneNumber, text });

  async function restart(): Promise<void> {
    await wago.server.kill();
    restarted = await startServerProcess({ databaseUrl: wago.database.url, env: wago.env });
  }

  it('retries a message whose outbox write fails until it is committed, and loses nothing across a SIGKILL', async () => {
    const dataSource = await wago.database.dataSource();
    await send('msg-1');
    await waitForTexts(receiver, ['msg-1']);

    await dataSource.query(`
      CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the outbox refuses writes for this test'; END $$`);
    await dataSource.query(
      `CREATE TRIGGER refuse_outbox BEFORE INSERT ON webhook_events FOR EACH ROW EXECUTE FUNCTION refuse_outbox()`,
    );
    await send('msg-2');
    await wago.server.waitForOutput(/could not be committed; retrying/);
    await dataSource.query(`DROP TRIGGER refuse_outbox ON webhook_events`);
    await send('msg-3');
    await waitForTexts(receiver, ['msg-2', 'msg-3']);

    await restart();
    await send('msg-4');
    await waitForTexts(receiver, ['msg-4']);
    expectEachOnceUnderOneEventId(receiver, ['msg-1', 'msg-2', 'msg-3', 'msg-4']);
  });

  it('delivers a message received but not yet committed when the gateway was killed, once, after the restart', async () => {
    await send('before');
    await waitForTexts(receiver, ['before']);
    // The commit of the next message hangs on this lock: the gateway has it decrypted, the outbox does not.
    const locker = new Client({ connectionString: wago.database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE webhook_events IN ACCESS EXCLUSIVE MODE');
      await send('in flight');
      const observer = await wago.database.dataSource();
      await poll(
        async () => {
          // Asked outside the locking transaction, whose view of pg_stat_activity is a snapshot taken once.
          const rows: { count: number }[] = await observer.query(
            `SELECT count(*)::int AS count FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO webhook_events%'`,
          );
          return rows[0].count;
        },
        (count) => count > 0,
        'the commit of the message to wait for the lock',
      );
      await wago.server.kill();
      await locker.query('ROLLBACK');
    } finally {
      await locker.end();
    }
    restarted = await startServerProcess({ databaseUrl: wago.database.url, env: wago.env });
    await send('after');
    await waitForTexts(receiver, ['in flight', 'after']);
    expectEachOnceUnderOneEventId(receiver, ['before', 'in flight', 'after']);
  });
});

describe('incoming messages while Postgres is away', () => {
  it('answers 503 on /health, holds messages unacknowledged and delivers every one once Postgres is back', async () => {
    const postgres = await startPrivatePostgres();
    const sim = await startSim();
    const receiver = await startWebhookReceiver();
    let server: ServerProcess | undefined;
    try {
      server = await startServerProcess({
        databaseUrl: postgres.url,
        env: { ...FAST_WHATSAPP_ENV, WA_WS_URL: sim.wsUrl },
      });
      const api = new ApiClient(server.baseUrl);
      const admin = await api.setupAdmin();
      const bot = await pairSession(api, admin.accessToken, sim, {
        name: 'outage',
        phoneNumber: '15550702000',
        pushName: 'Bot',
      });
      sim.createAccount({ phoneNumber: '15550702001', pushName: 'Pia' });
      await subscribe(api, admin.accessToken, bot, receiver.url);
      const send = (text: string): Promise<{ id: string }> =>
        sim.sendMessage('15550702001', { to: bot.phoneNumber, text });
      await send('before the outage');
      await waitForTexts(receiver, ['before the outage']);

      // Postgres goes away in the middle of a burst: some messages are on their way through the gateway then.
      const burst = Array.from({ length: 10 }, (_, index) => `burst ${index + 1}`);
      const sending = (async () => {
        for (const text of burst) {
          await send(text);
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
      })();
      await waitForTexts(receiver, ['burst 1']);
      postgres.stop();
      await sending;
      const health = await poll(
        () => fetch(`${server?.baseUrl}/health`).then((response) => response.status),
        (status) => status === 503,
        '/health to answer 503',
      );
      expect(health).toBe(503);
      const during = Array.from({ length: 5 }, (_, index) => `during the outage ${index + 1}`);
      for (const text of during) await send(text);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      postgres.start();

      await waitForTexts(receiver, [...burst, ...during], 90_000);
      expectEachOnceUnderOneEventId(receiver, ['before the outage', ...burst, ...during]);
      expect(await fetch(`${server.baseUrl}/health`).then((response) => response.status)).toBe(200);
    } finally {
      await server?.stop();
      await receiver.close();
      await sim.stop();
      postgres.destroy();
    }
  });
});
