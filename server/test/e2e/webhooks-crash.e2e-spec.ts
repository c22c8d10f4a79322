import { ApiClient } from '../support/api-client';
import { pairSession, poll } from '../support/paired-session';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(120_000);

const EVENTS = 15;
const SENDER = { phoneNumber: '15550401001', pushName: 'Eve' };

describe('webhook deliveries across a crash', () => {
  let wago: WagoWithSim;
  let receiver: WebhookReceiver;
  let restarted: ServerProcess | undefined;

  beforeAll(async () => {
    wago = await startWagoWithSim({
      env: {
        WEBHOOK_RETRY_SCHEDULE: Array.from({ length: 20 }, () => '1').join(','),
        WEBHOOK_TIMEOUT_SECONDS: '2',
        WEBHOOK_CONCURRENCY_PER_RECEIVER: '5',
      },
    });
  });

  afterAll(async () => {
    await restarted?.stop();
    await receiver?.close();
    await wago?.stop();
  });

  it('delivers every pending delivery after the WAGO process is killed with SIGKILL and restarted, none lost', async () => {
    const token = wago.admin.accessToken;
    const bot = await pairSession(wago.api, token, wago.sim, {
      name: 'crash',
      phoneNumber: '15550401000',
      pushName: 'Bot',
    });
    wago.sim.createAccount(SENDER);
    // The receiver hangs: attempts are in flight or waiting in their lane when the process dies.
    receiver = await startWebhookReceiver(() => ({ status: 200, delayMs: Infinity }));
    const webhook = await wago.api.call<{ id: string }>('POST', `/sessions/${bot.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['message.received'] },
    });
    expect(webhook.status).toBe(201);

    const texts = Array.from({ length: EVENTS }, (_, index) => `order ${index + 1}`);
    for (const text of texts) await wago.sim.sendMessage(SENDER.phoneNumber, { to: bot.phoneNumber, text });
    const dataSource = await wago.database.dataSource();
    await poll(
      async () => {
        const [row]: { count: number }[] = await dataSource.query(
          `SELECT count(*)::int AS count FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'pending'`,
          [webhook.body.id],
        );
        return row.count;
      },
      (count) => count === EVENTS,
      'every event committed to the outbox',
    );
    await receiver.waitForRequests(1);

    await wago.server.kill();
    receiver.answer(() => ({ status: 200 }));
    restarted = await startServerProcess({ databaseUrl: wago.database.url, env: wago.env });

    const api = new ApiClient(restarted.baseUrl);
    const delivered = await poll(
      () =>
        api.call<{ items: { eventId: string }[]; total: number }>(
          'GET',
          `/webhooks/${webhook.body.id}/deliveries?status=delivered&limit=200`,
          { token },
        ),
      (answer) => answer.status === 200 && answer.body.total === EVENTS,
      'all deliveries delivered after the restart',
      90_000,
    );
    const eventIds = new Set(delivered.body.items.map((item) => item.eventId));
    expect(eventIds.size).toBe(EVENTS);
    const receivedTexts = new Set(
      receiver.events<{ id: string; data: { text: string } }>().map((event) => event.data.text),
    );
    expect([...receivedTexts].sort()).toEqual([...texts].sort());
    const receivedIds = new Set(receiver.requests.map((request) => request.headers['webhook-id']));
    expect(receivedIds).toEqual(eventIds);
  });
});
