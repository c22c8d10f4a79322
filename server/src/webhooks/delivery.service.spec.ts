import { Webhook } from 'standardwebhooks';
import type { AppConfig } from '../core/config/app-config';
import { MetricsService } from '../health/metrics.service';
import type { BotReply, MessagesService } from '../messages/messages.service';
import type { BrokerOutcome, BrokerPublisher, SinkDestination } from '../sinks/broker-publisher';
import type {
  AfterFailure,
  AttemptContext,
  AttemptRecord,
  DeliveriesRepository,
  SinkAttemptContext,
  WebhookAttemptContext,
} from './deliveries.repository';
import { botReplyOf, DeliveryService } from './delivery.service';
import type { MessageReceivedData, WebhookEnvelope } from './envelope';
import { generateSecret } from './signature';
import type { WebhookHttpClient, WebhookRequest, WebhookResponse } from './webhook-http.client';
import { Clock } from '../core/runtime/clock';

const secret = generateSecret();

const message: MessageReceivedData = {
  id: 'MSG1',
  chat: { jid: '120363000000000001@g.us', type: 'group' },
  sender: { pn: '15550002222@s.whatsapp.net', lid: '800100200300@lid', pushName: 'Ana' },
  text: '@15550001111 hi',
  type: 'text',
  unsupported: null,
  media: null,
  location: null,
  contact: null,
  mentions: ['15550001111@s.whatsapp.net'],
  mentioned: true,
  mentionedBy: 'pn',
  quoted: null,
  fromMe: false,
  offline: false,
};

function context(overrides: Partial<WebhookAttemptContext> = {}): WebhookAttemptContext {
  const event: WebhookEnvelope = {
    version: 1,
    id: 'evt_1',
    type: 'message.received',
    sessionId: 'session-1',
    timestamp: '2025-01-01T00:00:00.000Z',
    data: message,
  };
  return {
    kind: 'webhook',
    deliveryId: 'delivery-1',
    attemptCount: 0,
    jobId: 'job-1',
    targetId: 'webhook-1',
    sessionId: 'session-1',
    url: 'http://127.0.0.1:9999/hook',
    enabled: true,
    secret,
    previousSecret: null,
    previousSecretExpiresAt: null,
    event,
    ...overrides,
  };
}

function answer(statusCode: number | null, extra: Partial<WebhookResponse> = {}): WebhookResponse {
  return { statusCode, durationMs: 3, error: null, body: '', retryAfter: undefined, ...extra };
}

const sinkDestination: SinkDestination = {
  id: 'sink-1',
  kind: 'rabbitmq',
  url: 'amqp://127.0.0.1:5672',
  credentials: null,
  exchange: 'wago.events',
  stream: null,
};

function sinkContext(overrides: Partial<SinkAttemptContext> = {}): SinkAttemptContext {
  const { url: _url, secret: _secret, previousSecret: _p, previousSecretExpiresAt: _e, ...base } = context();
  return { ...base, kind: 'sink', targetId: 'sink-1', sink: sinkDestination, ...overrides };
}

function harness(
  state: AttemptContext | null,
  response: WebhookResponse,
  options: { replyFails?: Error; broker?: BrokerOutcome } = {},
) {
  const calls: string[] = [];
  const delivered: AttemptRecord[] = [];
  const failed: { record: AttemptRecord; after: AfterFailure }[] = [];
  const requests: WebhookRequest[] = [];
  const published: { sink: SinkDestination; event: WebhookEnvelope }[] = [];
  const replies: BotReply[] = [];
  const deliveries = {
    loadAttempts: async () => new Map(state ? [[state.deliveryId, state]] : []),
    recordDelivered: async (entries: { attempt: AttemptRecord }[]) => {
      calls.push('delivered');
      delivered.push(...entries.map((entry) => entry.attempt));
    },
    recordFailed: async (_id: string, _job: string, record: AttemptRecord, after: AfterFailure) => {
      calls.push('failed');
      failed.push({ record, after });
    },
    failWithoutAttempt: async () => {
      calls.push('failWithoutAttempt');
    },
  } as unknown as DeliveriesRepository;
  const http = {
    post: async (request: WebhookRequest) => {
      requests.push(request);
      return response;
    },
  } as unknown as WebhookHttpClient;
  const brokers = {
    publish: async (sink: SinkDestination, event: WebhookEnvelope) => {
      published.push({ sink, event });
      return options.broker ?? { durationMs: 2, error: null };
    },
  } as unknown as BrokerPublisher;
  const messages = {
    queueReply: async (reply: BotReply) => {
      calls.push('reply');
      if (options.replyFails) throw options.replyFails;
      replies.push(reply);
    },
  } as unknown as MessagesService;
  const config = { webhooks: { retryScheduleSeconds: [5, 300] } } as AppConfig;
  const service = new DeliveryService(deliveries, http, brokers, messages, config, new MetricsService(), new Clock());
  return { service, calls, delivered, failed, requests, published, replies };
}

