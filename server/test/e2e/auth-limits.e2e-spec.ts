import { createTestDatabase, TestDatabase } from '../support/database';
import { ServerProcess, startServerProcess } from '../support/server-process';

describe('request rate limits over HTTP', () => {
  let database: TestDatabase;
  let server: ServerProcess;

  const login = (username: string): Promise<Response> =>
    fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, pin: '123456' }),
    });

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    // Default per-IP login limit (20 a minute); a small general limit so the test can reach it.
    server = await startServerProcess({ databaseUrl: database.url, env: { RATE_LIMIT_PER_MINUTE: '60' } });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('answers 429 with Retry-After once an address tries more than 20 logins a minute', async () => {
    // A different username each time: the account lockout must not be what answers.
    for (let attempt = 1; attempt <= 20; attempt++) {
      expect((await login(`user${attempt}`)).status).toBe(401);
    }
    const throttled = await login('user21');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttled.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  });

  it('counts registrations against the same per-address budget', async () => {
    const answer = await fetch(`${server.baseUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'root', pin: '123456' }),
    });
    expect(answer.status).toBe(429);
  });

  it('answers 429 in the usual error shape with Retry-After once a client exceeds RATE_LIMIT_PER_MINUTE', async () => {
    let answer: Response | undefined;
    for (let request = 1; request <= 61; request++) {
      answer = await fetch(`${server.baseUrl}/api/v1/auth/me`);
      if (answer.status === 429) break;
      expect(answer.status).toBe(401);
    }
    expect(answer?.status).toBe(429);
    expect(Number(answer?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await answer?.json()).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Too many requests: slow down',
      correlationId: expect.any(String),
    });
  });
});
