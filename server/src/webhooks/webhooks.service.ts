import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../core/config/app-config';
import { Clock } from '../core/runtime/clock';
import { BadRequestError, NotFoundError, notFoundAs } from '../core/errors/domain-errors';
import { SessionsService } from '../sessions/sessions.service';
import { isSuccess, signingSecrets } from './delivery.service';
import { ALL_EVENTS, EventSelector, newEventId, TEST_EVENT_TYPE, TestEventData, WebhookEnvelope } from './envelope';
import type { GroupPolicy } from './mention-policy';
import { generateSecret, signWebhook } from './signature';
import { WebhookHttpClient } from './webhook-http.client';
import { WebhookEntity } from './webhook.entity';
import { WebhookChanges, WebhooksRepository } from './webhooks.repository';

export interface WebhookInput {
  url: string;
  events?: EventSelector[];
  groupPolicy?: GroupPolicy;
  enabled?: boolean;
}

/**
 * What a test ping reports when no HTTP answer came, whatever the cause: the socket error (refused, reset, timed out,
 * unresolvable) would tell a caller which ports are open on hosts WAGO reaches, turning the route into a port scanner.
 */
export const RECEIVER_UNREACHABLE = 'The receiver could not be reached';

export interface WebhookTestResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error?: string;
}

/** Webhook subscriptions and who may touch them: whoever may see the session (else 404, as for a missing id). */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly sessions: SessionsService,
    private readonly http: WebhookHttpClient,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /** Creates the subscription; its secret is returned here and never again. */
  async create(user: AuthUser, sessionId: string, input: WebhookInput): Promise<WebhookEntity> {
    const session = await this.sessions.get(user, sessionId);
    await this.assertReceiver(input.url);
    const webhook = await this.webhooks.create({
      sessionId: session.id,
      url: input.url,
      events: unique(input.events ?? [ALL_EVENTS]),
      groupPolicy: input.groupPolicy ?? 'mentions',
      enabled: input.enabled ?? true,
      secret: generateSecret(),
    });
    const { url, events, groupPolicy, enabled } = webhook;
    await this.audit.record({
      actor: user,
      action: 'webhook.created',
      targetType: 'webhook',
      targetId: webhook.id,
      summary: { sessionId: session.id, url, events, groupPolicy, enabled },
    });
    return webhook;
  }

  async list(
    user: AuthUser,
    sessionId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: WebhookEntity[]; total: number }> {
    const session = await this.sessions.get(user, sessionId);
    return this.webhooks.listBySession(session.id, page);
  }

  /** The webhook if this user may see its session; anything else is indistinguishable from a missing one. */
  async get(user: AuthUser, webhookId: string): Promise<WebhookEntity> {
    const webhook = await this.webhooks.findById(webhookId);
    if (!webhook) throw new NotFoundError(`Webhook ${webhookId} not found`);
    await notFoundAs(this.sessions.get(user, webhook.sessionId), `Webhook ${webhookId} not found`);
    return webhook;
  }

  async update(user: AuthUser, webhookId: string, input: Partial<WebhookInput>): Promise<WebhookEntity> {
    // Every field may be left out, none may be null (the validation of optional fields lets null through).
    const nulls = Object.entries(input).filter(([, value]) => value === null);
    if (nulls.length > 0) throw new BadRequestError(`${nulls.map(([name]) => name).join(', ')} must not be null`);
    const webhook = await this.get(user, webhookId);
    if (input.url !== undefined) await this.assertReceiver(input.url);
    const changes: WebhookChanges = {
      url: input.url,
      events: input.events && unique(input.events),
      groupPolicy: input.groupPolicy,
      enabled: input.enabled,
    };
    // Enabling again (after a 410, or by hand) forgets why it was disabled.
    if (input.enabled === true) changes.disabledReason = null;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    if (Object.keys(defined).length === 0) return webhook;
    const updated = await this.webhooks.update(webhook.id, defined);
    await this.audit.record({
      actor: user,
      action: 'webhook.updated',
      targetType: 'webhook',
      targetId: webhook.id,
      summary: { sessionId: webhook.sessionId, ...defined },
    });
    return updated;
  }

  async delete(user: AuthUser, webhookId: string): Promise<void> {
    const webhook = await this.get(user, webhookId);
    await this.webhooks.delete(webhook.id);
    await this.audit.record({
      actor: user,
      action: 'webhook.deleted',
      targetType: 'webhook',
      targetId: webhook.id,
      summary: { sessionId: webhook.sessionId, url: webhook.url },
    });
  }

  /** A new secret, returned once; the previous one keeps signing (alongside) until the grace period ends. */
  async rotateSecret(user: AuthUser, webhookId: string): Promise<string> {
    const webhook = await this.get(user, webhookId);
    const secret = generateSecret();
    await this.webhooks.update(webhook.id, {
      secret,
      previousSecret: webhook.secret,
      previousSecretExpiresAt: new Date(this.clock.now().getTime() + this.config.webhooks.secretGraceSeconds * 1000),
    });
    await this.audit.record({
      actor: user,
      action: 'webhook.secret_rotated',
      targetType: 'webhook',
      targetId: webhook.id,
      summary: { sessionId: webhook.sessionId },
    });
    return secret;
  }

  /** Sends a signed `webhook.test` ping now and reports the receiver's answer; nothing is stored or retried. */
  async test(user: AuthUser, webhookId: string): Promise<WebhookTestResult> {
    const webhook = await this.get(user, webhookId);
    const at = this.clock.now();
    const ping: WebhookEnvelope<TestEventData> = {
      version: 1,
      id: newEventId(),
      type: TEST_EVENT_TYPE,
      sessionId: webhook.sessionId,
      timestamp: at.toISOString(),
      data: { webhookId: webhook.id, message: 'Test event from WAGO' },
    };
    const body = JSON.stringify(ping);
    const headers = { ...signWebhook(signingSecrets(webhook, at), ping.id, at, body) };
    const response = await this.http.post({ url: webhook.url, headers, body });
    const ok = isSuccess(response.statusCode);
    const error = response.statusCode === null ? RECEIVER_UNREACHABLE : ok ? undefined : `HTTP ${response.statusCode}`;
    return { ok, statusCode: response.statusCode, durationMs: response.durationMs, ...(error ? { error } : {}) };
  }

  private async assertReceiver(url: string): Promise<void> {
    const refusal = await this.http.refusal(url);
    if (refusal) throw new BadRequestError(`url is not an allowed webhook receiver: ${refusal}`);
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
