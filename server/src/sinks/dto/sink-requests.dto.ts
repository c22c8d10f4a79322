import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { SubscriptionRulesDto } from '../../webhooks/dto/subscription-rules.dto';
import {
  DEFAULT_EXCHANGE,
  DEFAULT_STREAM,
  EXCHANGE_PATTERN,
  SINK_KINDS,
  SinkKind,
  STREAM_PATTERN,
} from '../broker-url';

export class CreateSinkDto extends SubscriptionRulesDto {
  @ApiProperty({ enum: SINK_KINDS, description: 'RabbitMQ (a durable topic exchange) or NATS JetStream (a stream)' })
  @IsIn(SINK_KINDS, { message: `kind must be one of: ${SINK_KINDS.join(', ')}` })
  kind!: SinkKind;

  @ApiProperty({
    example: 'amqp://wago:secret@rabbitmq.internal:5672/%2F',
    maxLength: 2048,
    description:
      'amqp(s):// for rabbitmq, nats:// or tls:// for nats. User and password (a NATS token as the user alone) are ' +
      'stored encrypted and never returned; a later url without them keeps them while it names the same host and port',
  })
  @IsString()
  @MaxLength(2048)
  @Matches(/^\P{Cc}+$/u, { message: 'url must not contain control characters' })
  url!: string;

  @ApiPropertyOptional({
    example: DEFAULT_EXCHANGE,
    default: DEFAULT_EXCHANGE,
    maxLength: 255,
    description: 'rabbitmq only: the durable topic exchange (declared if missing); not amq.*',
  })
  @IsOptional()
  @IsString()
  @Matches(EXCHANGE_PATTERN, { message: 'exchange must be 1-255 letters, digits, -_.: and must not start with amq.' })
  exchange?: string;

  @ApiPropertyOptional({
    example: DEFAULT_STREAM,
    default: DEFAULT_STREAM,
    maxLength: 64,
    description: 'nats only: the JetStream stream, created or extended to cover wago.<sessionId>.>',
  })
  @IsOptional()
  @IsString()
  @Matches(STREAM_PATTERN, { message: 'stream must be 1-64 letters, digits, - and _' })
  stream?: string;
}

/** Everything but the kind may change. */
export class UpdateSinkDto extends PartialType(OmitType(CreateSinkDto, ['kind'] as const)) {}
