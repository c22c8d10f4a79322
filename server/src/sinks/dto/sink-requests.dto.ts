import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { EVENT_SELECTORS, EventSelector } from '../../webhooks/envelope';
import { GROUP_POLICIES, GroupPolicy } from '../../webhooks/mention-policy';
import {
  DEFAULT_EXCHANGE,
  DEFAULT_STREAM,
  EXCHANGE_PATTERN,
  SINK_KINDS,
  SinkKind,
  STREAM_PATTERN,
} from '../broker-url';

export class CreateSinkDto {
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

  @ApiPropertyOptional({
    enum: EVENT_SELECTORS,
    isArray: true,
    minItems: 1,
    maxItems: EVENT_SELECTORS.length,
    default: ['*'],
    example: ['message.received'],
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(EVENT_SELECTORS.length)
  @IsIn(EVENT_SELECTORS, { each: true, message: `each value in events must be one of: ${EVENT_SELECTORS.join(', ')}` })
  events?: EventSelector[];

  @ApiPropertyOptional({
    enum: GROUP_POLICIES,
    default: 'mentions',
    description: 'Which group messages are published: only those addressing the account (mentions), all, or none',
  })
  @IsOptional()
  @IsIn(GROUP_POLICIES, { message: `groupPolicy must be one of: ${GROUP_POLICIES.join(', ')}` })
  groupPolicy?: GroupPolicy;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Everything but the kind may change. */
export class UpdateSinkDto extends PartialType(OmitType(CreateSinkDto, ['kind'] as const)) {}
