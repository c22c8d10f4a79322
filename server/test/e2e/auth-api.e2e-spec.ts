import { JwtService } from '@nestjs/jwt';
import { createTestDatabase, TestDatabase } from '../support/database';
import { ServerProcess, startServerProcess, TEST_JWT_SECRET } from '../support/server-process';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { message?: unknown };
}

interface SignedIn {
  accessToken: string;
  expiresIn: number;
  user: { id: string; username: string; role: string; createdAt: string };
}

/** The published scope names, in the order the API lists them. */
const ALL_SCOPES = [
  'sessions:read',
  'sessions:write',
  'messages:send',
  'messages:read',
  'webhooks:read',
  'webhooks:write',
  'media:read',
  'media:write',
];

describe('auth over HTTP', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let admin: SignedIn;

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; token?: string; apiKey?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.apiKey) headers['x-api-key'] = options.apiKey;
    const response = await fetch(`${server.baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
  }

  const login = async (username: string, pin: string): Promise<SignedIn> => {
    const answer = await call('POST', '/auth/login', { body: { username, pin } });
    expect(answer.status).toBe(200);
    return answer.body as unknown as SignedIn;
  };

  const createUser = async (username: string, pin: string, role?: string): Promise<SignedIn['user']> => {
    const answer = await call('POST', '/auth/register', { token: admin.accessToken, body: { username, pin, role } });
    expect(answer.status).toBe(201);
    return (answer.body as { user: SignedIn['user'] }).user;
  };

  const withoutCorrelation = ({ status, body }: Answer) => ({ status, body: { ...body, correlationId: undefined } });

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    // The per-IP login limit is exercised in auth-limits.e2e-spec.ts; here every request comes from one address.
    server = await startServerProcess({ databaseUrl: database.url, env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000' } });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  describe('first run', () => {
    it('answers 401 with a JSON error to a protected route without credentials', async () => {
      const answer = await call('GET', '/auth/me');
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', correlationId: expect.any(String) });
    });

    it('says first-run setup is needed while no user exists', async () => {
      const answer = await call('GET', '/auth/setup');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ needsSetup: true });
    });

    it('registers the first user as admin and signs them in', async () => {
      const answer = await call('POST', '/auth/register', { body: { username: 'Root', pin: '246810135792' } });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        accessToken: expect.any(String),
        expiresIn: 43200,
        user: { id: expect.any(String), username: 'Root', role: 'admin', createdAt: expect.any(String) },
      });
      admin = answer.body as unknown as SignedIn;
    });

    it('says setup is done once the admin exists', async () => {
      expect((await call('GET', '/auth/setup')).body).toEqual({ needsSetup: false });
    });

    it('refuses an anonymous registration once a user exists', async () => {
      const answer = await call('POST', '/auth/register', { body: { username: 'eve', pin: '123456' } });
      expect(answer.status).toBe(401);
      expect(answer.body.message).toBe('Registration is closed: sign in as an admin to create users');
    });
  });

  describe('signing in', () => {
    it('signs in with username and PIN, whatever the case of the username', async () => {
      const signedIn = await login('root', '246810135792');
      expect(signedIn).toMatchObject({ expiresIn: 43200, user: { id: admin.user.id, role: 'admin' } });
    });

    it('tells who is signed in', async () => {
      const answer = await call('GET', '/auth/me', { token: admin.accessToken });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(admin.user);
    });

    it('rejects a forged token, a malformed one and a non-bearer scheme with 401', async () => {
      const [header, payload] = admin.accessToken.split('.');
      const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
      for (const token of [forged, 'not-a-jwt']) {
        expect((await call('GET', '/auth/me', { token })).status).toBe(401);
      }
      const basic = await fetch(`${server.baseUrl}/api/v1/auth/me`, { headers: { authorization: 'Basic cm9vdDox' } });
      expect(basic.status).toBe(401);
    });

    it('rejects an expired token signed with the server’s own secret', async () => {
      const expired = await new JwtService({ secret: TEST_JWT_SECRET }).signAsync(
        { sub: admin.user.id, ver: 0 },
        { expiresIn: -60 },
      );
      const answer = await call('GET', '/auth/me', { token: expired });
      expect(answer.status).toBe(401);
      expect(answer.body.message).toBe('Invalid or expired token');
    });

    it('answers an unknown username exactly as a wrong PIN', async () => {
      const wrongPin = await call('POST', '/auth/login', { body: { username: 'Root', pin: '999999' } });
      const unknownUser = await call('POST', '/auth/login', { body: { username: 'nobody', pin: '999999' } });
      expect(wrongPin.status).toBe(401);
      expect(withoutCorrelation(unknownUser)).toEqual(withoutCorrelation(wrongPin));
      await login('root', '246810135792');
    });
  });

  describe('validation', () => {
    it.each([
      ['a missing PIN', { username: 'root' }],
      ['a missing username', { pin: '123456' }],
      ['an extra field', { username: 'root', pin: '246810135792', admin: true }],
      ['a PIN with letters', { username: 'root', pin: '24681a' }],
      ['a PIN sent as a number', { username: 'root', pin: 246810 }],
      ['a five-digit PIN', { username: 'root', pin: '12345' }],
      ['a thirteen-digit PIN', { username: 'root', pin: '1234567890123' }],
      ['a username with spaces', { username: 'ro ot', pin: '246810135792' }],
    ])('answers 400 to a login with %s', async (_case, body) => {
      const answer = await call('POST', '/auth/login', { body });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('answers 400 to malformed JSON', async () => {
      const answer = await call('POST', '/auth/login', { raw: '{"username": "root", "pin": ' });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('answers 400 to a registration with an unknown role', async () => {
      const answer = await call('POST', '/auth/register', {
        token: admin.accessToken,
        body: { username: 'zed', pin: '123456', role: 'owner' },
      });
      expect(answer.status).toBe(400);
    });
  });

  describe('user administration', () => {
    let bob: SignedIn;

    beforeAll(async () => {
      await createUser('bob', '135790246813');
      bob = await login('bob', '135790246813');
    });

    it('lets an admin create a user, answering with the user only', async () => {
      const answer = await call('POST', '/auth/register', {
        token: admin.accessToken,
        body: { username: 'Carol', pin: '11223344', role: 'admin' },
      });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({
        user: { id: expect.any(String), username: 'Carol', role: 'admin', createdAt: expect.any(String) },
      });
    });

    it('answers 409 to a username taken in another case', async () => {
      const answer = await call('POST', '/auth/register', {
        token: admin.accessToken,
        body: { username: 'BOB', pin: '123456' },
      });
      expect(answer.status).toBe(409);
    });

    it('forbids a plain user to create users or list them', async () => {
      const register = await call('POST', '/auth/register', {
        token: bob.accessToken,
        body: { username: 'dave', pin: '123456' },
      });
      expect(register.status).toBe(403);
      expect((await call('GET', '/users', { token: bob.accessToken })).status).toBe(403);
      expect((await call('DELETE', `/users/${admin.user.id}`, { token: bob.accessToken })).status).toBe(403);
    });

    it('lists users a page at a time for an admin, never with a PIN hash', async () => {
      const all = await call('GET', '/users', { token: admin.accessToken });
      expect(all.status).toBe(200);
      expect(all.body.total).toBe(3);
      const page = await call('GET', '/users?limit=1&offset=1', { token: admin.accessToken });
      expect(page.body).toEqual({ items: [bob.user], total: 3 });
      expect(JSON.stringify(all.body)).not.toMatch(/scrypt|pinHash|pin_hash/);
    });

    it.each(['limit=201', 'limit=0', 'limit=ten', 'offset=-1', 'sort=name'])(
      'answers 400 to a user list with %s',
      async (query) => {
        expect((await call('GET', `/users?${query}`, { token: admin.accessToken })).status).toBe(400);
      },
    );

    it('refuses to let an admin delete themselves', async () => {
      expect((await call('DELETE', `/users/${admin.user.id}`, { token: admin.accessToken })).status).toBe(400);
    });

    it('answers 404 for an unknown user and 400 for an id that is not a UUID', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await call('DELETE', `/users/${unknown}`, { token: admin.accessToken })).status).toBe(404);
      expect((await call('DELETE', '/users/42', { token: admin.accessToken })).status).toBe(400);
    });

    it('deletes a user, whose tokens and API keys stop working at once', async () => {
      const key = await call('POST', '/auth/api-keys', { token: bob.accessToken, body: { name: 'bob-service' } });
      expect(key.status).toBe(201);
      const deleted = await call('DELETE', `/users/${bob.user.id}`, { token: admin.accessToken });
      expect(deleted.status).toBe(204);
      expect((await call('GET', '/auth/me', { token: bob.accessToken })).status).toBe(401);
      expect((await call('GET', '/auth/me', { apiKey: key.body.key as string })).status).toBe(401);
      expect((await call('GET', '/users', { token: admin.accessToken })).body.total).toBe(2);
    });
  });

  describe('API keys', () => {
    let created: { id: string; name: string; prefix: string; key: string };

    it('creates a key shown only once', async () => {
      const answer = await call('POST', '/auth/api-keys', { token: admin.accessToken, body: { name: 'billing' } });
      expect(answer.status).toBe(201);
      created = answer.body as typeof created;
      expect(Object.keys(created).sort()).toEqual(['expiresAt', 'id', 'key', 'name', 'prefix', 'scopes', 'sessionIds']);
      // Unless told otherwise a key may do everything its owner can, on every session, for ever.
      expect(created).toMatchObject({ scopes: ALL_SCOPES, sessionIds: null, expiresAt: null });
      expect(created.key).toMatch(/^wago_[A-Za-z0-9_-]{32,}$/);
      expect(created.prefix).toBe(created.key.slice(0, 12));
    });

    it('acts as its owner when sent as X-Api-Key, except to manage keys and users', async () => {
      const answer = await call('GET', '/auth/me', { apiKey: created.key });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(admin.user);
      expect((await call('GET', '/sessions', { apiKey: created.key })).status).toBe(200);
      expect((await call('GET', '/users', { apiKey: created.key })).status).toBe(403);
    });

    it('is also accepted as a bearer token, the form a Socket.IO handshake sends', async () => {
      const answer = await call('GET', '/auth/me', { token: created.key });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(admin.user);
    });

    it('answers 400 when a request carries both a token and a key', async () => {
      const answer = await call('GET', '/auth/me', { token: admin.accessToken, apiKey: created.key });
      expect(answer.status).toBe(400);
    });

    it('lists the caller’s keys without the keys themselves, with when each was last used', async () => {
      const answer = await call('GET', '/auth/api-keys', { token: admin.accessToken });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        items: [
          {
            id: created.id,
            name: 'billing',
            prefix: created.prefix,
            createdAt: expect.any(String),
            lastUsedAt: expect.any(String),
            scopes: ALL_SCOPES,
            sessionIds: null,
            expiresAt: null,
          },
        ],
        total: 1,
      });
      expect(JSON.stringify(answer.body)).not.toContain(created.key);
    });

    it('answers 400 to a key without a name and 401 to an unknown key', async () => {
      expect((await call('POST', '/auth/api-keys', { token: admin.accessToken, body: { name: '  ' } })).status).toBe(
        400,
      );
      expect((await call('POST', '/auth/api-keys', { token: admin.accessToken, body: {} })).status).toBe(400);
      const unknown = `wago_${'A'.repeat(43)}`;
      expect((await call('GET', '/auth/me', { apiKey: unknown })).status).toBe(401);
    });

    it('answers 404 when someone else revokes your key', async () => {
      await createUser('erin', '556677');
      const erin = await login('erin', '556677');
      expect((await call('DELETE', `/auth/api-keys/${created.id}`, { token: erin.accessToken })).status).toBe(404);
      expect((await call('GET', '/auth/api-keys', { token: erin.accessToken })).body).toEqual({ items: [], total: 0 });
    });

    it('revokes a key at once', async () => {
      expect((await call('DELETE', `/auth/api-keys/${created.id}`, { token: admin.accessToken })).status).toBe(204);
      expect((await call('GET', '/auth/me', { apiKey: created.key })).status).toBe(401);
      expect((await call('DELETE', `/auth/api-keys/${created.id}`, { token: admin.accessToken })).status).toBe(404);
    });
  });

  describe('changing the PIN', () => {
    let frank: SignedIn;

    beforeAll(async () => {
      await createUser('frank', '102030');
      frank = await login('frank', '102030');
    });

    it('refuses a wrong current PIN', async () => {
      const answer = await call('POST', '/auth/pin', {
        token: frank.accessToken,
        body: { currentPin: '999999', newPin: '405060708091' },
      });
      expect(answer.status).toBe(403);
    });

    it('changes the PIN, signs in again and ends the tokens issued before', async () => {
      const answer = await call('POST', '/auth/pin', {
        token: frank.accessToken,
        body: { currentPin: '102030', newPin: '405060708091' },
      });
      expect(answer.status).toBe(200);
      const renewed = answer.body as unknown as SignedIn;
      expect(renewed.user.id).toBe(frank.user.id);
      expect((await call('GET', '/auth/me', { token: frank.accessToken })).status).toBe(401);
      expect((await call('GET', '/auth/me', { token: renewed.accessToken })).status).toBe(200);
      expect((await call('POST', '/auth/login', { body: { username: 'frank', pin: '102030' } })).status).toBe(401);
      await login('frank', '405060708091');
    });
  });

  describe('brute force', () => {
    it('locks an account after repeated wrong PINs and refuses even the right one, with Retry-After', async () => {
      await createUser('grace', '778899001122');
      const statuses: number[] = [];
      let last: Answer | undefined;
      for (let attempt = 1; attempt <= 20; attempt++) {
        last = await call('POST', '/auth/login', { body: { username: 'grace', pin: '000000' } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, ...new Array<number>(16).fill(429)]);
      const retryAfter = Number(last?.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(last?.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      const right = await call('POST', '/auth/login', { body: { username: 'grace', pin: '778899001122' } });
      expect(right.status).toBe(429);
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });

  it('never writes a PIN, token or key to its log', () => {
    const output = server.output();
    for (const secret of ['246810135792', '135790246813', '405060708091', '778899001122', admin.accessToken]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toMatch(/wago_[A-Za-z0-9_-]{32,}|scrypt\$/);
  });

  it('documents every auth route in the OpenAPI document', async () => {
    const document = (await (await fetch(`${server.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/register',
        'POST /api/v1/auth/login',
        'GET /api/v1/auth/me',
        'POST /api/v1/auth/pin',
        'POST /api/v1/auth/api-keys',
        'GET /api/v1/auth/api-keys',
        'DELETE /api/v1/auth/api-keys/{id}',
        'GET /api/v1/users',
        'DELETE /api/v1/users/{id}',
        'POST /api/v1/users/{id}/unlock',
      ]),
    );
  });
});
