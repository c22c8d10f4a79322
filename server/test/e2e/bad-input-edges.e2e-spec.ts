// Inputs that pass a naive type check but that Postgres cannot take: each must be a 4xx, never a 500.
import { ApiClient, SignedIn } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServerProcess, startServerProcess } from '../support/server-process';

describe('bad input that Postgres would refuse', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let api: ApiClient;
  let admin: SignedIn;
  let sessionId: string;
  let webhookId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({ databaseUrl: database.url });
    api = new ApiClient(server.baseUrl);
    admin = await api.setupAdmin();
    const session = await api.call<{ id: string }>('POST', '/sessions', {
      token: admin.accessToken,
      body: { name: 'edges' },
    });
    sessionId = session.body.id;
    const webhook = await api.call<{ id: string }>('POST', `/sessions/${sessionId}/webhooks`, {
      token: admin.accessToken,
      body: { url: 'http://127.0.0.1:9/hook' },
    });
    webhookId = webhook.body.id;
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it.each(['/sessions', '/users', '/auth/api-keys'])(
    'answers 400 to an offset beyond any bigint on %s',
    async (path) => {
      const answer = await api.call('GET', `${path}?offset=100000000000000000000`, { token: admin.accessToken });
      expect(answer.status).toBe(400);
    },
  );

  it.each(['since', 'until'])(
    'answers 400 to a delivery-log %s before the earliest time Postgres stores',
    async (name) => {
      const answer = await api.call('GET', `/webhooks/${webhookId}/deliveries?${name}=-100000-01-01T00:00:00Z`, {
        token: admin.accessToken,
      });
      expect(answer.status).toBe(400);
    },
  );

  it('answers 400 to redelivering failed deliveries since a time Postgres cannot store', async () => {
    const answer = await api.call('POST', `/webhooks/${webhookId}/deliveries/redeliver`, {
      token: admin.accessToken,
      body: { since: '-100000-01-01T00:00:00Z' },
    });
    expect(answer.status).toBe(400);
  });

  it('answers 400 to an API key name with a NUL character', async () => {
    const answer = await api.call('POST', '/auth/api-keys', { token: admin.accessToken, body: { name: 'a\u0000b' } });
    expect(answer.status).toBe(400);
  });

  it('answers 400 to a webhook URL with a NUL character', async () => {
    const answer = await api.call('POST', `/sessions/${sessionId}/webhooks`, {
      token: admin.accessToken,
      body: { url: 'http://127.0.0.1:9/a\u0000b' },
    });
    expect(answer.status).toBe(400);
  });

  it('answers 400 to a message text with a NUL character, before anything else is checked', async () => {
    const answer = await api.call('POST', `/sessions/${sessionId}/messages`, {
      token: admin.accessToken,
      body: { to: '15551234567', text: 'a\u0000b' },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ message: ['text must not contain NUL characters'] });
  });

  it('answers 404 to a message id with a NUL character', async () => {
    const answer = await api.call('GET', `/sessions/${sessionId}/messages/%00`, { token: admin.accessToken });
    expect(answer.status).toBe(404);
  });
});
