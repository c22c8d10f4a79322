import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { loadAppConfig } from '../../src/core/config/app-config';
import { MetricsService } from '../../src/health/metrics.service';
import type { BotReply, MessagesService } from '../../src/messages/messages.service';
import { DeliveriesRepository, DeliveryDetail } from '../../src/webhooks/deliveries.repository';
import type { DeliveryStatus } from '../../src/webhooks/webhook-delivery.entity';
import { DeliveryQueue } from '../../src/webhooks/delivery-queue';
import { DeliveryWorker } from '../../src/webhooks/delivery-worker';
import { DeliveryService } from '../../src/webhooks/delivery.service';
import { envelope, WebhookEnvelope } from '../../src/webhooks/envelope';
import { generateSecret } from '../../src/webhooks/signature';
import { WebhookHttpClient } from '../../src/webhooks/webhook-http.client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';
import { Clock } from '../../src/core/runtime/clock';
import { BrokerPublisher } from '../../src/sinks/broker-publisher';
import { NatsPublisher } from '../../src/sinks/nats.publisher';
import { RabbitMqPublisher } from '../../src/sinks/rabbitmq.publisher';

const RETRY_SCHEDULE = '0.2,0.2,0.2';

interface Outbox {
  deliveries: DeliveriesRepository;
  worker: DeliveryWorker;
  replies: BotReply[];
  stop(): Promise<void>;
}

/** The outbox as the server wires it, on the test database, with a short retry schedule and timeout. */
async function startOutbox(database: TestDatabase, dataSource: DataSource): Promise<Outbox> {
  const config = loadAppConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: 'integration-secret-that-is-long-enough-0123456789',
    WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE,
    WEBHOOK_TIMEOUT_SECONDS: '2',
    WEBHOOK_CONCURRENCY_PER_RECEIVER: '4',
  });
  const queue = new DeliveryQueue(config);
  await queue.onModuleInit();
  const deliveries = new DeliveriesRepository(dataSource, queue);
  const http = new WebhookHttpClient(config, new Clock());
  const replies: BotReply[] = [];
  const messages = {
    queueReply: async (reply: BotReply) => {
      replies.push(reply);
    },
  } as unknown as MessagesService;
  const brokers = new BrokerPublisher(new RabbitMqPublisher(), new NatsPublisher(), config, new Clock());
  const service = new DeliveryService(deliveries, http, brokers, messages, config, new MetricsService(), new Clock());
  const worker = new DeliveryWorker(queue, service, deliveries, config, new Clock());
  worker.onApplicationBootstrap();
  return {
    deliveries,
    worker,
    replies,
    async stop() {
      await worker.beforeApplicationShutdown();
      await queue.onApplicationShutdown();
      http.onModuleDestroy();
    },
  };
}

