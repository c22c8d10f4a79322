import { ApiClient, SignedIn } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServerProcess, startServerProcess } from '../support/server-process';

interface Session {
  id: string;
  name: string;
  status: string;
}

describe('sessions API over HTTP', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let api: ApiClient;
  let admin: SignedIn;
  let alice: SignedIn;
  let bob: SignedIn;

  const sessionCount = async (): Promise<number> => {
    const rows = await (await database.dataSource()).query<{ count: string }[]>('SELECT count(*) FROM sessions');
    return Number(rows[0].count);
  };

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({ databaseUrl: database.url });
    api = new ApiClient(server.baseUrl);
    admin = await api.setupAdmin();
    alice = await api.createUser(admin, 'alice');
    bob = await api.createUser(admin, 'bob');
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('creates a session in status created with every WhatsApp field still null', async () => {
    const answer = await api.call('POST', '/sessions', { token: alice.accessToken, body: { name: 'sales' } });
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'sales',
      status: 'created',
      settings: { rejectCalls: false, rejectCallsMessage: null },
      jid: null,
      lid: null,
      phoneNumber: null,
      pushName: null,
      device: null,
      lastConnectedAt: null,
      lastDisconnect: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('refuses a second session with the same name for the same owner, but not for another owner', async () => {
    const again = await api.call('POST', '/sessions', { token: alice.accessToken, body: { name: 'sales' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    const other = await api.call('POST', '/sessions', { token: bob.accessToken, body: { name: 'sales' } });
    expect(other.status).toBe(201);
  });

  it('lists the owner’s sessions as {items, total}, and everyone’s for an admin', async () => {
    const own = await api.call<{ items: Session[]; total: number }>('GET', '/sessions', { token: alice.accessToken });
    expect(own.body.total).toBe(1);
    expect(own.body.items.map((session) => session.name)).toEqual(['sales']);
    const all = await api.call<{ items: Session[]; total: number }>('GET', '/sessions?limit=1', {
      token: admin.accessToken,
    });
    expect(all.body.total).toBe(2);
    expect(all.body.items).toHaveLength(1);
  });

  it('filters by status and refuses an unknown status or a limit above 200', async () => {
    const created = await api.call<{ total: number }>('GET', '/sessions?status=created', { token: alice.accessToken });
    expect(created.body.total).toBe(1);
    const connected = await api.call<{ total: number }>('GET', '/sessions?status=connected', {
      token: alice.accessToken,
    });
    expect(connected.body.total).toBe(0);
    expect((await api.call('GET', '/sessions?status=sleeping', { token: alice.accessToken })).status).toBe(400);
    expect((await api.call('GET', '/sessions?limit=201', { token: alice.accessToken })).status).toBe(400);
    expect((await api.call('GET', '/sessions?offset=-1', { token: alice.accessToken })).status).toBe(400);
  });

  it('renames and deletes a session', async () => {
    const created = await api.call<Session>('POST', '/sessions', { token: alice.accessToken, body: { name: 'temp' } });
    const renamed = await api.call<Session>('PATCH', `/sessions/${created.body.id}`, {
      token: alice.accessToken,
      body: { name: 'support' },
    });
    expect(renamed.body.name).toBe('support');
    expect((await api.call('DELETE', `/sessions/${created.body.id}`, { token: alice.accessToken })).status).toBe(204);
    expect((await api.call('GET', `/sessions/${created.body.id}`, { token: alice.accessToken })).status).toBe(404);
  });

  it('answers another user’s session with 404, exactly as a missing one', async () => {
    const list = await api.call<{ items: Session[] }>('GET', '/sessions', { token: alice.accessToken });
    const aliceSession = list.body.items[0];
    const foreign = await api.call('GET', `/sessions/${aliceSession.id}`, { token: bob.accessToken });
    const missing = await api.call('GET', '/sessions/00000000-0000-4000-8000-000000000000', { token: bob.accessToken });
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect((await api.call('DELETE', `/sessions/${aliceSession.id}`, { token: bob.accessToken })).status).toBe(404);
    const rename = await api.call('PATCH', `/sessions/${aliceSession.id}`, {
      token: bob.accessToken,
      body: { name: 'mine' },
    });
    expect(rename.status).toBe(404);
    expect((await api.call('GET', `/sessions/${aliceSession.id}`, { token: admin.accessToken })).status).toBe(200);
  });

  describe('bad input', () => {
    const badInputs: [string, () => Promise<{ status: number; body: unknown }>][] = [
      ['a missing name', () => api.call('POST', '/sessions', { token: alice.accessToken, body: {} })],
      ['an empty name', () => api.call('POST', '/sessions', { token: alice.accessToken, body: { name: '   ' } })],
      [
        'a name of the wrong type',
        () => api.call('POST', '/sessions', { token: alice.accessToken, body: { name: 7 } }),
      ],
      [
        'an extra field',
        () => api.call('POST', '/sessions', { token: alice.accessToken, body: { name: 'x', status: 'connected' } }),
      ],
      ['malformed JSON', () => api.call('POST', '/sessions', { token: alice.accessToken, raw: '{"name": ' })],
      ['a non-UUID id', () => api.call('GET', '/sessions/not-a-uuid', { token: alice.accessToken })],
    ];

    it.each(badInputs)('answers %s with a 400 JSON error and writes nothing', async (_label, request) => {
      const before = await sessionCount();
      const answer = await request();
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
      expect(await sessionCount()).toBe(before);
    });

    it('explains malformed JSON in words rather than a parser message', async () => {
      const answer = await api.call('POST', '/sessions', { token: alice.accessToken, raw: '{"name": ' });
      expect(answer.body).toMatchObject({ message: 'Malformed JSON body', correlationId: expect.any(String) });
      expect(answer.headers.get('x-request-id')).toBe((answer.body as { correlationId: string }).correlationId);
    });

    it('lists every invalid field at once', async () => {
      const answer = await api.call<{ message: string[] }>('POST', '/sessions', {
        token: alice.accessToken,
        body: { name: 7, extra: true },
      });
      expect(Array.isArray(answer.body.message)).toBe(true);
      expect(answer.body.message.length).toBeGreaterThanOrEqual(2);
    });

    it('answers a 2 MB body with 413 and writes nothing', async () => {
      const before = await sessionCount();
      const answer = await api.call('POST', '/sessions', {
        token: alice.accessToken,
        body: { name: 'x'.repeat(2 * 1024 * 1024) },
      });
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ statusCode: 413, message: 'Request body too large' });
      expect(await sessionCount()).toBe(before);
    });

    it('answers a missing or forged token with 401 and an unknown route with 404', async () => {
      expect((await api.call('GET', '/sessions')).status).toBe(401);
      expect((await api.call('GET', '/sessions', { token: 'forged.token.value' })).status).toBe(401);
      const unknown = await api.call('GET', '/no-such-route', { token: alice.accessToken });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  it('removes a user’s sessions together with the user', async () => {
    const carol = await api.createUser(admin, 'carol');
    await api.call('POST', '/sessions', { token: carol.accessToken, body: { name: 'gone-soon' } });
    const before = await sessionCount();
    expect((await api.call('DELETE', `/users/${carol.user.id}`, { token: admin.accessToken })).status).toBe(204);
    expect(await sessionCount()).toBe(before - 1);
  });
});
