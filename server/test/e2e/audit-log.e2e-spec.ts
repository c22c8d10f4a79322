import { randomUUID } from 'node:crypto';
import type { ApiAnswer, SignedIn } from '../support/api-client';
import { pairSession, poll, waitForStatus } from '../support/paired-session';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

interface AuditEntry {
  id: string;
  at: string;
  actor: { userId: string; username: string | null; apiKeyId: string | null } | null;
  action: string;
  targetType: string;
  targetId: string | null;
  summary: Record<string, unknown>;
  clientAddress: string | null;
  userAgent: string | null;
  correlationId: string | null;
}

interface AuditPage {
  items: AuditEntry[];
  total: number;
}

const USER_AGENT = 'audit-e2e/1.0 (+https://example.com)';
const ADMIN_PIN = '135792468';
const BOB_PIN = '246813579';
const BOB_NEW_PIN = '975318642';
const MESSAGE_TEXT = 'a message nobody audits';

/** What one audited request was: its correlation id and what the audit log should say about it. */
interface Expected {
  correlationId: string;
  action: string;
  actorUserId: string | null;
  apiKeyId?: string;
  targetType: string;
  targetId: string | null;
}

describe('audit log', () => {
  let wago: WagoWithSim;
  let receiver: WebhookReceiver;
  let admin: SignedIn;
  let bob: SignedIn;
  let apiKey: { id: string; key: string };
  const expected: Expected[] = [];
  /** Everything that must never appear in an audit answer. */
  const secrets: string[] = [ADMIN_PIN, BOB_PIN, BOB_NEW_PIN, MESSAGE_TEXT];

  /** An API call as a client would make it, with its own correlation id and user agent. */
  async function act<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; apiKey?: string; body?: unknown } = {},
  ): Promise<ApiAnswer<T> & { correlationId: string }> {
    const correlationId = `audit-${randomUUID()}`;
    const answer = await wago.api.call<T>(method, path, {
      ...options,
      headers: { 'user-agent': USER_AGENT, 'x-request-id': correlationId },
    });
    return { ...answer, correlationId };
  }

  async function audited<T = Record<string, unknown>>(
    entry: Omit<Expected, 'correlationId'>,
    method: string,
    path: string,
    options: { token?: string; apiKey?: string; body?: unknown } = {},
    status?: number,
  ): Promise<ApiAnswer<T>> {
    const answer = await act<T>(method, path, options);
    if (status !== undefined) expect({ path, status: answer.status }).toEqual({ path, status });
    expected.push({ ...entry, correlationId: answer.correlationId });
    return answer;
  }

  const audit = (query: string, as: { token?: string; apiKey?: string } = { token: admin.accessToken }) =>
    wago.api.call<AuditPage>('GET', `/audit${query}`, as);

  beforeAll(async () => {
    wago = await startWagoWithSim({ env: { WEBHOOK_RETRY_SCHEDULE: '0.5' } });
    admin = wago.admin;
    receiver = await startWebhookReceiver(() => ({ status: 500, body: 'down' }));

    const signIn = await audited<SignedIn>(
      { action: 'auth.signin', actorUserId: admin.user.id, targetType: 'user', targetId: admin.user.id },
      'POST',
      '/auth/login',
      { body: { username: 'admin', pin: ADMIN_PIN } },
      200,
    );
    admin = signIn.body;
    await audited(
      { action: 'auth.signin_failed', actorUserId: admin.user.id, targetType: 'user', targetId: admin.user.id },
      'POST',
      '/auth/login',
      { body: { username: 'admin', pin: '000000000' } },
      401,
    );
    await audited(
      { action: 'auth.signin_failed', actorUserId: null, targetType: 'user', targetId: null },
      'POST',
      '/auth/login',
      { body: { username: 'nobody', pin: '000000000' } },
      401,
    );
    const createdBob = await act<{ user: { id: string } }>('POST', '/auth/register', {
      token: admin.accessToken,
      body: { username: 'bob', pin: BOB_PIN },
    });
    expect(createdBob.status).toBe(201);
    const bobId = createdBob.body.user.id;
    expected.push({
      correlationId: createdBob.correlationId,
      action: 'user.created',
      actorUserId: admin.user.id,
      targetType: 'user',
      targetId: bobId,
    });
    bob = (
      await audited<SignedIn>(
        { action: 'auth.signin', actorUserId: bobId, targetType: 'user', targetId: bobId },
        'POST',
        '/auth/login',
        { body: { username: 'bob', pin: BOB_PIN } },
        200,
      )
    ).body;

    const key = await act<{ id: string; key: string }>('POST', '/auth/api-keys', {
      token: admin.accessToken,
      body: { name: 'ci', scopes: ['sessions:read', 'sessions:write'] },
    });
    expect(key.status).toBe(201);
    apiKey = key.body;
    secrets.push(apiKey.key);
    expected.push({
      correlationId: key.correlationId,
      action: 'apikey.created',
      actorUserId: admin.user.id,
      targetType: 'api_key',
      targetId: apiKey.id,
    });

    // A session made with the key, renamed, started and stopped in the console.
    const byKey = await act<{ id: string }>('POST', '/sessions', { apiKey: apiKey.key, body: { name: 'by-key' } });
    expect(byKey.status).toBe(201);
    const keySession = byKey.body.id;
    expected.push({
      correlationId: byKey.correlationId,
      action: 'session.created',
      actorUserId: admin.user.id,
      apiKeyId: apiKey.id,
      targetType: 'session',
      targetId: keySession,
    });
    const session = { actorUserId: admin.user.id, targetType: 'session', targetId: keySession };
    const token = admin.accessToken;
    await audited(
      { ...session, action: 'session.renamed' },
      'PATCH',
      `/sessions/${keySession}`,
      {
        token,
        body: { name: 'renamed' },
      },
      200,
    );
    await audited({ ...session, action: 'session.started' }, 'POST', `/sessions/${keySession}/start`, { token }, 202);
    await audited({ ...session, action: 'session.stopped' }, 'POST', `/sessions/${keySession}/stop`, { token }, 200);

    // A linked session with a webhook whose receiver fails, so a delivery ends failed and can be redelivered.
    const paired = await pairSession(wago.api, token, wago.sim, {
      name: 'linked',
      phoneNumber: '15550001111',
      pushName: 'Linked',
    });
    const webhook = await act<{ id: string; secret: string }>('POST', `/sessions/${paired.id}/webhooks`, {
      token,
      body: { url: `${receiver.url}?token=query-secret-42` },
    });
    expect(webhook.status).toBe(201);
    secrets.push(webhook.body.secret, 'query-secret-42');
    const hook = { actorUserId: admin.user.id, targetType: 'webhook', targetId: webhook.body.id };
    expected.push({ ...hook, correlationId: webhook.correlationId, action: 'webhook.created' });
    await audited(
      { ...hook, action: 'webhook.updated' },
      'PATCH',
      `/webhooks/${webhook.body.id}`,
      {
        token,
        body: { groupPolicy: 'all' },
      },
      200,
    );
    const rotated = await audited<{ secret: string }>(
      { ...hook, action: 'webhook.secret_rotated' },
      'POST',
      `/webhooks/${webhook.body.id}/rotate-secret`,
      { token },
      200,
    );
    secrets.push(rotated.body.secret);

    wago.sim.createAccount({ phoneNumber: '15550002222', pushName: 'Ana' });
    await wago.sim.sendMessage('15550002222', { to: paired.phoneNumber, text: MESSAGE_TEXT });
    const failed = await poll(
      () =>
        wago.api.call<{ items: { id: string; status: string }[] }>('GET', `/webhooks/${webhook.body.id}/deliveries`, {
          token,
        }),
      (answer) => answer.body.items.some((delivery) => delivery.status === 'failed'),
      'a failed delivery',
    );
    const deliveryId = failed.body.items.find((delivery) => delivery.status === 'failed')?.id as string;
    await audited(
      { ...hook, action: 'delivery.redelivered', targetType: 'webhook' },
      'POST',
      `/webhooks/${webhook.body.id}/deliveries/redeliver`,
      { token, body: { since: new Date(0).toISOString() } },
      202,
    );
    await audited(
      { actorUserId: admin.user.id, action: 'delivery.redelivered', targetType: 'delivery', targetId: deliveryId },
      'POST',
      `/deliveries/${deliveryId}/redeliver`,
      { token },
      202,
    );
    await audited({ ...hook, action: 'webhook.deleted' }, 'DELETE', `/webhooks/${webhook.body.id}`, { token }, 204);

    // A broker sink: its password is a secret like any other and must not reach the log.
    const sink = await act<{ id: string }>('POST', `/sessions/${paired.id}/sinks`, {
      token,
      body: { kind: 'rabbitmq', url: 'amqp://wago:sink-password-77@127.0.0.1:5672' },
    });
    expect(sink.status).toBe(201);
    secrets.push('sink-password-77');
    const sinkTarget = { actorUserId: admin.user.id, targetType: 'sink', targetId: sink.body.id };
    expected.push({ ...sinkTarget, correlationId: sink.correlationId, action: 'sink.created' });
    await audited(
      { ...sinkTarget, action: 'sink.updated' },
      'PATCH',
      `/sinks/${sink.body.id}`,
      { token, body: { url: 'amqp://wago:sink-password-78@127.0.0.1:5672', enabled: false } },
      200,
    );
    secrets.push('sink-password-78');
    await audited({ ...sinkTarget, action: 'sink.deleted' }, 'DELETE', `/sinks/${sink.body.id}`, { token }, 204);
    const linked = { actorUserId: admin.user.id, targetType: 'session', targetId: paired.id };
    await audited({ ...linked, action: 'session.logged_out' }, 'POST', `/sessions/${paired.id}/logout`, { token }, 200);
    await waitForStatus(wago.api, token, paired.id, 'logged_out');
    await audited({ ...linked, action: 'session.deleted' }, 'DELETE', `/sessions/${paired.id}`, { token }, 204);

    await audited(
      { actorUserId: admin.user.id, action: 'apikey.revoked', targetType: 'api_key', targetId: apiKey.id },
      'DELETE',
      `/auth/api-keys/${apiKey.id}`,
      { token },
      204,
    );
    const pinChange = await audited<SignedIn>(
      { actorUserId: bobId, action: 'auth.pin_changed', targetType: 'user', targetId: bobId },
      'POST',
      '/auth/pin',
      { token: bob.accessToken, body: { currentPin: BOB_PIN, newPin: BOB_NEW_PIN } },
      200,
    );
    secrets.push(bob.accessToken, admin.accessToken, wago.admin.accessToken);
    bob = pinChange.body;
    secrets.push(bob.accessToken);
    await audited(
      { actorUserId: admin.user.id, action: 'user.unlocked', targetType: 'user', targetId: bobId },
      'POST',
      `/users/${bobId}/unlock`,
      { token },
      204,
    );
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
  });

  it('finds every audited action with its actor, target, address, user agent and correlation id', async () => {
    const all = await audit('?limit=200');
    expect(all.status).toBe(200);
    for (const want of expected) {
      const entry = all.body.items.find((item) => item.correlationId === want.correlationId);
      expect({ want, entry }).toEqual({
        want,
        entry: expect.objectContaining({
          action: want.action,
          targetType: want.targetType,
          targetId: want.targetId,
          actor:
            want.actorUserId === null
              ? null
              : expect.objectContaining({ userId: want.actorUserId, apiKeyId: want.apiKeyId ?? null }),
          userAgent: USER_AGENT,
          clientAddress: expect.stringMatching(/127\.0\.0\.1$/),
        }),
      });
    }
  });

  it('records every action the issue names', async () => {
    const all = await audit('?limit=200');
    const actions = new Set(all.body.items.map((entry) => entry.action));
    // user.deleted is checked below, where bob goes.
    expect([...actions].sort()).toEqual(
      [
        'apikey.created',
        'apikey.revoked',
        'auth.pin_changed',
        'auth.signin',
        'auth.signin_failed',
        'delivery.redelivered',
        'session.created',
        'session.deleted',
        'session.logged_out',
        'session.renamed',
        'session.started',
        'session.stopped',
        'sink.created',
        'sink.deleted',
        'sink.updated',
        'user.created',
        'user.unlocked',
        'webhook.created',
        'webhook.deleted',
        'webhook.secret_rotated',
        'webhook.updated',
      ].sort(),
    );
  });

  it('keeps URLs without their query values, and no PIN, key, secret, token or message text anywhere', async () => {
    const all = await audit('?limit=200');
    const created = all.body.items.find((entry) => entry.action === 'webhook.created');
    expect(created?.summary.url).toBe(`${receiver.url}?token=redacted`);
    const text = JSON.stringify(all.body);
    for (const secret of secrets) expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.eyJ/);
    expect(text).not.toMatch(/whsec_|wago_[A-Za-z0-9_-]{16}/);
  });

  it('filters by actor, action, target and period', async () => {
    const bySignIn = await audit('?action=auth.signin_failed');
    expect(bySignIn.body.items.map((entry) => entry.action)).toEqual(['auth.signin_failed', 'auth.signin_failed']);
    const byBob = await audit(`?actor=${bob.user.id}`);
    expect(byBob.body.items.length).toBeGreaterThan(0);
    expect(byBob.body.items.every((entry) => entry.actor?.userId === bob.user.id)).toBe(true);
    const byTarget = await audit(`?targetId=${apiKey.id}`);
    expect(byTarget.body.items.map((entry) => entry.action)).toEqual(['apikey.revoked', 'apikey.created']);
    const future = await audit(`?since=${new Date(Date.now() + 60_000).toISOString()}`);
    expect(future.body).toEqual({ items: [], total: 0 });
    const past = await audit(`?until=${new Date(Date.now() - 3_600_000).toISOString()}`);
    expect(past.body).toEqual({ items: [], total: 0 });
    const inverted = await audit('?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z');
    expect(inverted.body).toEqual({ items: [], total: 0 });
    const paged = await audit('?limit=2&offset=1');
    expect(paged.body.items).toHaveLength(2);
    expect(paged.body.total).toBe((await audit('?limit=200')).body.total);
  });

  it('shows a user only the changes they made, and an admin everyone’s', async () => {
    const mine = await audit('?limit=200', { token: bob.accessToken });
    expect(mine.status).toBe(200);
    expect(new Set(mine.body.items.map((entry) => entry.actor?.userId))).toEqual(new Set([bob.user.id]));
    expect((await audit(`?actor=${admin.user.id}`, { token: bob.accessToken })).body).toEqual({ items: [], total: 0 });
    const everyone = await audit('?limit=200');
    expect(new Set(everyone.body.items.map((entry) => entry.actor?.userId ?? null))).toEqual(
      new Set([admin.user.id, bob.user.id, null]),
    );
  });

  it('shows an API key its user’s entries only', async () => {
    const key = await wago.api.call<{ key: string }>('POST', '/auth/api-keys', {
      token: bob.accessToken,
      body: { name: 'reader', scopes: ['messages:read'] },
    });
    const seen = await audit('?limit=200', { apiKey: key.body.key });
    expect(seen.status).toBe(200);
    expect(seen.body.items.length).toBeGreaterThan(0);
    expect(seen.body.items.every((entry) => entry.actor?.userId === bob.user.id)).toBe(true);
  });

  it.each([
    ['?action=session.exploded', 'action'],
    ['?actor=bob', 'actor'],
    ['?since=yesterday', 'since'],
    ['?until=2026-13-45', 'until'],
    ['?targetId=%00', 'targetId'],
    ['?limit=0', 'limit'],
  ])('answers 400 to the filter %s, naming it', async (query, name) => {
    const answer = await audit(query);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain(name);
  });

  it('answers 401 without credentials, and records no entry for a refused request', async () => {
    expect((await wago.api.call('GET', '/audit')).status).toBe(401);
    const refused = await act('DELETE', `/sessions/${randomUUID()}`, { token: admin.accessToken });
    expect(refused.status).toBe(404);
    const all = await audit('?limit=200');
    expect(all.body.items.some((entry) => entry.correlationId === refused.correlationId)).toBe(false);
  });

  it('records a user deleted by an admin, and keeps what that user did', async () => {
    const deleted = await act('DELETE', `/users/${bob.user.id}`, { token: admin.accessToken });
    expect(deleted.status).toBe(204);
    const entries = await audit(`?targetId=${bob.user.id}&action=user.deleted`);
    expect(entries.body.items).toEqual([
      expect.objectContaining({
        correlationId: deleted.correlationId,
        actor: expect.objectContaining({ userId: admin.user.id }),
        summary: { username: 'bob', role: 'user' },
      }),
    ]);
    expect((await audit(`?actor=${bob.user.id}`)).body.total).toBeGreaterThan(0);
  });
});
