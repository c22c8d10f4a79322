import { pairSession, PairedSession, poll } from '../support/paired-session';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(90_000);

interface Message {
  id: string;
  status: string;
  timestamp: string | null;
}

const CARLA = { phoneNumber: '15550301001', pushName: 'Carla' };
const DAN = { phoneNumber: '15550301002', pushName: 'Dan' };
/** Slow pacing, so a burst outlasts the send request's wait and is answered 202. */
const MIN_INTERVAL_MS = 1500;

describe('sending messages through the API, against the simulator', () => {
  let wago: WagoWithSim;
  let token: string;
  let bot: PairedSession;
  let receiver: WebhookReceiver;

  const send = (body: unknown, headers: Record<string, string> = {}, sessionId = bot.id) =>
    wago.api.call<Message>('POST', `/sessions/${sessionId}/messages`, { token, body, headers });

  const inboxTexts = (phoneNumber: string): string[] =>
    wago.sim.inbox(phoneNumber).map((message) => message.text ?? '');

  beforeAll(async () => {
    wago = await startWagoWithSim({
      env: {
        MESSAGE_MIN_INTERVAL_MS: String(MIN_INTERVAL_MS),
        MESSAGE_JITTER_MS: '0',
        MESSAGE_WAIT_FOR_SEND_MS: '1000',
      },
    });
    token = wago.admin.accessToken;
    bot = await pairSession(wago.api, token, wago.sim, { name: 'sender', phoneNumber: '15550301000', pushName: 'Bot' });
    wago.sim.createAccount(CARLA);
    wago.sim.createAccount(DAN);
    receiver = await startWebhookReceiver();
    const webhook = await wago.api.call('POST', `/sessions/${bot.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['message.sent'] },
    });
    expect(webhook.status).toBe(201);
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
  });

  it('answers 201 with the WhatsApp id once WhatsApp took the message, and it arrives', async () => {
    const answer = await send({ to: `+${CARLA.phoneNumber}`, text: 'first contact' });
    expect(answer.status).toBe(201);
    expect(answer.body.id).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(['sent', 'delivered']).toContain(answer.body.status);
    expect(new Date(answer.body.timestamp as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const arrived = await poll(
      async () => wago.sim.inbox(CARLA.phoneNumber).find((message) => message.text === 'first contact'),
      Boolean,
      'the message in the recipient’s inbox',
    );
    expect(arrived?.id).toBe(answer.body.id);
  });

  it('sends a request repeated 3 times with the same Idempotency-Key once', async () => {
    const headers = { 'Idempotency-Key': `order-${Date.now()}` };
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      answers.push(await send({ to: CARLA.phoneNumber, text: 'your order shipped' }, headers));
    }
    // Sent (201) or still held by pacing (202): either way the same message, never a second one.
    for (const answer of answers) expect([201, 202]).toContain(answer.status);
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    await poll(
      async () => inboxTexts(CARLA.phoneNumber).filter((text) => text === 'your order shipped'),
      (arrived) => arrived.length > 0,
      'the message in the inbox',
    );
    await new Promise((resolve) => setTimeout(resolve, MIN_INTERVAL_MS * 2));
    expect(inboxTexts(CARLA.phoneNumber).filter((text) => text === 'your order shipped')).toHaveLength(1);
  });

  it('refuses an Idempotency-Key reused for a different message', async () => {
    const headers = { 'Idempotency-Key': `reuse-${Date.now()}` };
    expect([201, 202]).toContain((await send({ to: CARLA.phoneNumber, text: 'one' }, headers)).status);
    const reused = await send({ to: CARLA.phoneNumber, text: 'two' }, headers);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ statusCode: 422, message: expect.stringContaining('Idempotency-Key') });
  });

  it('smooths a burst through the pacing queue: 202 queued, then every message arrives in order', async () => {
    const texts = ['burst 1', 'burst 2', 'burst 3'];
    const answers = await Promise.all(texts.map((text) => send({ to: DAN.phoneNumber, text })));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toContain(202);
    const queued = answers.find((answer) => answer.status === 202);
    expect(queued?.body).toEqual({
      id: expect.stringMatching(/^3EB0/),
      type: 'text',
      status: 'queued',
      timestamp: null,
      // Its LID too once the session learned it (a message, a number check); not yet here.
      to: { pn: `${DAN.phoneNumber}@s.whatsapp.net`, lid: null },
    });
    await poll(
      async () => inboxTexts(DAN.phoneNumber).filter((text) => text.startsWith('burst')),
      (arrived) => arrived.length === 3,
      'the whole burst in the inbox',
    );
    const arrivals = wago.sim.inbox(DAN.phoneNumber).filter((message) => message.text?.startsWith('burst'));
    for (let index = 1; index < arrivals.length; index++) {
      const gap = Date.parse(arrivals[index].at) - Date.parse(arrivals[index - 1].at);
      // Arrival times carry each send's own latency, which varies under load; unpaced, the gap would be milliseconds.
      expect(gap).toBeGreaterThanOrEqual(MIN_INTERVAL_MS - 300);
    }
    const sentEvent = await poll(
      async () =>
        receiver
          .events<{ type: string; data: { id: string } }>()
          .find((event) => event.type === 'message.sent' && event.data.id === queued?.body.id),
      Boolean,
      'message.sent for the queued message',
    );
    expect(sentEvent).toBeDefined();
    const followed = await wago.api.call<Message>('GET', `/sessions/${bot.id}/messages/${queued?.body.id}`, { token });
    expect(['sent', 'delivered']).toContain(followed.body.status);
  });

  it('answers 409 when the session is not connected', async () => {
    const idle = await wago.api.call<{ id: string }>('POST', '/sessions', { token, body: { name: 'idle' } });
    const answer = await send({ to: CARLA.phoneNumber, text: 'hello?' }, {}, idle.body.id);
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
  });

  it('refuses a recipient who is not on WhatsApp with a clear 422', async () => {
    const answer = await send({ to: '15559999999', text: 'anyone?' });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ message: expect.stringContaining('15559999999 is not on WhatsApp') });
  });

  it.each([
    [{ to: 'not-a-number', text: 'x' }, 'to must be'],
    [{ to: CARLA.phoneNumber, text: '' }, 'text'],
    [{ to: CARLA.phoneNumber, text: 'x', extra: true }, 'extra'],
    [{ to: CARLA.phoneNumber, text: 'x', mentions: ['120363000000000001@g.us'] }, 'mentions'],
  ])('answers %j with a 400 naming the problem', async (body, problem) => {
    const answer = await send(body);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain(problem);
  });

  it('answers another user’s session as not found', async () => {
    const other = await wago.api.createUser(wago.admin, 'other');
    const answer = await wago.api.call('POST', `/sessions/${bot.id}/messages`, {
      token: other.accessToken,
      body: { to: CARLA.phoneNumber, text: 'sneaky' },
    });
    expect(answer.status).toBe(404);
  });
});
