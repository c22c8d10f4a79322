// Scoped API keys: a key outside its scopes gets 403 naming the missing one, on every route of /api/docs-json that needs
// a scope; a key limited to sessions reaches only those; an expired key is refused like a revoked one.
import type { ApiAnswer } from '../support/api-client';
import { OpenApiDocument, operationsOf } from '../support/openapi';
import { pairSession } from '../support/paired-session';
import { RealtimeWatcher, SessionSocketReader } from '../support/realtime';
import { startRouteSweep } from '../support/route-sweep';
import type { WagoWithSim } from '../support/wago-with-sim';
import type { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

const DORA = { phoneNumber: '15550601001', pushName: 'Dora' };
const SCOPED_LINE = { name: 'scoped-line', phoneNumber: '15550601000', pushName: 'Scoped' };
const SCOPES = [
  'sessions:read',
  'sessions:write',
  'messages:send',
  'messages:read',
  'webhooks:read',
  'webhooks:write',
  'media:read',
  'media:write',
] as const;
type Scope = (typeof SCOPES)[number];

interface CreatedKey {
  id: string;
  key: string;
  scopes: Scope[];
  sessionIds: string[] | null;
  expiresAt: string | null;
}

describe('scoped API keys', () => {
  let wago: WagoWithSim;
  let receiver: WebhookReceiver;
  let document: OpenApiDocument;
  let token: string;
  let sessionId: string;
  let otherSessionId: string;
  let otherWebhookId: string;
  let mediaId: string;

  const createKey = (body: Record<string, unknown>): Promise<ApiAnswer<CreatedKey>> =>
    wago.api.call<CreatedKey>('POST', '/auth/api-keys', { token, body: { name: 'scoped', ...body } });

  const keyWith = async (body: Record<string, unknown>): Promise<string> => {
    const answer = await createKey(body);
    if (answer.status !== 201) throw new Error(`POST /auth/api-keys: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.key;
  };

  const upload = (credential: { authorization: string } | { 'x-api-key': string }) =>
    fetch(`${wago.server.baseUrl}/api/v1/media`, {
      method: 'POST',
      headers: { ...credential, 'content-type': 'text/plain' },
      body: 'a scoped file',
    });

  /** A request each scope allows, made with `apiKey`: its status. */
  const representative: Record<Scope, (apiKey: string) => Promise<number>> = {
    'sessions:read': async (apiKey) => (await wago.api.call('GET', `/sessions/${sessionId}`, { apiKey })).status,
    'sessions:write': async (apiKey) =>
      (await wago.api.call('PATCH', `/sessions/${sessionId}`, { apiKey, body: { name: 'renamed' } })).status,
    'messages:send': async (apiKey) =>
      (
        await wago.api.call('POST', `/sessions/${sessionId}/messages`, {
          apiKey,
          body: { to: DORA.phoneNumber, text: 'within scope' },
        })
      ).status,
    'messages:read': async (apiKey) => (await wago.api.call('GET', `/sessions/${sessionId}/chats`, { apiKey })).status,
    'webhooks:read': async (apiKey) =>
      (await wago.api.call('GET', `/sessions/${sessionId}/webhooks`, { apiKey })).status,
    'webhooks:write': async (apiKey) =>
      (await wago.api.call('POST', `/sessions/${sessionId}/webhooks`, { apiKey, body: { url: receiver.url } })).status,
    'media:read': async (apiKey) => (await wago.api.call('GET', `/media/${mediaId}`, { apiKey })).status,
    'media:write': async (apiKey) => (await upload({ 'x-api-key': apiKey })).status,
  };

  beforeAll(async () => {
    ({ wago, receiver, document } = await startRouteSweep(DORA));
    token = wago.admin.accessToken;
    const session = await pairSession(wago.api, token, wago.sim, SCOPED_LINE);
    sessionId = session.id;
    const other = await wago.api.call<{ id: string }>('POST', '/sessions', { token, body: { name: 'out-of-reach' } });
    otherSessionId = other.body.id;
    const webhook = await wago.api.call<{ id: string }>('POST', `/sessions/${otherSessionId}/webhooks`, {
      token,
      body: { url: receiver.url },
    });
    otherWebhookId = webhook.body.id;
    mediaId = ((await (await upload({ authorization: `Bearer ${token}` })).json()) as { id: string }).id;
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
  });

  it('names a scope on every /api/v1 operation a key may call', () => {
    const unnamed = operationsOf(document).filter(
      (operation) =>
        operation.path.startsWith('/api/v1/') &&
        !operation.definition['x-required-scope'] &&
        !/^\/api\/v1\/(auth\/(api-keys|login|setup)|users)\b/.test(operation.path),
    );
    expect(unnamed.map((operation) => operation.name)).toEqual([]);
  });

  describe.each(SCOPES)('a key with every scope but %s', (scope) => {
    let lacking: string;
    let holding: string;

    beforeAll(async () => {
      lacking = await keyWith({ scopes: SCOPES.filter((other) => other !== scope) });
      holding = await keyWith({ scopes: [scope] });
    });

    it('gets 403 naming the scope on every operation that needs it', async () => {
      const operations = operationsOf(document).filter(
        (operation) => operation.definition['x-required-scope'] === scope,
      );
      expect(operations.length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const operation of operations) {
        // The guard answers before any parameter is parsed, so placeholders do.
        const path = operation.path
          .replace(/^\/api\/v1/, '')
          .replace(/\{id\}/g, sessionId)
          .replace(/\{\w+\}/g, 'x');
        const answer = await wago.api.call<{ message?: string }>(operation.method, path, { apiKey: lacking });
        if (answer.status !== 403 || answer.body.message !== `This API key lacks the scope ${scope}`) {
          wrong.push(`${operation.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('is refused a representative request, which a key holding only that scope may make', async () => {
      expect(await representative[scope](lacking)).toBe(403);
      const status = await representative[scope](holding);
      expect(status).toBeGreaterThanOrEqual(200);
      expect(status).toBeLessThan(300);
    });
  });

  it('has every scope unless told, and shows scopes, sessions and expiry in the list', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await createKey({ sessionIds: [sessionId], expiresAt });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ scopes: [...SCOPES], sessionIds: [sessionId], expiresAt });
    const list = await wago.api.call<{ items: CreatedKey[] }>('GET', '/auth/api-keys?limit=100', { token });
    expect(list.body.items.find((key) => key.id === created.body.id)).toMatchObject({
      scopes: [...SCOPES],
      sessionIds: [sessionId],
      expiresAt,
    });
  });

  it('follows a session on Socket.IO and /ws only with sessions:read, naming the scope it lacks', async () => {
    const without = await keyWith({ scopes: SCOPES.filter((scope) => scope !== 'sessions:read') });
    const watcher = await RealtimeWatcher.connect(wago.server.baseUrl, without);
    try {
      expect(await watcher.subscribe(sessionId)).toEqual({
        ok: false,
        error: 'This API key lacks the scope sessions:read',
      });
    } finally {
      watcher.close();
    }
    await expect(SessionSocketReader.open(wago.server.baseUrl, sessionId, without)).rejects.toMatchObject({
      status: 403,
    });
    const reading = await keyWith({ scopes: ['sessions:read'] });
    const allowed = await RealtimeWatcher.connect(wago.server.baseUrl, reading);
    try {
      expect(await allowed.subscribe(sessionId)).toEqual({ ok: true });
    } finally {
      allowed.close();
    }
    (await SessionSocketReader.open(wago.server.baseUrl, sessionId, reading)).close();
  });

  it('tells session.event on Socket.IO and /ws only to keys that may read messages', async () => {
    const reading = await keyWith({ scopes: ['sessions:read', 'messages:read'] });
    const blind = await keyWith({ scopes: ['sessions:read'] });
    const watcher = await RealtimeWatcher.connect(wago.server.baseUrl, reading);
    const blindWatcher = await RealtimeWatcher.connect(wago.server.baseUrl, blind);
    const reader = await SessionSocketReader.open(wago.server.baseUrl, sessionId, reading);
    const blindReader = await SessionSocketReader.open(wago.server.baseUrl, sessionId, blind);
    try {
      expect(await watcher.subscribe(sessionId)).toEqual({ ok: true });
      expect(await blindWatcher.subscribe(sessionId)).toEqual({ ok: true });
      const marker = `live tail ${Date.now()}`;
      await wago.sim.sendMessage(DORA.phoneNumber, { to: SCOPED_LINE.phoneNumber, text: marker });
      const event = await watcher.waitForEvent(
        (published) => published.type === 'message.received' && published.data.text === marker,
      );
      expect(event).toMatchObject({
        version: 1,
        id: expect.stringMatching(/^evt_/),
        sessionId,
        data: { text: marker, fromMe: false, chat: { type: 'direct' } },
      });
      const frame = await reader.waitForFrame(
        'session.event',
        (data) => data.type === 'message.received' && (data.data as { text?: unknown }).text === marker,
      );
      expect(frame.data).toEqual(event);
      // Both blind clients follow the session (their statuses arrive) but were sent no event by now.
      expect(blindWatcher.statusesOf(sessionId)).toContain('connected');
      expect(blindWatcher.events).toEqual([]);
      expect(blindReader.frames.map((received) => received.event)).not.toContain('session.event');
      expect(blindReader.frames.map((received) => received.event)).toContain('session.status');
    } finally {
      watcher.close();
      blindWatcher.close();
      reader.close();
      blindReader.close();
    }
  });

  it('shows the QR on Socket.IO and /ws only to keys that may link a phone (sessions:write)', async () => {
    const token = wago.admin.accessToken;
    const created = await wago.api.call<{ id: string }>('POST', '/sessions', { token, body: { name: 'qr-scopes' } });
    const qrSession = created.body.id;
    const linking = await keyWith({ scopes: ['sessions:read', 'sessions:write'] });
    const watching = await keyWith({ scopes: ['sessions:read', 'messages:read'] });
    const linker = await RealtimeWatcher.connect(wago.server.baseUrl, linking);
    const watcher = await RealtimeWatcher.connect(wago.server.baseUrl, watching);
    try {
      expect(await linker.subscribe(qrSession)).toEqual({ ok: true });
      expect(await watcher.subscribe(qrSession)).toEqual({ ok: true });
      expect((await wago.api.call('POST', `/sessions/${qrSession}/start`, { token })).status).toBe(202);
      await linker.waitForQr(qrSession);
      await watcher.waitForStatus(qrSession, 'qr');
      // Joining while the QR shows: the snapshot leaves it out too, on both transports.
      const lateWatcher = await RealtimeWatcher.connect(wago.server.baseUrl, watching);
      const lateLinker = await SessionSocketReader.open(wago.server.baseUrl, qrSession, linking);
      const lateReader = await SessionSocketReader.open(wago.server.baseUrl, qrSession, watching);
      try {
        expect(await lateWatcher.subscribe(qrSession)).toEqual({ ok: true });
        await lateWatcher.waitForStatus(qrSession, 'qr');
        await lateLinker.waitForFrame('session.qr', (data) => data.sessionId === qrSession);
        await lateReader.waitForFrame('session.status', (data) => data.status === 'qr');
        expect(watcher.qrs).toEqual([]);
        expect(lateWatcher.qrs).toEqual([]);
        expect(lateReader.frames.map((received) => received.event)).not.toContain('session.qr');
      } finally {
        lateWatcher.close();
        lateLinker.close();
        lateReader.close();
      }
    } finally {
      linker.close();
      watcher.close();
      await wago.api.call('POST', `/sessions/${qrSession}/stop`, { token });
    }
  });

  describe('a key limited to one session', () => {
    let limited: string;

    beforeAll(async () => {
      limited = await keyWith({ sessionIds: [sessionId] });
    });

    it('lists only that session and reaches it', async () => {
      const list = await wago.api.call<{ items: { id: string }[]; total: number }>('GET', '/sessions', {
        apiKey: limited,
      });
      expect(list.body).toMatchObject({ total: 1, items: [{ id: sessionId }] });
      expect((await wago.api.call('GET', `/sessions/${sessionId}`, { apiKey: limited })).status).toBe(200);
    });

    it('answers 404 for another session of its owner, and for that session’s webhooks', async () => {
      for (const path of [
        `/sessions/${otherSessionId}`,
        `/sessions/${otherSessionId}/webhooks`,
        `/sessions/${otherSessionId}/chats`,
        `/webhooks/${otherWebhookId}`,
      ]) {
        expect([path, (await wago.api.call('GET', path, { apiKey: limited })).status]).toEqual([path, 404]);
      }
    });

    it('may not create a session: 403 saying why', async () => {
      const answer = await wago.api.call('POST', '/sessions', { apiKey: limited, body: { name: 'more' } });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({
        message: 'This API key is limited to some sessions and may not create one',
      });
    });

    it('cannot be made for a session that is not yours', async () => {
      const answer = await createKey({ sessionIds: ['00000000-0000-4000-8000-000000000000'] });
      expect(answer.status).toBe(400);
    });
  });

  describe('expiry', () => {
    it('must be in the future', async () => {
      const answer = await createKey({ expiresAt: new Date(Date.now() - 1000).toISOString() });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ message: 'expiresAt must be in the future' });
    });

    it('refuses a key once it has expired, as if it were revoked', async () => {
      const brief = await keyWith({ expiresAt: new Date(Date.now() + 1500).toISOString() });
      expect((await wago.api.call('GET', '/sessions', { apiKey: brief })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const answer = await wago.api.call('GET', '/sessions', { apiKey: brief });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ message: 'Invalid API key' });
    });
  });

  it('does not limit the console: a signed-in user may do everything', async () => {
    expect((await wago.api.call('GET', `/sessions/${otherSessionId}`, { token })).status).toBe(200);
  });
});
