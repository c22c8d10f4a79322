// One delivery attempt, by the rules: sign, POST, and record what the answer means (delivered, retry later, failed,
// subscription gone), plus the bot reply a receiver may answer with.
import { Injectable, Logger } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { AppConfig } from '../core/config/app-config';
import { MetricsService } from '../health/metrics.service';
import { MessagesService } from '../messages/messages.service';
import { AfterFailure, AttemptContext, AttemptRecord, DeliveriesRepository } from './deliveries.repository';
import type { DeliveryJob } from './delivery-queue';
import type { MessageReceivedData } from './envelope';
import { nextRetryDelayMs, parseRetryAfter } from './retry-schedule';
import { signWebhook } from './signature';
import { WebhookHttpClient, WebhookResponse } from './webhook-http.client';

const LOGGED_BODY_BYTES = 1024;
const MAX_ERROR_LENGTH = 500;

/** The secrets that sign right now: the current one, and the previous one during a rotation's grace period. */
export function signingSecrets(
  webhook: { secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null },
  at: Date,
): string[] {
  const previousValid =
    webhook.previousSecret && webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt > at;
  return previousValid ? [webhook.secret, webhook.previousSecret as string] : [webhook.secret];
}

export function isSuccess(statusCode: number | null): boolean {
  return statusCode !== null && statusCode >= 200 && statusCode < 300;
}

/** The text of `{"reply": {"text": "..."}}`, or null for any other answer. */
export function botReplyText(body: string | null): string | null {
  if (!body) return null;
  try {
    const parsed = JSON.parse(body) as { reply?: { text?: unknown } } | null;
    const text = parsed?.reply?.text;
    return typeof text === 'string' && text.trim().length > 0 ? text : null;
  } catch {
    return null;
  }
}

function firstBytes(text: string | null, bytes: number): string | null {
  if (text === null) return null;
  const buffer = Buffer.from(text, 'utf8');
  return buffer.length <= bytes ? text : buffer.subarray(0, bytes).toString('utf8');
}

function attempts(count: number): string {
  return count === 1 ? '1 attempt' : `${count} attempts`;
}

function describe(response: WebhookResponse): string | null {
  if (response.error) return response.error.slice(0, MAX_ERROR_LENGTH);
  const code = response.statusCode ?? 0;
  if (code >= 300 && code < 400) return `HTTP ${code}: redirects are not followed`;
  return isSuccess(response.statusCode) ? null : `HTTP ${code}`;
}

@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly attempts: Counter<'outcome'>;
  private readonly duration: Histogram;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly http: WebhookHttpClient,
    private readonly messages: MessagesService,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.attempts = new Counter({
      name: 'wago_webhook_attempts_total',
      help: 'Webhook delivery attempts, by outcome (delivered, retry, failed)',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'wago_webhook_attempt_duration_seconds',
      help: 'Duration of webhook delivery attempts in seconds',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [metrics.registry],
    });
  }

  /** Runs the attempt a job stands for; resolves once its outcome is recorded, so the job can be completed. */
  async attempt(job: DeliveryJob): Promise<void> {
    const context = await this.deliveries.loadAttempt(job.deliveryId);
    // Gone (webhook or session deleted), or superseded by a redelivery or a deferral: nothing to do.
    if (!context || context.jobId !== job.id) return;
    if (!context.enabled) {
      await this.deliveries.failWithoutAttempt(context.deliveryId, job.id);
      return;
    }
    const at = new Date();
    const body = JSON.stringify(context.event);
    const headers = { ...signWebhook(signingSecrets(context, at), context.event.id, at, body) };
    const response = await this.http.post({ url: context.url, headers, body });
    this.duration.observe(response.durationMs / 1000);
    const record: AttemptRecord = {
      statusCode: response.statusCode,
      durationMs: response.durationMs,
      error: describe(response),
      responseBody: firstBytes(response.body, LOGGED_BODY_BYTES),
      at,
    };
    if (isSuccess(response.statusCode)) {
      // Queued before the delivery is marked delivered: a crash in between redelivers, and the reply's
      // idempotency key keeps it single.
      await this.queueBotReply(context, response.body);
      await this.deliveries.recordDelivered(context.deliveryId, job.id, record);
      this.attempts.inc({ outcome: 'delivered' });
      return;
    }
    const after = this.afterFailure(context, response, at);
    await this.deliveries.recordFailed(context.deliveryId, job.id, record, after);
    this.attempts.inc({ outcome: 'retryInMs' in after ? 'retry' : 'failed' });
    if ('failed' in after) {
      this.logger.warn(
        { sessionId: context.sessionId, webhookId: context.webhookId, deliveryId: context.deliveryId },
        `Webhook delivery failed: ${context.deliveryId} after ${attempts(context.attemptCount + 1)} (${record.error})`,
      );
    }
    if ('failed' in after && after.disableWebhook) {
      this.logger.warn(
        { sessionId: context.sessionId, webhookId: context.webhookId },
        `Webhook disabled: ${context.webhookId} (the receiver answered 410 Gone)`,
      );
    }
  }

  private afterFailure(context: AttemptContext, response: WebhookResponse, at: Date): AfterFailure {
    if (response.statusCode === 410) return { failed: true, disableWebhook: 'The receiver answered 410 Gone' };
    const delay = nextRetryDelayMs(
      this.config.webhooks.retryScheduleSeconds,
      context.attemptCount + 1,
      parseRetryAfter(response.retryAfter, at),
    );
    return delay === null ? { failed: true } : { retryInMs: delay };
  }

  private async queueBotReply(context: AttemptContext, body: string | null): Promise<void> {
    if (context.event.type !== 'message.received') return;
    const message = context.event.data as MessageReceivedData;
    const text = message.fromMe ? null : botReplyText(body);
    if (!text) return;
    await this.messages.queueReply({
      sessionId: context.sessionId,
      chatJid: message.chat.jid,
      text,
      quoted: { messageId: message.id, sender: message.sender.pn ?? message.sender.lid },
      idempotencyKey: `webhook-reply:${context.deliveryId}`,
    });
  }
}
