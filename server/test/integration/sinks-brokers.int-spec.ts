import { randomUUID } from 'node:crypto';
import { connect as amqpConnect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { connect as natsConnect, type NatsConnection, type StoredMsg } from 'nats';
import type { DataSource } from 'typeorm';
import { AppConfig, loadAppConfig } from '../../src/core/config/app-config';
import { Clock } from '../../src/core/runtime/clock';
import { MetricsService } from '../../src/health/metrics.service';
import type { MessagesService } from '../../src/messages/messages.service';
import { BrokerPublisher } from '../../src/sinks/broker-publisher';
import { NatsPublisher } from '../../src/sinks/nats.publisher';
import { RabbitMqPublisher } from '../../src/sinks/rabbitmq.publisher';
import { seal } from '../../src/sinks/secret-box';
import { DeliveriesRepository, DeliveryDetail } from '../../src/webhooks/deliveries.repository';
import { DeliveryQueue } from '../../src/webhooks/delivery-queue';
import { DeliveryWorker } from '../../src/webhooks/delivery-worker';
import { DeliveryService } from '../../src/webhooks/delivery.service';
import { envelope, WebhookEnvelope } from '../../src/webhooks/envelope';
import { eventContract } from '../support/event-contract';
import { UNROUTABLE } from '../../src/sinks/rabbitmq.publisher';
import { WebhookHttpClient } from '../../src/webhooks/webhook-http.client';
import { PrivateBroker, startPrivateNats, startPrivateRabbitMq } from '../support/brokers';
import { createTestDatabase, TestDatabase } from '../support/database';

/** Short enough that an event committed while a broker is down arrives soon after it is back. */
const RETRY_SCHEDULE = Array.from({ length: 40 }, () => '1').join(',');

interface Outbox {
  config: AppConfig;
  deliveries: DeliveriesRepository;
  brokers: BrokerPublisher;
  worker: DeliveryWorker;
  stop(): Promise<void>;
}

/** The outbox as the server wires it, with the real broker publishers, a short retry schedule and timeout. */
async function startOutbox(database: TestDatabase, dataSource: DataSource): Promise<Outbox> {
  const config = loadAppConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    JWT_SECRET: 'integration-secret-that-is-long-enough-0123456789',
    SECRETS_KEY: 'integration-secrets-key-that-is-long-enough-0123456789',
    WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE,
    WEBHOOK_TIMEOUT_SECONDS: '2',
  });
  const clock = new Clock();
  const queue = new DeliveryQueue(config);
  await queue.onModuleInit();
  const deliveries = new DeliveriesRepository(dataSource, queue);
  const http = new WebhookHttpClient(config, clock);
  const rabbitmq = new RabbitMqPublisher();
  const nats = new NatsPublisher();
  const brokers = new BrokerPublisher(rabbitmq, nats, config, clock);
  // Sinks never ask for bot replies: nothing here may be called.
  const messages = {} as MessagesService;
  const service = new DeliveryService(deliveries, http, brokers, messages, config, new MetricsService(), clock);
  const worker = new DeliveryWorker(queue, service, deliveries, config, clock);
  worker.onApplicationBootstrap();
  return {
    config,
    deliveries,
    brokers,
    worker,
    async stop() {
      await worker.beforeApplicationShutdown();
      await queue.onApplicationShutdown();
      await Promise.all([rabbitmq.onApplicationShutdown(), nats.onApplicationShutdown()]);
      http.onModuleDestroy();
    },
  };
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('sinks: the outbox publishes to real RabbitMQ and NATS JetStream servers', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let outbox: Outbox;
  let sessionId: string;

  function messageEvent(text: string): WebhookEnvelope {
    return envelope('message.received', sessionId, new Date().toISOString(), {
      id: `M${randomUUID().slice(0, 8)}`,
      chat: { jid: '15550002222@s.whatsapp.net', type: 'direct' },
      sender: { pn: '15550002222@s.whatsapp.net', lid: null, pushName: 'Ana' },
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

  async function addSink(
    kind: 'rabbitmq' | 'nats',
    url: string,
    destination: string,
    credentials: { username: string; password: string | null } | null = null,
    forSession = sessionId,
  ): Promise<string> {
    const sealed = credentials && seal(JSON.stringify(credentials), outbox.config.secretsKey);
    const [row]: { id: string }[] = await dataSource.query(
      `INSERT INTO sinks (session_id, kind, url, credentials, exchange, stream, events)
       VALUES ($1, $2, $3, $4, $5, $6, '{*}') RETURNING id`,
      [forSession, kind, url, sealed, kind === 'rabbitmq' ? destination : null, kind === 'nats' ? destination : null],
    );
    return row.id;
  }

  async function publish(event: WebhookEnvelope, sinkId: string): Promise<void> {
    await outbox.deliveries.enqueue(event, [{ kind: 'sink', id: sinkId }]);
    outbox.worker.wake();
  }

  async function deliveriesOf(sinkId: string): Promise<DeliveryDetail[]> {
    const { items } = await outbox.deliveries.list({ target: { kind: 'sink', id: sinkId }, limit: 200, offset: 0 });
    const details = await Promise.all(items.map((item) => outbox.deliveries.findById(item.id)));
    return details.filter((detail): detail is DeliveryDetail => detail !== null);
  }

  const allDelivered =
    (count: number) =>
    (deliveries: DeliveryDetail[]): boolean =>
      deliveries.length === count && deliveries.every((delivery) => delivery.status === 'delivered');

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.dataSource();
    const [user]: { id: string }[] = await dataSource.query(
      `INSERT INTO users (username, role, pin_hash) VALUES ('owner', 'admin', 'x') RETURNING id`,
    );
    const [session]: { id: string }[] = await dataSource.query(
      `INSERT INTO sessions (owner_id, name) VALUES ($1, 'bot') RETURNING id`,
      [user.id],
    );
    sessionId = session.id;
    outbox = await startOutbox(database, dataSource);
  });

  afterAll(async () => {
    await outbox?.stop();
    await database?.drop();
  });

  describe('RabbitMQ', () => {
    let broker: PrivateBroker;
    let exchange: string;
    let queue: string;
    let consumer: ChannelModel | undefined;
    const received: ConsumeMessage[] = [];

    /** A private durable queue bound to the session's events, consumed into `received`. */
    async function consume(): Promise<void> {
      consumer = await amqpConnect(broker.url);
      consumer.on('error', () => undefined);
      const channel = await consumer.createChannel();
      channel.on('error', () => undefined);
      await channel.assertExchange(exchange, 'topic', { durable: true });
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, exchange, `${sessionId}.#`);
      await channel.consume(
        queue,
        (message) => {
          if (message) received.push(message);
        },
        { noAck: true },
      );
    }

    beforeAll(async () => {
      broker = await startPrivateRabbitMq();
      exchange = `wago.test.${randomUUID().slice(0, 8)}`;
      queue = `wago-test-${randomUUID().slice(0, 8)}`;
      await consume();
    }, 90_000);

    afterAll(async () => {
      await consumer?.close().catch(() => undefined);
      await broker?.destroy();
    });

    it('publishes an event to the durable topic exchange, routed by session and type, once the broker confirmed it', async () => {
      const sinkId = await addSink('rabbitmq', broker.url, exchange, { username: 'guest', password: 'guest' });
      const event = messageEvent('hello rabbit');
      await publish(event, sinkId);
      const [delivery] = await until(() => deliveriesOf(sinkId), allDelivered(1));
      const message = await until(
        async () => received.find((candidate) => candidate.properties.messageId === event.id),
        Boolean,
      );
      expect(message?.fields.routingKey).toBe(`${sessionId}.message.received`);
      expect(message?.properties).toMatchObject({
        messageId: event.id,
        type: 'message.received',
        contentType: 'application/json',
        deliveryMode: 2,
      });
      const published: unknown = JSON.parse(message?.content.toString() ?? '');
      expect(published).toEqual(event);
      expect(eventContract().problems('rabbitmq', 'message.received', published)).toEqual([]);
      expect(delivery.attempts).toEqual([
        expect.objectContaining({ attempt: 1, statusCode: null, error: null, responseBody: null }),
      ]);
    });

    it('loses no event committed while the broker is down: each is retried and arrives once it is back', async () => {
      const sinkId = await addSink('rabbitmq', broker.url, exchange, { username: 'guest', password: 'guest' });
      await consumer?.close().catch(() => undefined);
      await broker.stop();
      const events = [messageEvent('down 1'), messageEvent('down 2'), messageEvent('down 3')];
      for (const event of events) await publish(event, sinkId);
      // Every event was tried against the stopped broker and failed, and is still pending.
      await until(
        () => deliveriesOf(sinkId),
        (deliveries) =>
          deliveries.length === 3 &&
          deliveries.every((delivery) => delivery.status === 'pending' && delivery.attempts.length >= 1),
      );
      const failures = await deliveriesOf(sinkId);
      expect(failures[0].attempts[0].error).not.toContain('guest:guest');
      await broker.start();
      await until(() => deliveriesOf(sinkId), allDelivered(3), 60_000);
      await consume();
      const ids = await until(
        async () => new Set(received.map((message) => message.properties.messageId as string)),
        (seen) => events.every((event) => seen.has(event.id)),
      );
      expect(events.filter((event) => ids.has(event.id))).toHaveLength(3);
    }, 120_000);

    it('retries an event no queue is bound for (the broker returns it) until one is, instead of dropping it', async () => {
      const unbound = `wago.unbound.${randomUUID().slice(0, 8)}`;
      const sinkId = await addSink('rabbitmq', broker.url, unbound, { username: 'guest', password: 'guest' });
      const event = messageEvent('nobody listens yet');
      await publish(event, sinkId);
      const [returned] = await until(
        () => deliveriesOf(sinkId),
        (deliveries) => deliveries[0]?.attempts.length >= 1,
      );
      expect(returned.status).toBe('pending');
      expect(returned.attempts[0].error).toBe(UNROUTABLE);
      const late = await amqpConnect(broker.url);
      try {
        const channel = await late.createChannel();
        const lateQueue = `wago-late-${randomUUID().slice(0, 8)}`;
        await channel.assertQueue(lateQueue, { durable: false, autoDelete: false });
        await channel.bindQueue(lateQueue, unbound, '#');
        await until(() => deliveriesOf(sinkId), allDelivered(1));
        const message = await until(async () => (await channel.get(lateQueue, { noAck: true })) || undefined, Boolean);
        expect(message && message.properties.messageId).toBe(event.id);
      } finally {
        await late.close().catch(() => undefined);
      }
    });

    it('keeps a wrong password out of the delivery log', async () => {
      const sinkId = await addSink('rabbitmq', broker.url, exchange, { username: 'guest', password: 'not-the-pw-42' });
      await publish(messageEvent('refused'), sinkId);
      const [delivery] = await until(
        () => deliveriesOf(sinkId),
        (deliveries) => deliveries[0]?.attempts.length >= 1,
      );
      expect(delivery.attempts[0].error).toBeTruthy();
      expect(delivery.attempts[0].error).not.toContain('not-the-pw-42');
      await dataSource.query(`UPDATE sinks SET enabled = false WHERE id = $1`, [sinkId]);
    });
  });

  describe('NATS JetStream', () => {
    let broker: PrivateBroker;
    let reader: NatsConnection;
    let stream: string;

    async function stored(): Promise<StoredMsg[]> {
      const manager = await reader.jetstreamManager();
      const info = await manager.streams.info(stream);
      const messages: StoredMsg[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        messages.push(await manager.streams.getMessage(stream, { seq }));
      }
      return messages;
    }

    beforeAll(async () => {
      broker = await startPrivateNats();
      reader = await natsConnect({
        servers: broker.url,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 200,
      });
      stream = `WAGO_${randomUUID().slice(0, 8)}`;
    }, 30_000);

    afterAll(async () => {
      await reader?.close();
      await broker?.destroy();
    });

    it('creates the stream and publishes on wago.<sessionId>.<type> with the event id as Nats-Msg-Id', async () => {
      const sinkId = await addSink('nats', broker.url, stream);
      const event = messageEvent('hello nats');
      await publish(event, sinkId);
      await until(() => deliveriesOf(sinkId), allDelivered(1));
      const [message] = await stored();
      expect(message.subject).toBe(`wago.${sessionId}.message.received`);
      expect(message.header.get('Nats-Msg-Id')).toBe(event.id);
      expect(message.header.get('Content-Type')).toBe('application/json');
      const published: unknown = JSON.parse(new TextDecoder().decode(message.data));
      expect(published).toEqual(event);
      expect(eventContract().problems('nats', 'message.received', published)).toEqual([]);
    });

    it('stores an event published twice once: JetStream drops the duplicate by its id', async () => {
      const sinkId = await addSink('nats', broker.url, stream);
      const before = (await stored()).length;
      const event = messageEvent('twice');
      const [sink] = await dataSource.query(
        `SELECT id, kind, url, credentials, exchange, stream FROM sinks WHERE id = $1`,
        [sinkId],
      );
      expect(await outbox.brokers.publish(sink, event)).toMatchObject({ error: null });
      expect(await outbox.brokers.publish(sink, event)).toMatchObject({ error: null });
      const after = await stored();
      expect(after).toHaveLength(before + 1);
      expect(after.filter((message) => message.header.get('Nats-Msg-Id') === event.id)).toHaveLength(1);
    });

    it('extends the stream to cover a second session’s subjects', async () => {
      const [other]: { id: string }[] = await dataSource.query(
        `INSERT INTO sessions (owner_id, name) SELECT owner_id, 'other' FROM sessions WHERE id = $1 RETURNING id`,
        [sessionId],
      );
      const sinkId = await addSink('nats', broker.url, stream, null, other.id);
      const event = { ...messageEvent('other session'), sessionId: other.id };
      await publish(event, sinkId);
      await until(() => deliveriesOf(sinkId), allDelivered(1));
      const manager = await reader.jetstreamManager();
      expect((await manager.streams.info(stream)).config.subjects).toEqual([
        `wago.${sessionId}.>`,
        `wago.${other.id}.>`,
      ]);
    });

    it('covers every session when several extend one new stream at once', async () => {
      const shared = `WAGO_SHARED_${randomUUID().slice(0, 8)}`;
      const sessions: { id: string }[] = await dataSource.query(
        `INSERT INTO sessions (owner_id, name)
         SELECT owner_id, 'crowd-' || n FROM sessions, generate_series(1, 6) AS n WHERE id = $1 RETURNING id`,
        [sessionId],
      );
      const sinks = await Promise.all(sessions.map(({ id }) => addSink('nats', broker.url, shared, null, id)));
      await Promise.all(
        sessions.map(({ id }, index) => publish({ ...messageEvent(`crowd ${index}`), sessionId: id }, sinks[index])),
      );
      for (const sinkId of sinks) {
        const [delivery] = await until(() => deliveriesOf(sinkId), allDelivered(1));
        // At the first attempt: a lost race would have cost a failed attempt and a retry.
        expect(delivery.attempts).toHaveLength(1);
      }
      const manager = await reader.jetstreamManager();
      expect([...((await manager.streams.info(shared)).config.subjects ?? [])].sort()).toEqual(
        sessions.map(({ id }) => `wago.${id}.>`).sort(),
      );
    });

    it('loses no event committed while the server is down, and stores none twice after it is back', async () => {
      const sinkId = await addSink('nats', broker.url, stream);
      const before = (await stored()).length;
      await broker.stop();
      const events = [messageEvent('down 1'), messageEvent('down 2'), messageEvent('down 3')];
      for (const event of events) await publish(event, sinkId);
      await until(
        () => deliveriesOf(sinkId),
        (deliveries) =>
          deliveries.length === 3 &&
          deliveries.every((delivery) => delivery.status === 'pending' && delivery.attempts.length >= 1),
      );
      await broker.start();
      await until(() => deliveriesOf(sinkId), allDelivered(3), 60_000);
      const after = await until(stored, (messages) => messages.length >= before + 3);
      const ids = after.map((message) => message.header.get('Nats-Msg-Id'));
      for (const event of events) expect(ids.filter((id) => id === event.id)).toHaveLength(1);
    }, 120_000);
  });
});
