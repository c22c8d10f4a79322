import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto } from '../../core/http/pagination';
import { SubscriptionStateDto } from '../../webhooks/dto/subscription-rules.dto';
import { SINK_KINDS, SinkKind } from '../broker-url';
import type { SinkEntity } from '../sink.entity';

export class SinkDto extends SubscriptionStateDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ enum: SINK_KINDS })
  kind!: SinkKind;

  @ApiProperty({ example: 'amqp://rabbitmq.internal:5672/%2F', description: 'Without credentials' })
  url!: string;

  @ApiProperty({ description: 'Credentials are stored (encrypted) for this sink; they are never returned' })
  hasCredentials!: boolean;

  @ApiProperty({ nullable: true, type: String, example: 'wago.events', description: 'rabbitmq: the exchange' })
  exchange!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'WAGO', description: 'nats: the JetStream stream' })
  stream!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(sink: SinkEntity): SinkDto {
    return {
      id: sink.id,
      sessionId: sink.sessionId,
      kind: sink.kind,
      url: sink.url,
      hasCredentials: sink.credentials !== null,
      exchange: sink.exchange,
      stream: sink.stream,
      ...SubscriptionStateDto.of(sink),
      createdAt: sink.createdAt.toISOString(),
      updatedAt: sink.updatedAt.toISOString(),
    };
  }
}

export class SinkListDto extends PageDto(SinkDto) {}

export class SinkTestResultDto {
  @ApiProperty({ description: 'The broker accepted the test event (RabbitMQ confirmed it, JetStream acknowledged it)' })
  ok!: boolean;

  @ApiProperty({ example: 8 })
  durationMs!: number;

  @ApiPropertyOptional({ example: 'The broker could not be reached or did not accept the event' })
  error?: string;
}
