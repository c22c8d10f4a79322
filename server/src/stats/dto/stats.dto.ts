// GET /stats as the API shows it: the dashboard's figures, each with the window it covers.
import { ApiProperty } from '@nestjs/swagger';
import type { SessionStatus } from '../../sessions/session-status';
import { SESSION_STATUSES } from '../../sessions/session-status';
import type { DeliveryStatus } from '../../webhooks/webhook-delivery.entity';
import type { DeliveryBucket, MessageBucket, ProblemReason, SessionProblem, Stats } from '../stats.service';

const count = (description: string): ReturnType<typeof ApiProperty> =>
  ApiProperty({ type: 'integer', minimum: 0, description });

export class SessionsByStatusDto implements Record<SessionStatus, number> {
  @count('Sessions in status created') created!: number;
  @count('Sessions in status starting') starting!: number;
  @count('Sessions in status qr') qr!: number;
  @count('Sessions in status pairing_code') pairing_code!: number;
  @count('Sessions in status connected') connected!: number;
  @count('Sessions in status reconnecting') reconnecting!: number;
  @count('Sessions in status stopped') stopped!: number;
  @count('Sessions in status qr_timeout') qr_timeout!: number;
  @count('Sessions in status logged_out') logged_out!: number;
  @count('Sessions in status banned') banned!: number;
  @count('Sessions in status replaced') replaced!: number;
  @count('Sessions in status failed') failed!: number;
}

export class SessionStatsDto {
  @count('Every session counted here') total!: number;
  @ApiProperty({ type: SessionsByStatusDto, description: 'How many sessions are in each status now (every status)' })
  byStatus!: SessionsByStatusDto;
}

export class MessageBucketDto implements MessageBucket {
  @ApiProperty({ format: 'date-time', description: 'The start of the minute or hour' })
  at!: string;
  @count('Messages received in it') in!: number;
  @count('Messages sent in it (through WAGO or from the phone)') out!: number;
}

export class MessageSeriesDto {
  @ApiProperty({
    type: [MessageBucketDto],
    description: '60 buckets, oldest first: the current minute (partial, last) and the 59 before it',
  })
  perMinute!: MessageBucketDto[];
  @ApiProperty({
    type: [MessageBucketDto],
    description: '24 buckets, oldest first: the current hour (partial, last) and the 23 before it',
  })
  perHour!: MessageBucketDto[];
}

export class MessageStatsDto {
  @count('Messages received over the last 24 h') in!: number;
  @count('Messages sent over the last 24 h (through WAGO or from the phone)') out!: number;
  @ApiProperty({ format: 'date-time', description: 'Where the 24 h of `in` and `out` start' })
  since!: string;
  @ApiProperty({ type: MessageSeriesDto })
  series!: MessageSeriesDto;
}

export class DeliveriesByStatusDto implements Record<DeliveryStatus, number> {
  @count('Waiting for their first or next attempt') pending!: number;
  @count('Accepted by the receiver') delivered!: number;
  @count('Given up after the last retry') failed!: number;
}

export class DeliveryBucketDto extends DeliveriesByStatusDto implements DeliveryBucket {
  @ApiProperty({ format: 'date-time', description: 'The start of the minute or hour the deliveries were made in' })
  at!: string;
}

export class DeliverySeriesDto {
  @ApiProperty({ type: [DeliveryBucketDto], description: '60 per-minute buckets, oldest first, the current one last' })
  perMinute!: DeliveryBucketDto[];
  @ApiProperty({ type: [DeliveryBucketDto], description: '24 per-hour buckets, oldest first, the current one last' })
  perHour!: DeliveryBucketDto[];
}

export class LatencyDto {
  @ApiProperty({ type: 'integer', nullable: true, description: 'Median attempt duration (ms); null without attempts' })
  p50!: number | null;
  @ApiProperty({ type: 'integer', nullable: true, description: '95th percentile attempt duration (ms)' })
  p95!: number | null;
  @count('How many attempts the percentiles are over') attempts!: number;
  @ApiProperty({ format: 'date-time', description: 'Attempts made since then (the last hour) are counted' })
  since!: string;
}

export class DeliveryStatsDto {
  @ApiProperty({ format: 'date-time', description: 'Deliveries made since then (the last 24 h) are counted' })
  since!: string;
  @ApiProperty({
    type: DeliveriesByStatusDto,
    description: 'Webhook and sink deliveries made over the last 24 h, by their outcome so far',
  })
  byStatus!: DeliveriesByStatusDto;
  @ApiProperty({ type: LatencyDto, description: 'Duration of the delivery attempts made over the last hour' })
  latencyMs!: LatencyDto;
  @count('Deliveries pending now, whatever their age') backlog!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the oldest pending was made' })
  oldestPendingAt!: string | null;
  @ApiProperty({ type: DeliverySeriesDto, description: 'Deliveries by the minute or hour they were made in' })
  series!: DeliverySeriesDto;
}

const PROBLEM_REASONS: readonly ProblemReason[] = ['disconnected', 'failing_deliveries'];

export class SessionProblemDto implements SessionProblem {
  @ApiProperty({ format: 'uuid' })
  sessionId!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: SESSION_STATUSES })
  status!: SessionStatus;
  @ApiProperty({
    enum: PROBLEM_REASONS,
    isArray: true,
    description:
      '`disconnected`: the session is reconnecting, logged out, banned, replaced, failed or its QR timed out; ' +
      '`failing_deliveries`: deliveries failed over the last 24 h or are being retried',
  })
  reasons!: ProblemReason[];
  @count('Deliveries made over the last 24 h that failed') failedDeliveries!: number;
  @count('Pending deliveries already attempted at least once') retryingDeliveries!: number;
}

export class StatsDto implements Stats {
  @ApiProperty({ format: 'date-time', description: 'The instant every window ends at' })
  generatedAt!: string;
  @ApiProperty({ type: SessionStatsDto })
  sessions!: SessionStatsDto;
  @ApiProperty({ type: MessageStatsDto, description: 'From the message history (none when it keeps nothing)' })
  messages!: MessageStatsDto;
  @ApiProperty({ type: DeliveryStatsDto })
  deliveries!: DeliveryStatsDto;
  @ApiProperty({
    type: [SessionProblemDto],
    description: 'Sessions with problems (at most 50): the disconnected first, then by failing deliveries',
  })
  problems!: SessionProblemDto[];
}
