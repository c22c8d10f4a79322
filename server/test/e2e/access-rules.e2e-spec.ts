import { ApiClient, SignedIn } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServerProcess, startServerProcess } from '../support/server-process';

/** Where an attacker's attempts come from, as the trusted proxy in front of WAGO reports it. */
const ATTACKER = { 'x-forwarded-for': '203.0.113.66' };
const ELSEWHERE = { 'x-forwarded-for': '198.51.100.20' };

describe('who may manage access, and the login lockout', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let api: ApiClient;
  let admin: SignedIn;
  let adminKey: string;

  const login = (username: string, pin: string, headers: Record<string, string> = {}) =>
    api.call('POST', '/auth/login', { body: { username, pin }, headers });

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    // Behind a proxy on loopback, the client address is the one X-Forwarded-For names.
    server = await startServerProcess({
      databaseUrl: database.url,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000', TRUST_PROXY: 'loopback' },
    });
    api = new ApiClient(server.baseUrl);
    admin = await api.setupAdmin();
    const key = await api.call<{ key: string }>('POST', '/auth/api-keys', {
      token: admin.accessToken,
      body: { name: 'admin-service' },
    });
    adminKey = key.body.key;
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  describe('an API key', () => {
    it.each([
      ['POST', '/auth/api-keys', { name: 'minted' }],
      ['GET', '/auth/api-keys', undefined],
      ['DELETE', '/auth/api-keys/00000000-0000-4000-8000-000000000000', undefined],
      ['GET', '/users', undefined],
      ['DELETE', '/users/00000000-0000-4000-8000-000000000000', undefined],
      ['POST', '/users/00000000-0000-4000-8000-000000000000/unlock', undefined],
      ['POST', '/auth/register', { username: 'minted', pin: '123456' }],
    ])('may not %s %s, even an admin’s: 403', async (method, path, body) => {
      const answer = await api.call(method, path, { apiKey: adminKey, body });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({
        statusCode: 403,
        error: 'Forbidden',
        message: 'Managing API keys and users needs a person signed in with their PIN, not an API key',
      });
    });

    it('minted no key and no user while refused', async () => {
      const keys = await api.call<{ total: number }>('GET', '/auth/api-keys', { token: admin.accessToken });
      expect(keys.body.total).toBe(1);
      const users = await api.call<{ total: number }>('GET', '/users', { token: admin.accessToken });
      expect(users.body.total).toBe(1);
    });

    it('still does the work it is for', async () => {
      expect((await api.call('GET', '/sessions', { apiKey: adminKey })).status).toBe(200);
      expect((await api.call('GET', '/auth/me', { apiKey: adminKey })).status).toBe(200);
    });
  });

  describe('the lockout', () => {
    let owner: SignedIn;

    beforeAll(async () => {
      owner = await api.createUser(admin, 'owner', '246813579');
    });

    it('locks out the address the wrong PINs come from, and not the owner elsewhere', async () => {
      const statuses: number[] = [];
      for (let attempt = 1; attempt <= 6; attempt++) statuses.push((await login('owner', '000000', ATTACKER)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
      expect((await login('owner', '246813579', ATTACKER)).status).toBe(429);
      expect((await login('owner', '246813579', ELSEWHERE)).status).toBe(200);
      expect((await login('owner', '246813579')).status).toBe(200);
    });

    it('keeps the stranger locked out after the owner signs in', async () => {
      expect((await login('owner', '246813579', ATTACKER)).status).toBe(429);
    });

    it('lets an admin lift the locks of a user', async () => {
      const unlocked = await api.call('POST', `/users/${owner.user.id}/unlock`, { token: admin.accessToken });
      expect(unlocked.status).toBe(204);
      expect((await login('owner', '246813579', ATTACKER)).status).toBe(200);
    });

    it('answers 404 to unlocking an unknown user and 400 to an id that is not a UUID', async () => {
      const unknown = await api.call('POST', '/users/00000000-0000-4000-8000-000000000000/unlock', {
        token: admin.accessToken,
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      const malformed = await api.call('POST', '/users/not-a-uuid/unlock', { token: admin.accessToken });
      expect(malformed.status).toBe(400);
    });

    it('lets only an admin unlock', async () => {
      const answer = await api.call('POST', `/users/${admin.user.id}/unlock`, { token: owner.accessToken });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    });
  });

  it('documents the unlock route, the PIN change’s revokeApiKeys, and that key and user management take no key', async () => {
    const document = (await (await fetch(`${server.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(Object.keys(document.paths['/api/v1/users/{id}/unlock'].post.responses)).toEqual(
      expect.arrayContaining(['204', '403', '404']),
    );
    for (const [path, method] of [
      ['/api/v1/auth/api-keys', 'post'],
      ['/api/v1/users', 'get'],
      ['/api/v1/users/{id}/unlock', 'post'],
    ]) {
      expect(document.paths[path][method].security).toEqual([{ bearer: [] }]);
    }
    expect(document.components.schemas.ChangePinDto.properties.revokeApiKeys).toMatchObject({ type: 'boolean' });
  });
});
