// One delivery attempt, by the rules: sign and POST to a webhook, or publish to a sink's broker; then record what the
// answer means (delivered, retry later, failed, subscription gone), plus the bot reply a webhook may answer with.
import { Injectable, Logger } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { AppConfig } from '../core/config/app-config';
import { databaseErrorCode } from '../core/database/database-errors';
import { Clock } from '../core/runtime/clock';
import { WriteBehindBatcher } from '../core/runtime/write-behind-batcher';
import { MetricsService } from '../health/metrics.service';
import { MessagesService } from '../messages/messages.service';
import { BrokerPublisher } from '../sinks/broker-publisher';
import {
  AfterFailure,
  AttemptContext,
  AttemptRecord,
  DeliveriesRepository,
  WebhookAttemptContext,
} from './deliveries.repository';
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

/** A bot reply is a chat answer: anything longer is a receiver's bug, not a message worth sending. */
export const MAX_BOT_REPLY_LENGTH = 4096;

/** What a receiver's answer asks WAGO to send back: nothing, a text, or a reply it cannot send (and why). */
export type BotReplyRequest = { text: string } | { error: string } | null;

/**
 * The bot reply in `{"reply": {"text": "..."}}`. Any other answer asks for nothing (null, as a blank text does);
 * a `reply` that is malformed, holds a NUL or is too long is an error to log, never something to send.
 */
export function botReplyOf(body: string | null): BotReplyRequest {
  if (!body) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || !('reply' in parsed) || parsed.reply === null) return null;
  const reply = parsed.reply;
  const text = typeof reply === 'object' && 'text' in reply ? reply.text : undefined;
  if (typeof text !== 'string') return { error: 'reply must be {"text": "..."} with a string text' };
  if (text.trim().length === 0) return null;
  if (text.includes('\u0000')) return { error: 'reply.text must not contain NUL characters' };
  if ([...text].length > MAX_BOT_REPLY_LENGTH) {
    return { error: `reply.text is longer than ${MAX_BOT_REPLY_LENGTH} characters` };
  }
  return { text };
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

/** An attempt ready to go: its job still owns the delivery and the webhook is enabled. */
export interface PreparedAttempt {
  job: DeliveryJob;
  context: AttemptContext;
}

export interface SentAttempt extends PreparedAttempt {
  at: Date;
  /** A broker's outcome is an answer without an HTTP status. */
  response: WebhookResponse;
  /** The receiver took the event: a 2xx, or the broker's confirmation. */
  accepted: boolean;
  /** Set when retrying cannot help: the webhook or sink is disabled with this reason. */
  disable?: string;
}

/** 2xx outcomes are written together: one statement for every success within this window (or batch size). */
const DELIVERED_BATCH_MS = 5;
const DELIVERED_BATCH_SIZE = 100;

interface PendingDelivered {
  deliveryId: string;
  jobId: string;
  attempt: AttemptRecord;
  settle: { resolve: () => void; reject: (error: unknown) => void };
}

