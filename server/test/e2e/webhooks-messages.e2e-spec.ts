import { Webhook } from 'standardwebhooks';
import { pairSession, PairedSession, poll, waitForStatus } from '../support/paired-session';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { ReceivedRequest, startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(90_000);

interface Envelope<T = Record<string, unknown>> {
  version: number;
  id: string;
  type: string;
  sessionId: string;
  timestamp: string;
  data: T;
}

interface Received {
  id: string;
  chat: { jid: string; type: string };
  sender: { pn: string | null; lid: string | null; pushName: string | null };
  text: string | null;
  mentions: string[];
  mentioned: boolean;
  mentionedBy: string | null;
  quoted: { id: string; sender: string | null } | null;
  fromMe: boolean;
  offline: boolean;
}

const ANA = { phoneNumber: '15550201001', pushName: 'Ana' };
const BEN = { phoneNumber: '15550201002', pushName: 'Ben' };

describe('webhooks for incoming messages, against the simulator', () => {
  let wago: WagoWithSim;
  let token: string;
  let bot: PairedSession;
  let receiver: WebhookReceiver;
  let secret: string;
  let webhookId: string;
  let group: string;
  let ana: { jid: string; lid: string };

  const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    wago.api.call<T>(method, path, { token, body });

  /** The message.received events for messages from other people, in arrival order. */
  function incoming(): Envelope<Received>[] {
    return receiver
      .events<Envelope<Received>>()
      .filter((event) => event.type === 'message.received' && !event.data.fromMe);
  }

  async function receivedText(text: string): Promise<Envelope<Received>> {
    await poll(
      async () => incoming().find((event) => event.data.text === text),
      Boolean,
      `a message.received "${text}"`,
    );
    return incoming().find((event) => event.data.text === text) as Envelope<Received>;
  }

  /** Sends a DM after `action` and waits for it: everything `action` caused has had its chance to arrive. */
  async function settle(): Promise<void> {
    const marker = `marker ${Date.now()} ${Math.random()}`;
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: marker });
    await receivedText(marker);
  }

  function requestFor(eventId: string): ReceivedRequest {
    return receiver.requests.find((request) => request.headers['webhook-id'] === eventId) as ReceivedRequest;
  }

  beforeAll(async () => {
    wago = await startWagoWithSim({
      env: { WEBHOOK_RETRY_SCHEDULE: '0.5,0.5,0.5', MESSAGE_MIN_INTERVAL_MS: '100', MESSAGE_JITTER_MS: '50' },
    });
    token = wago.admin.accessToken;
    receiver = await startWebhookReceiver();
    bot = await pairSession(wago.api, token, wago.sim, { name: 'bot', phoneNumber: '15550201000', pushName: 'Bot' });
    ana = wago.sim.createAccount(ANA);
    wago.sim.createAccount(BEN);
    group = (
      await wago.sim.createGroup({
        subject: 'Team',
        participants: [ANA.phoneNumber, bot.phoneNumber, BEN.phoneNumber],
        addressingMode: 'lid',
      })
    ).jid;
    const created = await call<{ id: string; secret: string; events: string[]; groupPolicy: string }>(
      'POST',
      `/sessions/${bot.id}/webhooks`,
      { url: receiver.url },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: receiver.url, events: ['*'], groupPolicy: 'mentions', enabled: true });
    ({ id: webhookId, secret } = created.body);
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
  });

  it('forwards a direct message with the sender’s PN, LID and push name, signed per Standard Webhooks', async () => {
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: 'hello bot' });
    const event = await receivedText('hello bot');
    expect(event).toMatchObject({ version: 1, type: 'message.received', sessionId: bot.id });
    expect(event.id).toMatch(/^evt_/);
    expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);
    expect(event.data).toMatchObject({
      chat: { jid: ana.jid, type: 'direct' },
      sender: { pn: ana.jid, lid: ana.lid, pushName: 'Ana' },
      mentions: [],
      mentioned: false,
      mentionedBy: null,
      quoted: null,
      offline: false,
    });
    const request = requestFor(event.id);
    expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toEqual(event);
  });

  it('resolves the PN of a sender who writes from its LID only', async () => {
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: 'from my lid', senderAddressing: 'lid' });
    const event = await receivedText('from my lid');
    expect(event.data.sender).toEqual({ pn: ana.jid, lid: ana.lid, pushName: 'Ana' });
  });

  it('does not forward a group message that does not address the account', async () => {
    await wago.sim.sendMessage(ANA.phoneNumber, { to: group, text: 'just chatting' });
    await settle();
    expect(incoming().some((event) => event.data.text === 'just chatting')).toBe(false);
  });

  it('forwards a group message that mentions the account by its phone-number JID', async () => {
    await wago.sim.sendMessage(ANA.phoneNumber, {
      to: group,
      text: `@${bot.phoneNumber} by number`,
      mentions: [bot.phoneNumber],
      mentionBy: 'pn',
    });
    const event = await receivedText(`@${bot.phoneNumber} by number`);
    expect(event.data).toMatchObject({
      chat: { jid: group, type: 'group' },
      mentions: [bot.jid],
      mentioned: true,
      mentionedBy: 'pn',
    });
  });

  it('forwards a group message that mentions the account by its LID only', async () => {
    const text = `@${bot.lid.split('@')[0]} by lid`;
    await wago.sim.sendMessage(BEN.phoneNumber, { to: group, text, mentions: [bot.phoneNumber], mentionBy: 'lid' });
    const event = await receivedText(text);
    expect(event.data).toMatchObject({ mentions: [bot.lid], mentioned: true, mentionedBy: 'lid' });
    expect(event.data.sender.pushName).toBe('Ben');
  });

  it('forwards a group message replying to one of the account’s own messages', async () => {
    const sent = await call<{ id: string; status: string }>('POST', `/sessions/${bot.id}/messages`, {
      to: group,
      text: 'Who wants coffee?',
    });
    expect(sent.status).toBe(201);
    await wago.sim.sendMessage(ANA.phoneNumber, { to: group, text: 'me please', quotedId: sent.body.id });
    const event = await receivedText('me please');
    expect(event.data).toMatchObject({ mentioned: true, mentionedBy: 'reply', quoted: { id: sent.body.id } });
  });

  it('answers a bot reply in the sender’s chat, quoting the message', async () => {
    receiver.answer((request) => {
      const event = JSON.parse(request.body) as Envelope<Received>;
      return event.type === 'message.received' && event.data.text === 'ping'
        ? { status: 200, body: JSON.stringify({ reply: { text: 'pong' } }) }
        : { status: 200 };
    });
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: 'ping' });
    const ping = await receivedText('ping');
    const reply = await poll(
      async () => wago.sim.inbox(ANA.phoneNumber).find((message) => message.text === 'pong'),
      Boolean,
      'the bot reply in the sender’s inbox',
    );
    expect(reply).toMatchObject({ chat: bot.jid, from: bot.jid, quotedId: ping.data.id });
    receiver.answer(() => ({ status: 200 }));
  });

  it('forwards messages that queued up while the session was stopped, marked offline', async () => {
    expect((await call('POST', `/sessions/${bot.id}/stop`)).status).toBeLessThan(300);
    await waitForStatus(wago.api, token, bot.id, 'stopped');
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: 'while you were away' });
    expect((await call('POST', `/sessions/${bot.id}/start`)).status).toBe(202);
    await waitForStatus(wago.api, token, bot.id, 'connected');
    const event = await receivedText('while you were away');
    expect(event.data.offline).toBe(true);
    const statuses = receiver
      .events<Envelope<{ status: string }>>()
      .filter((entry) => entry.type === 'session.status')
      .map((entry) => entry.data.status);
    expect(statuses).toEqual(expect.arrayContaining(['stopped', 'connected']));
  });

  it('delivers after 4 attempts to a receiver failing 3 times, logs each attempt, and redelivers with the same event id', async () => {
    let failures = 0;
    receiver.answer((request) => {
      if (!request.body.includes('"log me"') || failures === 3) return { status: 200, body: 'thanks' };
      failures += 1;
      return { status: 503, body: 'busy' };
    });
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: 'log me' });
    const event = await receivedText('log me');
    const list = await poll(
      () =>
        call<{ items: { id: string; eventId: string; status: string; attemptCount: number }[]; total: number }>(
          'GET',
          `/webhooks/${webhookId}/deliveries?status=delivered&limit=200`,
        ),
      (answer) => answer.body.items.some((item) => item.eventId === event.id),
      'the delivery in the log',
    );
    const item = list.body.items.find((entry) => entry.eventId === event.id) as { id: string };
    const detail = await call<{ eventType: string; attemptCount: number; attempts: Record<string, unknown>[] }>(
      'GET',
      `/deliveries/${item.id}`,
    );
    expect(detail.body).toMatchObject({ eventType: 'message.received', status: 'delivered', attemptCount: 4 });
    expect(detail.body.attempts).toMatchObject([
      { attempt: 1, statusCode: 503, error: 'HTTP 503', responseBody: 'busy' },
      { attempt: 2, statusCode: 503, error: 'HTTP 503', responseBody: 'busy' },
      { attempt: 3, statusCode: 503, error: 'HTTP 503', responseBody: 'busy' },
      { attempt: 4, statusCode: 200, error: null, responseBody: 'thanks' },
    ]);
    const attemptsOfEvent = receiver.requests.filter((request) => request.headers['webhook-id'] === event.id);
    expect(attemptsOfEvent).toHaveLength(4);
    const before = receiver.requests.length;
    const redelivered = await call('POST', `/deliveries/${item.id}/redeliver`);
    expect(redelivered.status).toBe(202);
    await receiver.waitForRequests(before + 1);
    expect(receiver.requests.slice(before).map((request) => request.headers['webhook-id'])).toContain(event.id);
  });

  it('publishes message.sent and the recipient’s delivery receipt as message.ack', async () => {
    const sent = await call<{ id: string; status: string; timestamp: string }>('POST', `/sessions/${bot.id}/messages`, {
      to: ANA.phoneNumber,
      text: 'receipt please',
    });
    expect(sent.status).toBe(201);
    expect(sent.body.id).toMatch(/^3EB0/);
    // The simulated phone acknowledges at once, so the receipt may already be in when the send is answered.
    expect(['sent', 'delivered']).toContain(sent.body.status);
    const sentEvent = await poll(
      async () =>
        receiver
          .events<Envelope<{ id: string }>>()
          .find((e) => e.type === 'message.sent' && e.data.id === sent.body.id),
      Boolean,
      'message.sent',
    );
    expect(sentEvent?.data).toMatchObject({
      chat: { jid: ana.jid, type: 'direct' },
      text: 'receipt please',
      replyTo: null,
    });
    const ack = await poll(
      async () =>
        receiver
          .events<Envelope<{ id: string; status: string }>>()
          .find((e) => e.type === 'message.ack' && e.data.id === sent.body.id && e.data.status === 'delivered'),
      Boolean,
      'message.ack delivered',
    );
    expect(ack?.data).toMatchObject({ chat: { jid: ana.jid } });
  });

  it('disables a subscription whose receiver answers 410 Gone', async () => {
    const gone = await startWebhookReceiver(() => ({ status: 410 }));
    try {
      const created = await call<{ id: string }>('POST', `/sessions/${bot.id}/webhooks`, {
        url: gone.url,
        events: ['message.received'],
      });
      await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: 'are you there?' });
      const disabled = await poll(
        () => call<{ enabled: boolean; disabledReason: string | null }>('GET', `/webhooks/${created.body.id}`),
        (answer) => answer.body.enabled === false,
        'the webhook to be disabled',
      );
      expect(disabled.body.disabledReason).toBe('The receiver answered 410 Gone');
      expect(gone.requests).toHaveLength(1);
    } finally {
      await gone.close();
    }
  });
});