const job = { id: 'job-1', deliveryId: 'delivery-1', targetId: 'webhook-1' };

/** The worker's sequence for one job: prepare, send, finish. */
async function attempt(service: DeliveryService): Promise<void> {
  const { ready } = await service.prepare([job]);
  for (const prepared of ready) await service.finish(await service.send(prepared));
}

describe('DeliveryService', () => {
  it('marks a delivery delivered on a 2xx and logs the first 1 KB of the answer', async () => {
    const { service, delivered, failed } = harness(context(), answer(204, { body: 'x'.repeat(5000) }));
    await attempt(service);
    expect(failed).toEqual([]);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ statusCode: 204, error: null, durationMs: 3 });
    expect(delivered[0].responseBody).toHaveLength(1024);
  });

  it('signs the exact body so the standardwebhooks library verifies it, with the event id as webhook-id', async () => {
    const { service, requests } = harness(context(), answer(200));
    await attempt(service);
    const [request] = requests;
    expect(request.headers['webhook-id']).toBe('evt_1');
    expect(new Webhook(secret).verify(request.body, request.headers)).toMatchObject({ id: 'evt_1', version: 1 });
  });

  it('signs with the previous secret too while the rotation grace period lasts', async () => {
    const previous = generateSecret();
    const inGrace = context({ previousSecret: previous, previousSecretExpiresAt: new Date(Date.now() + 60_000) });
    const { service, requests } = harness(inGrace, answer(200));
    await attempt(service);
    expect(() => new Webhook(previous).verify(requests[0].body, requests[0].headers)).not.toThrow();

    const expired = context({ previousSecret: previous, previousSecretExpiresAt: new Date(Date.now() - 1) });
    const late = harness(expired, answer(200));
    await attempt(late.service);
    expect(() => new Webhook(previous).verify(late.requests[0].body, late.requests[0].headers)).toThrow();
  });

  it('schedules a retry on a 5xx following the schedule', async () => {
    const { service, failed } = harness(context({ attemptCount: 1 }), answer(503));
    await attempt(service);
    expect(failed[0].record).toMatchObject({ statusCode: 503, error: 'HTTP 503' });
    const after = failed[0].after as { retryInMs: number };
    expect(after.retryInMs).toBeGreaterThanOrEqual(270_000);
    expect(after.retryInMs).toBeLessThanOrEqual(330_000);
  });

  it('honours Retry-After when it asks for more time than the schedule', async () => {
    const { service, failed } = harness(context(), answer(429, { retryAfter: '120' }));
    await attempt(service);
    expect(failed[0].after).toEqual({ retryInMs: 120_000 });
  });

  it('fails the delivery after the last scheduled attempt', async () => {
    const { service, failed } = harness(context({ attemptCount: 2 }), answer(500));
    await attempt(service);
    expect(failed[0].after).toEqual({ failed: true });
  });

  it('retries a connection error, recording it without a status code', async () => {
    const { service, failed } = harness(context(), answer(null, { error: 'connect ECONNREFUSED 127.0.0.1:9999' }));
    await attempt(service);
    expect(failed[0].record).toMatchObject({ statusCode: null, error: 'connect ECONNREFUSED 127.0.0.1:9999' });
    expect(failed[0].after).toHaveProperty('retryInMs');
  });

  it('does not follow a redirect and says so', async () => {
    const { service, failed } = harness(context(), answer(302));
    await attempt(service);
    expect(failed[0].record.error).toBe('HTTP 302: redirects are not followed');
  });

  it('disables the subscription when the receiver answers 410 Gone', async () => {
    const { service, failed } = harness(context(), answer(410));
    await attempt(service);
    expect(failed[0].after).toEqual({ failed: true, disable: 'The receiver answered 410 Gone' });
  });

  it('skips a job that no longer owns its delivery, and a delivery that is gone', async () => {
    const superseded = harness(context({ jobId: 'job-2' }), answer(200));
    await attempt(superseded.service);
    expect(superseded.requests).toEqual([]);
    expect(superseded.calls).toEqual([]);

    const gone = harness(null, answer(200));
    await attempt(gone.service);
    expect(gone.calls).toEqual([]);
  });

  it('ends the delivery without an attempt when its webhook was disabled meanwhile', async () => {
    const { service, calls, requests } = harness(context({ enabled: false }), answer(200));
    await attempt(service);
    expect(requests).toEqual([]);
    expect(calls).toEqual(['failWithoutAttempt']);
  });

  it('queues a bot reply quoting the message before marking the delivery delivered', async () => {
    const { service, calls, replies } = harness(context(), answer(200, { body: '{"reply":{"text":"pong"}}' }));
    await attempt(service);
    expect(calls).toEqual(['reply', 'delivered']);
    expect(replies[0]).toEqual({
      sessionId: 'session-1',
      chatJid: '120363000000000001@g.us',
      text: 'pong',
      quoted: { messageId: 'MSG1', sender: '15550002222@s.whatsapp.net' },
      idempotencyKey: 'webhook-reply:delivery-1',
    });
  });

  it('never replies to the account’s own messages', async () => {
    const own = context();
    own.event = { ...own.event, data: { ...message, fromMe: true } };
    const { service, replies } = harness(own, answer(200, { body: '{"reply":{"text":"pong"}}' }));
    await attempt(service);
    expect(replies).toEqual([]);
  });

  it('marks the delivery delivered, noting why, when the reply holds a NUL, without trying to queue it', async () => {
    const { service, calls, delivered } = harness(context(), answer(200, { body: '{"reply":{"text":"po\\u0000ng"}}' }));
    await attempt(service);
    expect(calls).toEqual(['delivered']);
    expect(delivered[0]).toMatchObject({ statusCode: 200, replyError: 'reply.text must not contain NUL characters' });
  });

  it('marks the delivery delivered, noting why, when the reply cannot be queued', async () => {
    const { service, calls, delivered, failed } = harness(
      context(),
      answer(200, { body: '{"reply":{"text":"pong"}}' }),
      { replyFails: new Error('connection terminated') },
    );
    await attempt(service);
    expect(calls).toEqual(['reply', 'delivered']);
    expect(failed).toEqual([]);
    expect(delivered[0].replyError).toBe('the reply could not be queued');
  });

  describe('to a sink', () => {
    it('publishes the event to the sink’s broker and marks it delivered once the broker took it', async () => {
      const { service, delivered, published, requests } = harness(sinkContext(), answer(200));
      await attempt(service);
      expect(published).toEqual([{ sink: sinkDestination, event: expect.objectContaining({ id: 'evt_1' }) }]);
      expect(requests).toEqual([]);
      expect(delivered).toEqual([expect.objectContaining({ statusCode: null, durationMs: 2, error: null })]);
    });

    it('never queues a bot reply for a sink', async () => {
      const { service, calls } = harness(sinkContext(), answer(200, { body: '{"reply":{"text":"pong"}}' }));
      await attempt(service);
      expect(calls).toEqual(['delivered']);
    });

    it('retries a broker failure on the webhook schedule, recording the broker’s error', async () => {
      const broker = { durationMs: 5, error: 'connect ECONNREFUSED 127.0.0.1:5672' };
      const { service, failed } = harness(sinkContext({ attemptCount: 1 }), answer(200), { broker });
      await attempt(service);
      expect(failed[0].record).toMatchObject({ statusCode: null, error: 'connect ECONNREFUSED 127.0.0.1:5672' });
      expect((failed[0].after as { retryInMs: number }).retryInMs).toBeGreaterThanOrEqual(270_000);
    });

    it('fails and disables a sink whose credentials cannot be read, without retrying', async () => {
      const reason = 'The stored secret cannot be decrypted (was SECRETS_KEY changed?)';
      const { service, failed } = harness(sinkContext(), answer(200), {
        broker: { durationMs: 0, error: reason, disable: reason },
      });
      await attempt(service);
      expect(failed[0].after).toEqual({ failed: true, disable: reason });
    });
  });

  it('notes no reply error when there is no reply or it was queued', async () => {
    const { service, delivered } = harness(context(), answer(200, { body: 'ok' }));
    await attempt(service);
    expect(delivered[0].replyError).toBeNull();
  });

  it('reads a bot reply only from {"reply": {"text": "..."}}', () => {
    expect(botReplyOf('{"reply":{"text":"hi"}}')).toEqual({ text: 'hi' });
    expect(botReplyOf('{"reply":{"text":"  "}}')).toBeNull();
    expect(botReplyOf('{"reply":null}')).toBeNull();
    expect(botReplyOf('{"ok":true}')).toBeNull();
    expect(botReplyOf('ok')).toBeNull();
    expect(botReplyOf(null)).toBeNull();
  });

  it('refuses a reply of another shape, with a NUL, or longer than 4096 characters', () => {
    const shape = { error: 'reply must be {"text": "..."} with a string text' };
    expect(botReplyOf('{"reply":"hi"}')).toEqual(shape);
    expect(botReplyOf('{"reply":{"text":42}}')).toEqual(shape);
    expect(botReplyOf('{"reply":{"message":"hi"}}')).toEqual(shape);
    expect(botReplyOf('{"reply":{"text":"a\\u0000b"}}')).toEqual({
      error: 'reply.text must not contain NUL characters',
    });
    expect(botReplyOf(JSON.stringify({ reply: { text: 'x'.repeat(4097) } }))).toEqual({
      error: 'reply.text is longer than 4096 characters',
    });
    // Characters, not UTF-16 units: 4096 emoji are a valid reply.
    expect(botReplyOf(JSON.stringify({ reply: { text: '👍'.repeat(4096) } }))).toEqual({ text: '👍'.repeat(4096) });
  });
});