async function until<T, U extends T = T>(
  probe: () => Promise<T>,
  done: ((value: T) => value is U) | ((value: T) => boolean),
  timeoutMs = 15_000,
): Promise<U> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value as U;
    if (Date.now() > deadline) throw new Error(`Condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhook outbox (Postgres, pg-boss, real HTTP receivers)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let outbox: Outbox;
  let sessionId: string;
  const receivers: WebhookReceiver[] = [];

  async function receiver(...args: Parameters<typeof startWebhookReceiver>): Promise<WebhookReceiver> {
    const started = await startWebhookReceiver(...args);
    receivers.push(started);
    return started;
  }

  async function subscribe(url: string, secret = generateSecret()): Promise<{ id: string; secret: string }> {
    const [row]: { id: string }[] = await dataSource.query(
      `INSERT INTO webhooks (session_id, url, events, secret) VALUES ($1, $2, '{*}', $3) RETURNING id`,
      [sessionId, url, secret],
    );
    return { id: row.id, secret };
  }

  function messageEvent(text = 'hello'): WebhookEnvelope {
    return envelope('message.received', sessionId, new Date().toISOString(), {
      id: `M${randomUUID().slice(0, 8)}`,
      chat: { jid: '15550002222@s.whatsapp.net', type: 'direct' },
      sender: { pn: '15550002222@s.whatsapp.net', lid: '800100200300@lid', pushName: 'Ana' },
      text,
      type: 'text',
      unsupported: null,
      media: null,
      location: null,
      contact: null,
      mentions: [],
      mentioned: false,
      mentionedBy: null,
      quoted: null,
      fromMe: false,
      offline: false,
    });
  }

  async function publish(event: WebhookEnvelope, webhookIds: string[]): Promise<void> {
    await outbox.deliveries.enqueue(
      event,
      webhookIds.map((id) => ({ kind: 'webhook', id })),
    );
    outbox.worker.wake();
  }

  const inStatus =
    (status: DeliveryStatus) =>
    (found: DeliveryDetail | null): found is DeliveryDetail =>
      found?.status === status;

  async function deliveryOf(webhookId: string, eventId: string) {
    const { items } = await outbox.deliveries.list({
      target: { kind: 'webhook', id: webhookId },
      limit: 200,
      offset: 0,
    });
    const item = items.find((delivery) => delivery.eventId === eventId);
    return item ? outbox.deliveries.findById(item.id) : null;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.dataSource();
    const [user]: { id: string }[] = await dataSource.query(
      `INSERT INTO users (username, role, pin_hash) VALUES ('owner', 'admin', 'x') RETURNING id`,
    );
    const [session]: { id: string }[] = await dataSource.query(
      `INSERT INTO sessions (owner_id, name, jid, lid) VALUES ($1, 'bot', '15550001111@s.whatsapp.net', '900100200300@lid') RETURNING id`,
      [user.id],
    );
    sessionId = session.id;
    outbox = await startOutbox(database, dataSource);
  });

  afterAll(async () => {
    await outbox?.stop();
    await Promise.all(receivers.map((started) => started.close()));
    await database?.drop();
  });

  it('delivers a committed event once, signed so the standardwebhooks library verifies it', async () => {
    const target = await receiver();
    const webhook = await subscribe(target.url);
    const event = messageEvent();
    await publish(event, [webhook.id]);
    const [request] = await target.waitForRequests(1);
    expect(request.headers['webhook-id']).toBe(event.id);
    expect(new Webhook(webhook.secret).verify(request.body, request.headers as Record<string, string>)).toEqual(event);
    const delivery = await until(() => deliveryOf(webhook.id, event.id), inStatus('delivered'));
    expect(delivery?.attempts).toMatchObject([{ attempt: 1, statusCode: 200, error: null }]);
  });

  it('marks a delivery delivered after 4 attempts when the receiver fails three times then answers 200', async () => {
    const target = await receiver((_request, index) =>
      index < 3 ? { status: 500, body: 'boom' } : { status: 200, body: 'ok' },
    );
    const webhook = await subscribe(target.url);
    const event = messageEvent();
    await publish(event, [webhook.id]);
    const requests = await target.waitForRequests(4);
    expect(new Set(requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([event.id]));
    const delivery = await until(() => deliveryOf(webhook.id, event.id), inStatus('delivered'));
    expect(delivery?.attemptCount).toBe(4);
    expect(delivery?.attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.responseBody])).toEqual([
      [1, 500, 'boom'],
      [2, 500, 'boom'],
      [3, 500, 'boom'],
      [4, 200, 'ok'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.requests).toHaveLength(4);
  });

  it('keeps a delivery as failed after the last scheduled attempt', async () => {
    const target = await receiver(() => ({ status: 503 }));
    const webhook = await subscribe(target.url);
    const event = messageEvent();
    await publish(event, [webhook.id]);
    const delivery = await until(() => deliveryOf(webhook.id, event.id), inStatus('failed'));
    expect(delivery?.attemptCount).toBe(RETRY_SCHEDULE.split(',').length + 1);
    expect(delivery?.nextAttemptAt).toBeNull();
  });

  it('disables the subscription when the receiver answers 410 Gone, without retrying', async () => {
    const target = await receiver(() => ({ status: 410 }));
    const webhook = await subscribe(target.url);
    const event = messageEvent();
    await publish(event, [webhook.id]);
    await until(() => deliveryOf(webhook.id, event.id), inStatus('failed'));
    const [row]: { enabled: boolean; disabled_reason: string }[] = await dataSource.query(
      `SELECT enabled, disabled_reason FROM webhooks WHERE id = $1`,
      [webhook.id],
    );
    expect(row).toEqual({ enabled: false, disabled_reason: 'The receiver answered 410 Gone' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(target.requests).toHaveLength(1);
  });

  it('redelivers a failed delivery as a new attempt with the same event id', async () => {
    const target = await receiver(() => ({ status: 500 }));
    const webhook = await subscribe(target.url);
    const event = messageEvent();
    await publish(event, [webhook.id]);
    const failed = await until(() => deliveryOf(webhook.id, event.id), inStatus('failed'));
    target.answer(() => ({ status: 200 }));
    await outbox.deliveries.redeliver(failed.id, webhook.id);
    outbox.worker.wake();
    const delivered = await until(() => outbox.deliveries.findById(failed.id), inStatus('delivered'));
    expect(delivered?.attemptCount).toBe(failed.attemptCount + 1);
    expect(target.requests.at(-1)?.headers['webhook-id']).toBe(event.id);
  });

  it('redelivers every failed delivery since a time, and only those', async () => {
    const target = await receiver(() => ({ status: 500 }));
    const webhook = await subscribe(target.url);
    const events = [messageEvent('a'), messageEvent('b')];
    for (const event of events) await publish(event, [webhook.id]);
    await until(
      () =>
        outbox.deliveries.list({ target: { kind: 'webhook', id: webhook.id }, status: 'failed', limit: 10, offset: 0 }),
      (page) => page.total === 2,
    );
    target.answer(() => ({ status: 200 }));
    expect(
      await outbox.deliveries.redeliverFailedSince({ kind: 'webhook', id: webhook.id }, new Date(Date.now() + 60_000)),
    ).toBe(0);
    expect(
      await outbox.deliveries.redeliverFailedSince({ kind: 'webhook', id: webhook.id }, new Date(Date.now() - 60_000)),
    ).toBe(2);
    outbox.worker.wake();
    await until(
      () =>
        outbox.deliveries.list({
          target: { kind: 'webhook', id: webhook.id },
          status: 'delivered',
          limit: 10,
          offset: 0,
        }),
      (page) => page.total === 2,
    );
  });

  it('keeps a hung receiver from slowing another subscription', async () => {
    const hung = await receiver(() => ({ status: 200, delayMs: Infinity }));
    const fast = await receiver();
    const slowHook = await subscribe(hung.url);
    const fastHook = await subscribe(fast.url);
    const started = Date.now();
    for (let index = 0; index < 40; index++) await publish(messageEvent(`n${index}`), [slowHook.id, fastHook.id]);
    await fast.waitForRequests(40, 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    // The hung receiver holds at most its lane's concurrency of open requests.
    expect(hung.requests.length).toBeLessThanOrEqual(4);
  });

  it('queues the bot reply a receiver answers with, once per delivery', async () => {
    const target = await receiver(() => ({ status: 200, body: JSON.stringify({ reply: { text: 'pong' } }) }));
    const webhook = await subscribe(target.url);
    const event = messageEvent('ping');
    await publish(event, [webhook.id]);
    const delivery = await until(() => deliveryOf(webhook.id, event.id), inStatus('delivered'));
    expect(outbox.replies.filter((reply) => reply.idempotencyKey === `webhook-reply:${delivery.id}`)).toEqual([
      {
        sessionId,
        chatJid: '15550002222@s.whatsapp.net',
        text: 'pong',
        quoted: { messageId: (event.data as { id: string }).id, sender: '15550002222@s.whatsapp.net' },
        idempotencyKey: `webhook-reply:${delivery.id}`,
      },
    ]);
  });

  it('lists deliveries newest first with status and time filters', async () => {
    const target = await receiver();
    const webhook = await subscribe(target.url);
    const first = messageEvent('first');
    const second = messageEvent('second');
    await publish(first, [webhook.id]);
    await publish(second, [webhook.id]);
    await target.waitForRequests(2);
    const page = await until(
      () =>
        outbox.deliveries.list({
          target: { kind: 'webhook', id: webhook.id },
          status: 'delivered',
          limit: 1,
          offset: 0,
        }),
      (result) => result.total === 2,
    );
    expect(page.items.map((item) => [item.eventId, item.eventType])).toEqual([[second.id, 'message.received']]);
    const future = await outbox.deliveries.list({
      target: { kind: 'webhook', id: webhook.id },
      since: new Date(Date.now() + 60_000),
      limit: 10,
      offset: 0,
    });
    expect(future).toEqual({ items: [], total: 0 });
  });

  it('prunes delivered deliveries older than the retention and keeps failed ones', async () => {
    const target = await receiver((_request, index) => (index === 0 ? { status: 200 } : { status: 500 }));
    const webhook = await subscribe(target.url);
    const kept = messageEvent('kept');
    const pruned = messageEvent('pruned');
    await publish(pruned, [webhook.id]);
    await until(() => deliveryOf(webhook.id, pruned.id), inStatus('delivered'));
    await publish(kept, [webhook.id]);
    await until(() => deliveryOf(webhook.id, kept.id), inStatus('failed'));
    await dataSource.query(
      `UPDATE webhook_deliveries SET created_at = now() - interval '40 days' WHERE webhook_id = $1`,
      [webhook.id],
    );
    await dataSource.query(`UPDATE webhook_events SET created_at = now() - interval '40 days' WHERE id = ANY($1)`, [
      [kept.id, pruned.id],
    ]);
    expect(await outbox.deliveries.pruneDelivered(new Date(Date.now() - 30 * 86_400_000))).toBe(1);
    const remaining = await outbox.deliveries.list({
      target: { kind: 'webhook', id: webhook.id },
      limit: 10,
      offset: 0,
    });
    expect(remaining.items.map((item) => item.eventId)).toEqual([kept.id]);
    const events: { id: string }[] = await dataSource.query(`SELECT id FROM webhook_events WHERE id = ANY($1)`, [
      [kept.id, pruned.id],
    ]);
    expect(events).toEqual([{ id: kept.id }]);
  });
});
