import { randomUUID } from 'node:crypto';
import { connect as natsConnect, type NatsConnection } from 'nats';
import { ApiClient, SignedIn } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServerProcess, startServerProcess } from '../support/server-process';

/** The machine's NATS with JetStream (README: how to start one); each run uses a stream of its own. */
const NATS_URL = 'nats://127.0.0.1:4222';
const PASSWORD = 'broker-pass-9f3a';

interface SinkBody {
  id: string;
  sessionId: string;
  kind: string;
  url: string;
  hasCredentials: boolean;
  exchange: string | null;
  stream: string | null;
  events: string[];
  groupPolicy: string;
  enabled: boolean;
  disabledReason: string | null;
}

describe('message-broker sinks API', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let api: ApiClient;
  let admin: SignedIn;
  let other: SignedIn;
  let sessionId: string;
  let nats: NatsConnection;
  const stream = `WAGO_E2E_${randomUUID().slice(0, 8)}`;

  const call = <T = SinkBody>(method: string, path: string, body?: unknown, as: SignedIn = admin) =>
    api.call<T>(method, path, { token: as.accessToken, body });

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({
      databaseUrl: database.url,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000', WEBHOOK_RETRY_SCHEDULE: '1,1,1' },
    });
    api = new ApiClient(server.baseUrl);
    admin = await api.setupAdmin();
    other = await api.createUser(admin, 'someone');
    sessionId = (await call<{ id: string }>('POST', '/sessions', { name: 'brokers' })).body.id;
    nats = await natsConnect({ servers: NATS_URL });
  });

  afterAll(async () => {
    const manager = await nats?.jetstreamManager();
    await manager?.streams.delete(stream).catch(() => undefined);
    await nats?.close();
    await server?.stop();
    await database?.drop();
  });

  it('creates a RabbitMQ sink with defaults and never answers with its credentials', async () => {
    const created = await call('POST', `/sessions/${sessionId}/sinks`, {
      kind: 'rabbitmq',
      url: `amqp://wago:${PASSWORD}@127.0.0.1:5672/%2F`,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      sessionId,
      kind: 'rabbitmq',
      url: 'amqp://127.0.0.1:5672/%2F',
      hasCredentials: true,
      exchange: 'wago.events',
      stream: null,
      events: ['*'],
      groupPolicy: 'mentions',
      enabled: true,
      disabledReason: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const read = await call('GET', `/sinks/${created.body.id}`);
    const list = await call<{ items: SinkBody[]; total: number }>('GET', `/sessions/${sessionId}/sinks`);
    expect(read.body).toEqual(created.body);
    expect(list.body.items).toContainEqual(created.body);
    for (const text of [JSON.stringify(created.body), JSON.stringify(list.body), server.output()]) {
      expect(text).not.toContain(PASSWORD);
    }
  });

  it('updates a sink, keeping its credentials for the same broker and dropping them for another', async () => {
    const { body: sink } = await call('POST', `/sessions/${sessionId}/sinks`, {
      kind: 'rabbitmq',
      url: `amqp://wago:${PASSWORD}@127.0.0.1:5672`,
      exchange: 'orders.events',
    });
    const sameBroker = await call('PATCH', `/sinks/${sink.id}`, {
      url: 'amqp://127.0.0.1:5672/%2F',
      events: ['message.received', 'message.sent'],
      groupPolicy: 'all',
      enabled: false,
    });
    expect(sameBroker.status).toBe(200);
    expect(sameBroker.body).toMatchObject({
      url: 'amqp://127.0.0.1:5672/%2F',
      hasCredentials: true,
      exchange: 'orders.events',
      events: ['message.received', 'message.sent'],
      groupPolicy: 'all',
      enabled: false,
    });
    const otherBroker = await call('PATCH', `/sinks/${sink.id}`, { url: 'amqps://rabbit.example.com' });
    expect(otherBroker.body).toMatchObject({ url: 'amqps://rabbit.example.com', hasCredentials: false });
    expect((await call('DELETE', `/sinks/${sink.id}`)).status).toBe(204);
    expect((await call('GET', `/sinks/${sink.id}`)).status).toBe(404);
  });

  it('answers 404 for another user’s sink, whatever the route', async () => {
    const { body: sink } = await call('POST', `/sessions/${sessionId}/sinks`, { kind: 'nats', url: NATS_URL, stream });
    for (const [method, path, body] of [
      ['GET', `/sinks/${sink.id}`],
      ['PATCH', `/sinks/${sink.id}`, { enabled: false }],
      ['DELETE', `/sinks/${sink.id}`],
      ['POST', `/sinks/${sink.id}/test`],
      ['GET', `/sinks/${sink.id}/deliveries`],
      ['POST', `/sinks/${sink.id}/deliveries/redeliver`, { since: new Date().toISOString() }],
      ['GET', `/sessions/${sessionId}/sinks`],
      ['POST', `/sessions/${sessionId}/sinks`, { kind: 'nats', url: NATS_URL }],
    ] as const) {
      const answer = await call(method, path, body, other);
      expect([method, path, answer.status]).toEqual([method, path, 404]);
    }
    expect((await call('DELETE', `/sinks/${sink.id}`)).status).toBe(204);
  });

  it.each([
    [{ kind: 'kafka', url: 'kafka://127.0.0.1' }, 'kind must be one of: rabbitmq, nats'],
    [{ kind: 'rabbitmq', url: 'nats://127.0.0.1:4222' }, 'url must use amqp:// or amqps:// for a rabbitmq sink'],
    [{ kind: 'nats', url: 'http://127.0.0.1:4222' }, 'url must use nats:// or tls:// for a nats sink'],
    [{ kind: 'nats', url: NATS_URL, exchange: 'wago.events' }, 'exchange is only for rabbitmq sinks'],
    [{ kind: 'rabbitmq', url: 'amqp://127.0.0.1', stream: 'WAGO' }, 'stream is only for nats sinks'],
    [{ kind: 'rabbitmq', url: 'amqp://127.0.0.1', exchange: 'amq.topic' }, 'exchange must be'],
    [{ kind: 'nats', url: NATS_URL, stream: 'has.dots' }, 'stream must be'],
    [{ kind: 'nats', url: NATS_URL, events: ['nope'] }, 'each value in events must be one of'],
  ])('answers 400 to %j', async (body, message) => {
    const answer = await call<{ statusCode: number; error: string; message: string | string[] }>(
      'POST',
      `/sessions/${sessionId}/sinks`,
      body,
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(String(answer.body.message)).toContain(message);
  });

  it('answers 400 to a null field and to changing the kind', async () => {
    const { body: sink } = await call('POST', `/sessions/${sessionId}/sinks`, { kind: 'nats', url: NATS_URL, stream });
    expect((await call('PATCH', `/sinks/${sink.id}`, { url: null })).status).toBe(400);
    expect((await call('PATCH', `/sinks/${sink.id}`, { kind: 'rabbitmq' })).status).toBe(400);
    expect((await call('DELETE', `/sinks/${sink.id}`)).status).toBe(204);
  });

  it('delivers the session’s events to NATS JetStream and logs the delivery; the test route publishes too', async () => {
    const { body: sink } = await call('POST', `/sessions/${sessionId}/sinks`, {
      kind: 'nats',
      url: NATS_URL,
      stream,
      events: ['session.status'],
    });
    // Starting the (unpaired) session makes session.status events.
    expect((await call('POST', `/sessions/${sessionId}/start`)).status).toBeLessThan(300);
    const manager = await nats.jetstreamManager();
    const deadline = Date.now() + 20_000;
    let page = { items: [] as { id: string; status: string; eventType: string }[], total: 0 };
    while (Date.now() < deadline && !page.items.some((delivery) => delivery.status === 'delivered')) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      page = (await call<typeof page>('GET', `/sinks/${sink.id}/deliveries`)).body;
    }
    const delivered = page.items.find((delivery) => delivery.status === 'delivered');
    expect(delivered?.eventType).toBe('session.status');
    const detail = await call<{ sinkId: string; webhookId: null; event: { id: string } }>(
      'GET',
      `/deliveries/${delivered?.id}`,
    );
    expect(detail.body).toMatchObject({ sinkId: sink.id, webhookId: null });
    const first = await manager.streams.getMessage(stream, { seq: 1 });
    expect(first.subject).toBe(`wago.${sessionId}.session.status`);
    expect(first.header.get('Nats-Msg-Id')).toMatch(/^evt_/);

    const test = await call<{ ok: boolean; durationMs: number }>('POST', `/sinks/${sink.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ ok: true });
    const last = await manager.streams.getMessage(stream, { last_by_subj: `wago.${sessionId}.webhook.test` });
    expect(JSON.parse(new TextDecoder().decode(last.data))).toMatchObject({
      type: 'webhook.test',
      sessionId,
      data: { sinkId: sink.id },
    });
  });

  it('reports a broker it cannot reach without saying why', async () => {
    const { body: sink } = await call('POST', `/sessions/${sessionId}/sinks`, {
      kind: 'rabbitmq',
      url: 'amqp://127.0.0.1:9',
    });
    const test = await call<{ ok: boolean; error: string }>('POST', `/sinks/${sink.id}/test`);
    expect(test.body).toMatchObject({
      ok: false,
      error: 'The broker could not be reached or did not accept the event',
    });
  });
});
