// A bot reply that cannot be sent is logged on its delivery, never a reason to post the event again.
import { pairSession, PairedSession, poll } from '../support/paired-session';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { ReceivedRequest, startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(90_000);

interface Attempt {
  attempt: number;
  statusCode: number | null;
  error: string | null;
  replyError: string | null;
}

interface DeliveryDetail {
  status: string;
  attemptCount: number;
  attempts: Attempt[];
}

const FAY = { phoneNumber: '15550321001', pushName: 'Fay' };

describe('bot replies a receiver answers with, against the simulator', () => {
  let wago: WagoWithSim;
  let token: string;
  let bot: PairedSession;
  let receiver: WebhookReceiver;
  let webhookId: string;

  /** What the receiver answers to the message.received event of each text. */
  const replies = new Map<string, string>();

  const textOf = (request: ReceivedRequest): string | undefined =>
    (JSON.parse(request.body) as { data: { text?: string } }).data.text;

  const requestsFor = (text: string): ReceivedRequest[] =>
    receiver.requests.filter((request) => textOf(request) === text);

  async function deliveryOf(text: string): Promise<DeliveryDetail> {
    const [request] = await poll(
      async () => requestsFor(text),
      (found) => found.length > 0,
      `the event of "${text}"`,
    );
    const eventId = request.headers['webhook-id'];
    const list = await poll(
      () =>
        wago.api.call<{ items: { id: string; eventId: string; status: string }[] }>(
          'GET',
          `/webhooks/${webhookId}/deliveries?limit=200`,
          { token },
        ),
      (answer) => answer.body.items.some((item) => item.eventId === eventId && item.status !== 'pending'),
      `the delivery of "${text}" settled`,
    );
    const delivery = list.body.items.find((item) => item.eventId === eventId) as { id: string };
    return (await wago.api.call<DeliveryDetail>('GET', `/deliveries/${delivery.id}`, { token })).body;
  }

  /** A message after the given one, sent and forwarded: the worker has had its chance to post the first again. */
  async function settle(): Promise<void> {
    const marker = `marker ${Date.now()}`;
    await wago.sim.sendMessage(FAY.phoneNumber, { to: bot.phoneNumber, text: marker });
    await poll(
      async () => requestsFor(marker),
      (found) => found.length > 0,
      'the marker',
    );
    // pg-boss hands a released job back after about a second: wait out several such rounds.
    await new Promise((resolve) => setTimeout(resolve, 4000));
  }

  beforeAll(async () => {
    wago = await startWagoWithSim({ env: { MESSAGE_MIN_INTERVAL_MS: '100', MESSAGE_JITTER_MS: '0' } });
    token = wago.admin.accessToken;
    bot = await pairSession(wago.api, token, wago.sim, { name: 'bot', phoneNumber: '15550321000', pushName: 'Bot' });
    wago.sim.createAccount(FAY);
    receiver = await startWebhookReceiver((request) => {
      const reply = replies.get(textOf(request) ?? '');
      return { status: 200, body: reply };
    });
    const created = await wago.api.call<{ id: string }>('POST', `/sessions/${bot.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['message.received'] },
    });
    expect(created.status).toBe(201);
    webhookId = created.body.id;
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
  });

  it('posts an event answered with a reply holding a NUL once, and logs why the reply was not sent', async () => {
    replies.set('ping with nul', JSON.stringify({ reply: { text: 'pong\u0000' } }));
    await wago.sim.sendMessage(FAY.phoneNumber, { to: bot.phoneNumber, text: 'ping with nul' });
    const delivery = await deliveryOf('ping with nul');
    await settle();
    expect(requestsFor('ping with nul')).toHaveLength(1);
    expect(delivery).toMatchObject({ status: 'delivered', attemptCount: 1 });
    expect(delivery.attempts).toEqual([
      expect.objectContaining({ statusCode: 200, error: null, replyError: expect.stringContaining('NUL') }),
    ]);
  });

  it('refuses a reply longer than 4,096 characters and sends nothing to the chat', async () => {
    const long = 'x'.repeat(4097);
    replies.set('ping with a long answer', JSON.stringify({ reply: { text: long } }));
    await wago.sim.sendMessage(FAY.phoneNumber, { to: bot.phoneNumber, text: 'ping with a long answer' });
    const delivery = await deliveryOf('ping with a long answer');
    await settle();
    expect(requestsFor('ping with a long answer')).toHaveLength(1);
    expect(delivery.attempts).toEqual([expect.objectContaining({ replyError: expect.stringContaining('4096') })]);
    expect(wago.sim.inbox(FAY.phoneNumber).some((message) => message.text === long)).toBe(false);
  });

  it('sends a valid reply to the chat and logs no reply error', async () => {
    replies.set('ping', JSON.stringify({ reply: { text: 'pong' } }));
    await wago.sim.sendMessage(FAY.phoneNumber, { to: bot.phoneNumber, text: 'ping' });
    const delivery = await deliveryOf('ping');
    expect(delivery.attempts).toEqual([expect.objectContaining({ statusCode: 200, replyError: null })]);
    await poll(
      async () => wago.sim.inbox(FAY.phoneNumber).filter((message) => message.text === 'pong'),
      (found) => found.length > 0,
      'the reply in the chat',
    );
  });
});
