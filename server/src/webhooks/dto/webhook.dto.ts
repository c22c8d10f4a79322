import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '../../core/http/pagination';
import { SubscriptionStateDto } from './subscription-rules.dto';
import type { DeliveryDetail, DeliveryRow } from '../deliveries.repository';
import { DELIVERY_STATUSES, DeliveryStatus } from '../webhook-delivery.entity';
import type { WebhookEntity } from '../webhook.entity';
import type { WebhookAttemptEntity } from '../webhook-attempt.entity';

export class WebhookDto extends SubscriptionStateDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ example: 'https://bots.example.com/wago' })
  url!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(webhook: WebhookEntity): WebhookDto {
    return {
      id: webhook.id,
      sessionId: webhook.sessionId,
      url: webhook.url,
      ...SubscriptionStateDto.of(webhook),
      createdAt: webhook.createdAt.toISOString(),
      updatedAt: webhook.updatedAt.toISOString(),
    };
  }
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The signing secret (Standard Webhooks). Shown only now: keep it.',
  })
  secret!: string;

  static withSecret(webhook: WebhookEntity): CreatedWebhookDto {
    return { ...WebhookDto.from(webhook), secret: webhook.secret };
  }
}

export class WebhookListDto extends PageDto(WebhookDto) {}

export class WebhookSecretDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The new secret, shown only now. The previous one keeps signing alongside it for WEBHOOK_SECRET_GRACE.',
  })
  secret!: string;
}

export class WebhookTestResultDto {
  @ApiProperty({ description: 'The receiver answered 2xx' })
  ok!: boolean;

  @ApiProperty({ nullable: true, type: Number, example: 200, description: 'null when no HTTP answer came' })
  statusCode!: number | null;

  @ApiProperty({ example: 12 })
  durationMs!: number;

  @ApiPropertyOptional({ example: 'connect ECONNREFUSED 127.0.0.1:9' })
  error?: string;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'evt_6f1c0f0e4a1b4bd0a9a8f2f6c1e2d3b4', description: 'Equal to the webhook-id header' })
  eventId!: string;

  @ApiProperty({ example: 'message.received' })
  eventType!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;

  @ApiProperty({ example: 1 })
  attemptCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lastAttemptAt!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the next attempt is due' })
  nextAttemptAt!: string | null;

  static from(delivery: DeliveryRow): DeliveryDto {
    return {
      id: delivery.id,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      status: delivery.status,
      attemptCount: delivery.attemptCount,
      createdAt: delivery.createdAt.toISOString(),
      lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
      nextAttemptAt: delivery.status === 'pending' ? (delivery.nextAttemptAt?.toISOString() ?? null) : null,
    };
  }
}

export class DeliveryListDto extends PageDto(DeliveryDto) {}

export class DeliveryAttemptDto {
  @ApiProperty({ example: 1, description: '1 for the first attempt' })
  attempt!: number;

  @ApiProperty({ nullable: true, type: Number, example: 503, description: 'null when no HTTP answer came' })
  statusCode!: number | null;

  @ApiProperty({ example: 35 })
  durationMs!: number;

  @ApiProperty({ nullable: true, type: String, example: 'HTTP 503' })
  error!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The first 1 KB of the answer' })
  responseBody!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'reply.text must not contain NUL characters',
    description: 'Why the bot reply of a 2xx answer was not sent (the delivery itself succeeded and is not retried)',
  })
  replyError!: string | null;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  static from(attempt: WebhookAttemptEntity): DeliveryAttemptDto {
    return {
      attempt: attempt.attempt,
      statusCode: attempt.statusCode,
      durationMs: attempt.durationMs,
      error: attempt.error,
      responseBody: attempt.responseBody,
      replyError: attempt.replyError,
      at: attempt.at.toISOString(),
    };
  }
}

export class DeliveryDetailDto extends DeliveryDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The webhook it goes to; null for a sink' })
  webhookId!: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The sink it goes to; null for a webhook' })
  sinkId!: string | null;

  @ApiProperty({ type: DeliveryAttemptDto, isArray: true })
  attempts!: DeliveryAttemptDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The event exactly as sent (see EventEnvelope, and the webhooks section)',
  })
  event!: object;

  static fromDetail(delivery: DeliveryDetail): DeliveryDetailDto {
    return {
      ...DeliveryDto.from(delivery),
      webhookId: delivery.webhookId,
      sinkId: delivery.sinkId,
      attempts: delivery.attempts.map((attempt) => DeliveryAttemptDto.from(attempt)),
      event: delivery.event,
    };
  }
}

export class RedeliveriesDto {
  @ApiProperty({ example: 3, description: 'How many failed deliveries were queued again (at most 10000 per call)' })
  count!: number;
}