/**
 * An attempt in three steps, so the worker holds a receiver's concurrency slot only for the HTTP request: prepare
 * (read, in batches), send (sign and POST), finish (record the outcome and what follows).
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);
  private readonly attempts: Counter<'outcome'>;
  private readonly duration: Histogram;
  /** Delivered outcomes are recorded in batches; each attempt's promise settles with its batch's write. */
  private readonly delivered: WriteBehindBatcher<PendingDelivered>;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly http: WebhookHttpClient,
    private readonly brokers: BrokerPublisher,
    private readonly messages: MessagesService,
    private readonly config: AppConfig,
    metrics: MetricsService,
    private readonly clock: Clock,
  ) {
    this.delivered = new WriteBehindBatcher(
      'delivered outcomes',
      (batch) => this.writeDelivered(batch),
      { maxItems: DELIVERED_BATCH_SIZE, maxDelayMs: DELIVERED_BATCH_MS },
      clock,
    );
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

  /**
   * Reads what the jobs' attempts need. Jobs with nothing to do are settled here and returned as finished: their
   * delivery is gone (webhook or session deleted), superseded (a redelivery, a deferral), or its webhook disabled.
   */
  async prepare(jobs: DeliveryJob[]): Promise<{ ready: PreparedAttempt[]; finished: DeliveryJob[] }> {
    const contexts = await this.deliveries.loadAttempts(jobs.map((job) => job.deliveryId));
    const ready: PreparedAttempt[] = [];
    const finished: DeliveryJob[] = [];
    for (const job of jobs) {
      const context = contexts.get(job.deliveryId);
      if (!context || context.jobId !== job.id) {
        finished.push(job);
      } else if (!context.enabled) {
        await this.deliveries.failWithoutAttempt(context.deliveryId, job.id);
        finished.push(job);
      } else {
        ready.push({ job, context });
      }
    }
    return { ready, finished };
  }

  /**
   * Signs the event at the moment it leaves and POSTs it, or publishes it to the sink's broker; never rejects (a
   * failure is an answer with an error).
   */
  async send(attempt: PreparedAttempt): Promise<SentAttempt> {
    const { context } = attempt;
    const at = this.clock.now();
    if (context.kind === 'sink') {
      const outcome = await this.brokers.publish(context.sink, context.event);
      this.duration.observe(outcome.durationMs / 1000);
      const response = {
        statusCode: null,
        durationMs: outcome.durationMs,
        error: outcome.error,
        body: null,
        retryAfter: undefined,
      };
      return { ...attempt, at, response, accepted: outcome.error === null, disable: outcome.disable };
    }
    const body = JSON.stringify(context.event);
    const headers = { ...signWebhook(signingSecrets(context, at), context.event.id, at, body) };
    const response = await this.http.post({ url: context.url, headers, body });
    this.duration.observe(response.durationMs / 1000);
    const gone = response.statusCode === 410 ? 'The receiver answered 410 Gone' : undefined;
    return { ...attempt, at, response, accepted: isSuccess(response.statusCode), disable: gone };
  }

  /**
   * Records what the answer means: delivered (after queueing any bot reply, or noting why it could not be), a retry,
   * failed, or the webhook gone.
   */
  async finish(sent: SentAttempt): Promise<void> {
    const { job, context, response, at, accepted } = sent;
    const record: AttemptRecord = {
      statusCode: response.statusCode,
      durationMs: response.durationMs,
      error: accepted ? null : describe(response),
      responseBody: firstBytes(response.body, LOGGED_BODY_BYTES),
      replyError: null,
      at,
    };
    if (accepted) {
      // Queued before the delivery is marked delivered: a crash in between redelivers, and the reply's
      // idempotency key keeps it single. A reply that cannot be queued is the attempt's note, never a retry.
      const replyError = context.kind === 'webhook' ? await this.queueBotReply(context, response.body) : null;
      await this.recordDelivered(context.deliveryId, job.id, { ...record, replyError });
      this.attempts.inc({ outcome: 'delivered' });
      return;
    }
    const after = this.afterFailure(context, sent);
    await this.deliveries.recordFailed(context.deliveryId, job.id, record, after);
    this.attempts.inc({ outcome: 'retryInMs' in after ? 'retry' : 'failed' });
    const subject = context.kind === 'webhook' ? 'Webhook' : 'Sink';
    const where = { sessionId: context.sessionId, [`${context.kind}Id`]: context.targetId };
    if ('failed' in after) {
      this.logger.warn(
        { ...where, deliveryId: context.deliveryId },
        `${subject} delivery failed: ${context.deliveryId} after ${attempts(context.attemptCount + 1)} (${record.error})`,
      );
    }
    if ('failed' in after && after.disable) {
      this.logger.warn(where, `${subject} disabled: ${context.targetId} (${after.disable})`);
    }
  }

  private recordDelivered(deliveryId: string, jobId: string, attempt: AttemptRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.delivered.add({ deliveryId, jobId, attempt, settle: { resolve, reject } });
    });
  }

  /**
   * One row per delivery per statement: a duplicate (two jobs racing on one delivery) goes in a second statement.
   * Never rejects: every entry's own promise carries the outcome of the statement that wrote it.
   */
  private async writeDelivered(entries: PendingDelivered[]): Promise<void> {
    let rest = entries;
    while (rest.length > 0) {
      const batch: PendingDelivered[] = [];
      const later: PendingDelivered[] = [];
      for (const entry of rest)
        (batch.some((taken) => taken.deliveryId === entry.deliveryId) ? later : batch).push(entry);
      try {
        await this.deliveries.recordDelivered(batch);
        batch.forEach((entry) => entry.settle.resolve());
      } catch (error) {
        batch.forEach((entry) => entry.settle.reject(error));
      }
      rest = later;
    }
  }

  private afterFailure(context: AttemptContext, sent: SentAttempt): AfterFailure {
    if (sent.disable) return { failed: true, disable: sent.disable };
    const delay = nextRetryDelayMs(
      this.config.webhooks.retryScheduleSeconds,
      context.attemptCount + 1,
      parseRetryAfter(sent.response.retryAfter, sent.at),
    );
    return delay === null ? { failed: true } : { retryInMs: delay };
  }

  /** Queues the reply the receiver answered with, if any; returns why it was not queued, if it was not. */
  private async queueBotReply(context: WebhookAttemptContext, body: string | null): Promise<string | null> {
    if (context.event.type !== 'message.received') return null;
    const message = context.event.data as MessageReceivedData;
    const reply = message.fromMe ? null : botReplyOf(body);
    if (!reply) return null;
    if ('error' in reply) return this.replyNotQueued(context, reply.error);
    try {
      await this.messages.queueReply({
        sessionId: context.sessionId,
        chatJid: message.chat.jid,
        text: reply.text,
        quoted: { messageId: message.id, sender: message.sender.pn ?? message.sender.lid },
        idempotencyKey: `webhook-reply:${context.deliveryId}`,
      });
      return null;
    } catch (error) {
      // Posting the event again would not make the reply any more sendable: the delivery succeeded.
      const code = databaseErrorCode(error);
      return this.replyNotQueued(context, `the reply could not be queued${code ? ` (database error ${code})` : ''}`);
    }
  }

  private replyNotQueued(context: WebhookAttemptContext, reason: string): string {
    this.logger.warn(
      { sessionId: context.sessionId, webhookId: context.targetId, deliveryId: context.deliveryId },
      `Bot reply not sent: ${context.deliveryId} (${reason})`,
    );
    return reason.slice(0, MAX_ERROR_LENGTH);
  }
}
