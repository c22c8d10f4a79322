import { Webhook } from 'standardwebhooks';
import type { AuthUser } from '../auth/auth-user';
import type { AppConfig } from '../core/config/app-config';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import type { SessionEntity } from '../sessions/session.entity';
import type { SessionsService } from '../sessions/sessions.service';
import type { WebhookHttpClient, WebhookRequest, WebhookResponse } from './webhook-http.client';
import type { WebhookEntity } from './webhook.entity';
import type { NewWebhook, WebhookChanges, WebhooksRepository } from './webhooks.repository';
import { RECEIVER_UNREACHABLE, WebhooksService } from './webhooks.service';
import { Clock } from '../core/runtime/clock';
import { recordingAudit } from '../../test/support/in-memory-audit';

const alice: AuthUser = { id: 'alice', username: 'alice', role: 'user', via: 'jwt' };
const bob: AuthUser = { id: 'bob', username: 'bob', role: 'user', via: 'jwt' };

const NO_CONTENT: WebhookResponse = { statusCode: 204, durationMs: 4, error: null, body: '', retryAfter: undefined };

function harness(refusal: string | null = null, answer: WebhookResponse = NO_CONTENT) {
  const rows: WebhookEntity[] = [];
  const requests: WebhookRequest[] = [];
  const sessions = {
    get: async (user: AuthUser, id: string) => {
      if (id !== 's1' || user.id !== 'alice') throw new NotFoundError(`Session ${id} not found`);
      return { id: 's1', ownerId: 'alice' } as SessionEntity;
    },
  } as unknown as SessionsService;
  const repository = {
    create: async (webhook: NewWebhook) => {
      const row = {
        ...webhook,
        id: `w${rows.length + 1}`,
        disabledReason: null,
        previousSecret: null,
        previousSecretExpiresAt: null,
      } as WebhookEntity;
      rows.push(row);
      return row;
    },
    findById: async (id: string) => rows.find((row) => row.id === id) ?? null,
    update: async (id: string, changes: WebhookChanges) => {
      const row = rows.find((candidate) => candidate.id === id) as WebhookEntity;
      Object.assign(row, changes);
      return row;
    },
  } as unknown as WebhooksRepository;
  const http = {
    refusal: async () => refusal,
    post: async (request: WebhookRequest) => {
      requests.push(request);
      return answer;
    },
  } as unknown as WebhookHttpClient;
  const config = { webhooks: { secretGraceSeconds: 3600 } } as AppConfig;
  return {
    service: new WebhooksService(repository, sessions, http, config, new Clock(), recordingAudit().audit),
    rows,
    requests,
  };
}

describe('WebhooksService', () => {
  it('creates a subscription to every event with the mention-aware group policy and a whsec_ secret', async () => {
    const { service } = harness();
    const webhook = await service.create(alice, 's1', { url: 'https://bots.example.com/in' });
    expect(webhook).toMatchObject({ sessionId: 's1', events: ['*'], groupPolicy: 'mentions', enabled: true });
    expect(webhook.secret).toMatch(/^whsec_/);
  });

  it('refuses a receiver the URL policy refuses, with the reason', async () => {
    const { service, rows } = harness('169.254.169.254 is a link-local, metadata or unroutable address');
    await expect(service.create(alice, 's1', { url: 'http://169.254.169.254/' })).rejects.toThrow(
      new BadRequestError(
        'url is not an allowed webhook receiver: 169.254.169.254 is a link-local, metadata or unroutable address',
      ),
    );
    expect(rows).toEqual([]);
  });

  it('answers a webhook of another user’s session exactly like a missing one', async () => {
    const { service } = harness();
    const webhook = await service.create(alice, 's1', { url: 'https://bots.example.com/in' });
    await expect(service.get(bob, webhook.id)).rejects.toThrow(new NotFoundError(`Webhook ${webhook.id} not found`));
    await expect(service.get(bob, 'missing')).rejects.toThrow(new NotFoundError('Webhook missing not found'));
    await expect(service.create(bob, 's1', { url: 'https://bots.example.com/in' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('keeps the previous secret signing for the grace period after a rotation', async () => {
    const { service, rows } = harness();
    const webhook = await service.create(alice, 's1', { url: 'https://bots.example.com/in' });
    const original = webhook.secret;
    const secret = await service.rotateSecret(alice, webhook.id);
    expect(secret).not.toBe(original);
    expect(rows[0]).toMatchObject({ secret, previousSecret: original });
    const grace = (rows[0].previousSecretExpiresAt as Date).getTime() - Date.now();
    expect(grace).toBeGreaterThan(3590_000);
    expect(grace).toBeLessThanOrEqual(3600_000);
  });

  it('forgets why a webhook was disabled when it is enabled again', async () => {
    const { service, rows } = harness();
    const webhook = await service.create(alice, 's1', { url: 'https://bots.example.com/in' });
    Object.assign(rows[0], { enabled: false, disabledReason: 'The receiver answered 410 Gone' });
    const updated = await service.update(alice, webhook.id, { enabled: true, events: ['message.received'] });
    expect(updated).toMatchObject({ enabled: true, disabledReason: null, events: ['message.received'] });
  });

  it('refuses null for a field of an update with a 400, changing nothing', async () => {
    const { service, rows } = harness();
    const webhook = await service.create(alice, 's1', { url: 'https://bots.example.com/in' });
    for (const field of ['enabled', 'url', 'events', 'groupPolicy']) {
      await expect(service.update(alice, webhook.id, { enabled: false, [field]: null })).rejects.toThrow(
        `${field} must not be null`,
      );
    }
    expect(rows[0]).toMatchObject({ enabled: true, url: 'https://bots.example.com/in' });
  });

  it('sends a signed test ping and reports the answer without storing anything', async () => {
    const { service, requests } = harness();
    const webhook = await service.create(alice, 's1', { url: 'https://bots.example.com/in' });
    expect(await service.test(alice, webhook.id)).toEqual({ ok: true, statusCode: 204, durationMs: 4 });
    const ping = new Webhook(webhook.secret).verify(requests[0].body, requests[0].headers);
    expect(ping).toMatchObject({ version: 1, type: 'webhook.test', sessionId: 's1', data: { webhookId: webhook.id } });
  });

  it.each(['connect ECONNREFUSED 10.0.0.5:22', 'read ECONNRESET', 'Timed out after 15 s', 'getaddrinfo ENOTFOUND x'])(
    'reports a test ping that got no answer as unreachable, never with the socket error %p',
    async (socketError) => {
      const unanswered = { ...NO_CONTENT, statusCode: null, error: socketError };
      const { service } = harness(null, unanswered);
      const webhook = await service.create(alice, 's1', { url: 'https://bots.example.com/in' });
      expect(await service.test(alice, webhook.id)).toEqual({
        ok: false,
        statusCode: null,
        durationMs: 4,
        error: RECEIVER_UNREACHABLE,
      });
    },
  );

  it('reports the status of a test ping the receiver refused', async () => {
    const { service } = harness(null, { ...NO_CONTENT, statusCode: 503 });
    const webhook = await service.create(alice, 's1', { url: 'https://bots.example.com/in' });
    expect(await service.test(alice, webhook.id)).toMatchObject({ ok: false, statusCode: 503, error: 'HTTP 503' });
  });
});
