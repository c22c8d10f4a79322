import { ApiClient, SignedIn } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { RealtimeWatcher, SessionSocketReader } from '../support/realtime';
import { ServerProcess, startServerProcess } from '../support/server-process';

/**
 * The server promises to close within 5 s; the wait is longer so a loaded test machine cannot fail it, and a
 * connection that is never closed still fails it.
 */
const CLOSE_WAIT_MS = 15_000;

/** Resolves with `promise`, or rejects once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One client on each transport, following one session with one credential. */
class Follower {
  /** Resolves with the reason once the server disconnects the Socket.IO client. */
  readonly disconnected: Promise<string>;

  private constructor(
    readonly watcher: RealtimeWatcher,
    readonly reader: SessionSocketReader,
  ) {
    this.disconnected = new Promise((resolve) => watcher.socket.once('disconnect', resolve));
  }

  static async open(baseUrl: string, sessionId: string, credential: string): Promise<Follower> {
    const watcher = await RealtimeWatcher.connect(baseUrl, credential);
    expect(await watcher.subscribe(sessionId)).toEqual({ ok: true });
    const reader = await SessionSocketReader.open(baseUrl, sessionId, credential);
    await reader.waitForFrame('session.status', (data) => data.sessionId === sessionId);
    return new Follower(watcher, reader);
  }

  /** Both transports were closed by the server: Socket.IO with a server-side disconnect, /ws with 4401. */
  async expectClosedByServer(): Promise<void> {
    const [reason, closed] = await Promise.all([
      within(this.disconnected, CLOSE_WAIT_MS, 'the Socket.IO disconnect'),
      within(this.reader.closed, CLOSE_WAIT_MS, 'the /ws close'),
    ]);
    expect(reason).toBe('io server disconnect');
    expect(closed.code).toBe(4401);
  }

  isOpen(): boolean {
    return this.watcher.socket.connected && this.reader.isOpen();
  }

  close(): void {
    this.watcher.close();
    this.reader.close();
  }
}

describe('realtime connections end with the credential behind them', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let api: ApiClient;
  let admin: SignedIn;
  const followers: Follower[] = [];

  const follow = async (sessionId: string, credential: string): Promise<Follower> => {
    const follower = await Follower.open(server.baseUrl, sessionId, credential);
    followers.push(follower);
    return follower;
  };

  const sessionOf = async (owner: SignedIn, name: string): Promise<string> => {
    const answer = await api.call<{ id: string }>('POST', '/sessions', { token: owner.accessToken, body: { name } });
    expect(answer.status).toBe(201);
    return answer.body.id;
  };

  const apiKeyOf = async (owner: SignedIn, name: string): Promise<{ id: string; key: string }> => {
    const answer = await api.call<{ id: string; key: string }>('POST', '/auth/api-keys', {
      token: owner.accessToken,
      body: { name },
    });
    expect(answer.status).toBe(201);
    return answer.body;
  };

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({ databaseUrl: database.url, env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000' } });
    api = new ApiClient(server.baseUrl);
    admin = await api.setupAdmin();
  });

  afterAll(async () => {
    for (const follower of followers) follower.close();
    await server?.stop();
    await database?.drop();
  });

  it('closes the connections opened with a token when its user changes the PIN, and keeps their API key’s', async () => {
    const pat = await api.createUser(admin, 'pat', '246813579');
    const sessionId = await sessionOf(pat, 'pat-line');
    const key = await apiKeyOf(pat, 'pat-service');
    const byToken = await follow(sessionId, pat.accessToken);
    const byKey = await follow(sessionId, key.key);

    const changed = await api.call('POST', '/auth/pin', {
      token: pat.accessToken,
      body: { currentPin: '246813579', newPin: '975318642' },
    });
    expect(changed.status).toBe(200);

    await byToken.expectClosedByServer();
    expect(byKey.isOpen()).toBe(true);
  });

  it('closes the connections opened with an API key once it is revoked', async () => {
    const quinn = await api.createUser(admin, 'quinn', '246813579');
    const sessionId = await sessionOf(quinn, 'quinn-line');
    const key = await apiKeyOf(quinn, 'quinn-service');
    const byKey = await follow(sessionId, key.key);
    const byToken = await follow(sessionId, quinn.accessToken);

    expect((await api.call('DELETE', `/auth/api-keys/${key.id}`, { token: quinn.accessToken })).status).toBe(204);

    await byKey.expectClosedByServer();
    expect(byToken.isOpen()).toBe(true);
  });

  it('closes the connections opened with API keys when a PIN change revokes them', async () => {
    const rae = await api.createUser(admin, 'rae', '246813579');
    const sessionId = await sessionOf(rae, 'rae-line');
    const key = await apiKeyOf(rae, 'rae-service');
    const byKey = await follow(sessionId, key.key);

    const changed = await api.call('POST', '/auth/pin', {
      token: rae.accessToken,
      body: { currentPin: '246813579', newPin: '975318642', revokeApiKeys: true },
    });
    expect(changed.status).toBe(200);

    await byKey.expectClosedByServer();
    expect((await api.call('GET', '/auth/me', { apiKey: key.key })).status).toBe(401);
  });

  it('closes every connection of a user who is deleted, by token and by key', async () => {
    const sam = await api.createUser(admin, 'sam', '246813579');
    const sessionId = await sessionOf(sam, 'sam-line');
    const key = await apiKeyOf(sam, 'sam-service');
    const byToken = await follow(sessionId, sam.accessToken);
    const byKey = await follow(sessionId, key.key);
    const adminSession = await sessionOf(admin, 'admin-line');
    const bystander = await follow(adminSession, admin.accessToken);

    expect((await api.call('DELETE', `/users/${sam.user.id}`, { token: admin.accessToken })).status).toBe(204);

    await Promise.all([byToken.expectClosedByServer(), byKey.expectClosedByServer()]);
    expect(bystander.isOpen()).toBe(true);
  });
});

describe('realtime connections end when their token expires', () => {
  const TOKEN_SECONDS = 8;
  let database: TestDatabase;
  let server: ServerProcess;
  let follower: Follower | undefined;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({
      databaseUrl: database.url,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000', JWT_TTL: `${TOKEN_SECONDS}s` },
    });
  });

  afterAll(async () => {
    follower?.close();
    await server?.stop();
    await database?.drop();
  });

  it('closes both transports once the token that opened them expires', async () => {
    const api = new ApiClient(server.baseUrl);
    const admin = await api.setupAdmin();
    expect(admin.expiresIn).toBe(TOKEN_SECONDS);
    const session = await api.call<{ id: string }>('POST', '/sessions', {
      token: admin.accessToken,
      body: { name: 'short-lived' },
    });
    follower = await Follower.open(server.baseUrl, session.body.id, admin.accessToken);
    await follower.expectClosedByServer();
  });
});
