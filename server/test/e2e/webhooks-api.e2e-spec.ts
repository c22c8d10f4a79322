import net from 'node:net';
import { Webhook } from 'standardwebhooks';
import { ApiClient, SignedIn } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';
import { WEBHOOK_EVENT_TYPES } from '../../src/webhooks/envelope';

interface WebhookBody {
  id: string;
  sessionId: string;
  url: string;
  events: string[];
  groupPolicy: string;
  enabled: boolean;
  disabledReason: string | null;
  secret?: string;
}

describe('webhook subscriptions API', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let api: ApiClient;
  let admin: SignedIn;
  let other: SignedIn;
  let sessionId: string;
  let receiver: WebhookReceiver;

  const call = <T = WebhookBody>(method: string, path: string, body?: unknown, as: SignedIn = admin) =>
    api.call<T>(method, path, { token: as.accessToken, body });

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({
      databaseUrl: database.url,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000', WEBHOOK_SECRET_GRACE: '1h' },
    });
    api = new ApiClient(server.baseUrl);
    admin = await api.setupAdmin();
    other = await api.createUser(admin, 'someone');
    sessionId = (await call<{ id: string }>('POST', '/sessions', { name: 'hooks' })).body.id;
    receiver = await startWebhookReceiver(() => ({ status: 202, body: 'got it' }));
  });

  afterAll(async () => {
    await receiver?.close();
    await server?.stop();
    await database?.drop();
  });

  it('creates a webhook with defaults and shows its secret once', async () => {
    const created = await call('POST', `/sessions/${sessionId}/webhooks`, { url: receiver.url });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      sessionId,
      url: receiver.url,
      events: ['*'],
      groupPolicy: 'mentions',
      enabled: true,
      disabledReason: null,
      secret: expect.stringMatching(/^whsec_/),
    });
    const read = await call('GET', `/webhooks/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    const list = await call<{ items: WebhookBody[]; total: number }>('GET', `/sessions/${sessionId}/webhooks?limit=1`);
    expect(list.body.total).toBeGreaterThanOrEqual(1);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).not.toHaveProperty('secret');
  });

  it.each([
    [{ url: 'http://169.254.169.254/latest/meta-data' }, 'link-local'],
    [{ url: 'http://metadata.google.internal/' }, 'metadata'],
    [{ url: 'https://user:secret@example.com/hook' }, 'credentials'],
    [{ url: 'ftp://example.com/hook' }, 'http or https'],
    [{ url: 'http://127.0.0.1:9/hook', events: ['message.deleted'] }, 'events'],
    [{ url: 'http://127.0.0.1:9/hook', groupPolicy: 'some' }, 'groupPolicy'],
    [{ url: 'http://127.0.0.1:9/hook', secret: 'mine' }, 'secret'],
  ])('refuses %j with a 400 saying why', async (body, reason) => {
    const answer = await call<{ message: string | string[] }>('POST', `/sessions/${sessionId}/webhooks`, body);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.message)).toContain(reason);
  });

  it('changes and deletes a webhook', async () => {
    const { body: created } = await call('POST', `/sessions/${sessionId}/webhooks`, { url: receiver.url });
    const changed = await call('PATCH', `/webhooks/${created.id}`, {
      events: ['message.received', 'session.status'],
      groupPolicy: 'all',
      enabled: false,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      events: ['message.received', 'session.status'],
      groupPolicy: 'all',
      enabled: false,
    });
    expect((await call('PATCH', `/webhooks/${created.id}`, { url: 'http://169.254.169.254/' })).status).toBe(400);
    expect((await call('DELETE', `/webhooks/${created.id}`)).status).toBe(204);
    expect((await call('GET', `/webhooks/${created.id}`)).status).toBe(404);
  });

  it('answers another user’s webhooks and deliveries as missing', async () => {
    const { body: created } = await call('POST', `/sessions/${sessionId}/webhooks`, { url: receiver.url });
    expect((await call('GET', `/webhooks/${created.id}`, undefined, other)).status).toBe(404);
    expect((await call('PATCH', `/webhooks/${created.id}`, { enabled: false }, other)).status).toBe(404);
    expect((await call('POST', `/webhooks/${created.id}/rotate-secret`, undefined, other)).status).toBe(404);
    expect((await call('GET', `/webhooks/${created.id}/deliveries`, undefined, other)).status).toBe(404);
    expect((await call('GET', `/sessions/${sessionId}/webhooks`, undefined, other)).status).toBe(404);
    expect((await call('POST', `/sessions/${sessionId}/webhooks`, { url: receiver.url }, other)).status).toBe(404);
    expect((await call('GET', '/deliveries/6f1c0f0e-4a1b-4bd0-a9a8-f2f6c1e2d3b4')).status).toBe(404);
    expect((await call('GET', '/webhooks/not-a-uuid')).status).toBe(400);
  });

  it('sends a signed test ping and reports the receiver’s answer', async () => {
    const { body: created } = await call('POST', `/sessions/${sessionId}/webhooks`, { url: receiver.url });
    const before = receiver.requests.length;
    const answer = await call<{ ok: boolean; statusCode: number; durationMs: number }>(
      'POST',
      `/webhooks/${created.id}/test`,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ok: true, statusCode: 202, durationMs: expect.any(Number) });
    const request = receiver.requests[before];
    const ping = new Webhook(created.secret as string).verify(request.body, request.headers as Record<string, string>);
    expect(ping).toMatchObject({ version: 1, type: 'webhook.test', sessionId, data: { webhookId: created.id } });
  });

  it('reports a closed port and a port that hangs up alike, so the test ping cannot scan ports', async () => {
    const hangsUp = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => hangsUp.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hangsUp.address() as net.AddressInfo;
      const answers = [];
      for (const url of ['http://127.0.0.1:9/hook', `http://127.0.0.1:${port}/hook`]) {
        const { body: created } = await call('POST', `/sessions/${sessionId}/webhooks`, { url });
        answers.push((await call('POST', `/webhooks/${created.id}/test`)).body);
      }
      for (const answer of answers) {
        expect(answer).toEqual({
          ok: false,
          statusCode: null,
          durationMs: expect.any(Number),
          error: 'The receiver could not be reached',
        });
      }
    } finally {
      hangsUp.close();
    }
  });

  it('signs with both the new and the previous secret after a rotation', async () => {
    const { body: created } = await call('POST', `/sessions/${sessionId}/webhooks`, { url: receiver.url });
    const rotated = await call<{ secret: string }>('POST', `/webhooks/${created.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const before = receiver.requests.length;
    await call('POST', `/webhooks/${created.id}/test`);
    const request = receiver.requests[before];
    const headers = request.headers as Record<string, string>;
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(rotated.body.secret).verify(request.body, headers)).not.toThrow();
    expect(() => new Webhook(created.secret as string).verify(request.body, headers)).not.toThrow();
  });

  it('lists an empty delivery log and validates its filters', async () => {
    const { body: created } = await call('POST', `/sessions/${sessionId}/webhooks`, { url: receiver.url });
    expect((await call('GET', `/webhooks/${created.id}/deliveries`)).body).toEqual({ items: [], total: 0 });
    expect((await call('GET', `/webhooks/${created.id}/deliveries?status=lost`)).status).toBe(400);
    expect((await call('GET', `/webhooks/${created.id}/deliveries?since=yesterday`)).status).toBe(400);
    const redelivered = await call('POST', `/webhooks/${created.id}/deliveries/redeliver`, {
      since: new Date(0).toISOString(),
    });
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toEqual({ count: 0 });
  });

  it('documents the routes and the payloads in the OpenAPI document', async () => {
    const document = (await (await fetch(`${server.baseUrl}/api/docs-json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      webhooks: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/sessions/{id}/webhooks',
        '/api/v1/webhooks/{webhookId}',
        '/api/v1/webhooks/{webhookId}/rotate-secret',
        '/api/v1/webhooks/{webhookId}/test',
        '/api/v1/webhooks/{webhookId}/deliveries',
        '/api/v1/webhooks/{webhookId}/deliveries/redeliver',
        '/api/v1/deliveries/{deliveryId}',
        '/api/v1/deliveries/{deliveryId}/redeliver',
        '/api/v1/sessions/{id}/messages',
        '/api/v1/sessions/{id}/messages/{messageId}',
      ]),
    );
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['EventEnvelope', 'MessageReceivedEvent', 'MessageAckData', 'WebhookAnswer']),
    );
    expect(Object.keys(document.webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES, 'webhook.test'].sort());
  });
});
