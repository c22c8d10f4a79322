// What an unauthenticated or hostile client can send must never end the process: every input below left it dead once.
import net from 'node:net';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { ApiClient, SignedIn } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { RealtimeWatcher, SessionSocketReader } from '../support/realtime';
import { ServerProcess, startServerProcess } from '../support/server-process';

const MAX_CONNECTIONS_PER_USER = 3;
const API_KEY_SHAPED = `wago_${'A'.repeat(43)}`;

/** Sends raw bytes and resolves with everything the server answered once it closes the connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`No answer to ${JSON.stringify(request)}`)));
  });
}

function upgradeRequest(target: string): string {
  return (
    `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'
  );
}

/** Opens an upgrade and resets the TCP connection (RST) after `delayMs`, while the server checks the token. */
function resetUpgrade(port: number, target: string, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(upgradeRequest(target));
      setTimeout(() => socket.resetAndDestroy(), delayMs);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

function nestedJson(levels: number): string {
  return '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
}

describe('hostile clients', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let api: ApiClient;
  let alice: SignedIn;
  let sessionId: string;

  const expectStillServing = async (): Promise<void> => {
    const health = await fetch(`${server.baseUrl}/health`);
    expect(health.status).toBe(200);
  };

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({
      databaseUrl: database.url,
      env: { REALTIME_CONNECTIONS_PER_USER: String(MAX_CONNECTIONS_PER_USER) },
    });
    api = new ApiClient(server.baseUrl);
    const admin = await api.setupAdmin();
    alice = await api.createUser(admin, 'alice');
    const session = await api.call<{ id: string }>('POST', '/sessions', {
      token: alice.accessToken,
      body: { name: 'watched' },
    });
    sessionId = session.body.id;
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  describe('the plain WebSocket upgrade', () => {
    it('answers a malformed percent escape in the session id with 404', async () => {
      const answer = await rawExchange(server.port, upgradeRequest('/ws/sessions/%E0%A4%A'));
      expect(answer).toMatch(/^HTTP\/1\.1 404 /);
      await expectStillServing();
    });

    it('answers an absolute-form request target that is no URL with 400', async () => {
      const answer = await rawExchange(server.port, upgradeRequest('http://[/x'));
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('"statusCode":400');
      await expectStillServing();
    });

    it('survives clients that reset the connection while their token is checked', async () => {
      const target = `/ws/sessions/${sessionId}?token=${API_KEY_SHAPED}`;
      await Promise.all(Array.from({ length: 10 }, (_, index) => resetUpgrade(server.port, target, index % 5)));
      await expectStillServing();
      expect(server.output()).not.toContain('ECONNRESET');
    });

    it('closes the connection with 1009 when a client sends a frame beyond 1 KiB', async () => {
      const url = `${server.baseUrl.replace(/^http/, 'ws')}/ws/sessions/${sessionId}?token=${alice.accessToken}`;
      const client = new WebSocket(url);
      await new Promise((resolve, reject) => {
        client.once('open', resolve);
        client.once('error', reject);
      });
      const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
      client.send('x'.repeat(1025));
      expect(await within(closed, 'the close')).toBe(1009);
      await expectStillServing();
    });
  });

  it.each(['http://[/x', '/%E0%A4%A', '/api/v1/sessions/%E0%A4%A', '/ws/sessions/%E0%A4%A'])(
    'answers a plain request for %s without a server error',
    async (target) => {
      const answer = await rawExchange(
        server.port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 [234]\d\d /);
      await expectStillServing();
    },
  );

  describe('realtime connections per user', () => {
    it('refuses the connection beyond the cap on either transport, and frees a slot when one closes', async () => {
      const plain = await Promise.all(
        Array.from({ length: MAX_CONNECTIONS_PER_USER - 1 }, () =>
          SessionSocketReader.open(server.baseUrl, sessionId, alice.accessToken),
        ),
      );
      const watcher = await RealtimeWatcher.connect(server.baseUrl, alice.accessToken);
      try {
        await expect(SessionSocketReader.open(server.baseUrl, sessionId, alice.accessToken)).rejects.toMatchObject({
          status: 429,
        });
        await expect(RealtimeWatcher.connect(server.baseUrl, alice.accessToken)).rejects.toThrow(
          'too_many_connections',
        );
        watcher.close();
        const again = await eventuallyConnects(() => RealtimeWatcher.connect(server.baseUrl, alice.accessToken));
        again.close();
      } finally {
        watcher.close();
        for (const reader of plain) reader.close();
      }
      await expectStillServing();
    });

    it('keeps no slot for clients that reset the connection during the handshake', async () => {
      const target = `/ws/sessions/${sessionId}?token=${alice.accessToken}`;
      await Promise.all(Array.from({ length: 10 }, (_, index) => resetUpgrade(server.port, target, index % 5)));
      const readers = await eventuallyConnects(() =>
        Promise.all(
          Array.from({ length: MAX_CONNECTIONS_PER_USER }, () =>
            SessionSocketReader.open(server.baseUrl, sessionId, alice.accessToken),
          ),
        ),
      );
      for (const reader of readers) reader.close();
      await expectStillServing();
    });

    it('ends a Socket.IO connection that sends a message beyond its buffer limit', async () => {
      const socket = io(server.baseUrl, {
        path: '/socket.io',
        auth: { token: alice.accessToken },
        transports: ['websocket'],
        reconnection: false,
      });
      try {
        await new Promise((resolve, reject) => {
          socket.once('connect', () => resolve(undefined));
          socket.once('connect_error', reject);
        });
        const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
        socket.emit('subscribe', { sessionId: 'x'.repeat(64 * 1024) });
        expect(await within(disconnected, 'the disconnect')).toBe('transport close');
      } finally {
        socket.close();
      }
      await expectStillServing();
    });
  });

  describe('deeply nested JSON bodies', () => {
    it('answers 400 with the error shape to a login body nested 2,000 levels deep', async () => {
      const answer = await api.call('POST', '/auth/login', { raw: nestedJson(2000) });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Request body nests deeper than 32 levels',
      });
      await expectStillServing();
    });

    it('lets a body nested 32 levels through to validation', async () => {
      const answer = await api.call<{ message: unknown }>('POST', '/auth/login', { raw: nestedJson(32) });
      expect(answer.status).toBe(400);
      expect(answer.body.message).not.toBe('Request body nests deeper than 32 levels');
    });
  });
});

/** Fails fast with `what` instead of waiting for the test's timeout when the server keeps the connection open. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) => setTimeout(() => reject(new Error(`No ${what} within 10 s`)), 10_000).unref()),
  ]);
}

/** A freed slot is given back when the server sees the close, a moment after the client closed. */
async function eventuallyConnects<T>(connect: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect();
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
