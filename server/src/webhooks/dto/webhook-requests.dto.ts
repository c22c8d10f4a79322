import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { PaginationQueryDto } from '../../core/http/pagination';
import { IsStorableDate } from '../../core/http/storable-date';
import { EVENT_SELECTORS, EventSelector } from '../envelope';
import { GROUP_POLICIES, GroupPolicy } from '../mention-policy';
import { DELIVERY_STATUSES, DeliveryStatus } from '../webhook-delivery.entity';

const URL_RULES =
  'http(s), no credentials; link-local and cloud metadata addresses are refused, private ones too with WEBHOOK_DENY_PRIVATE=true';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://bots.example.com/wago', maxLength: 2048, description: URL_RULES })
  @IsString()
  @MaxLength(2048)
  @Matches(/^\P{Cc}+$/u, { message: 'url must not contain control characters' })
  url!: string;

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
    description: 'Which group messages are forwarded: only those addressing the account (mentions), all, or none',
  })
  @IsOptional()
  @IsIn(GROUP_POLICIES, { message: `groupPolicy must be one of: ${GROUP_POLICIES.join(', ')}` })
  groupPolicy?: GroupPolicy;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateWebhookDto extends PartialType(CreateWebhookDto) {}

export class ListDeliveriesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES, { message: `status must be one of: ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Created at or after' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'since must be an ISO 8601 date-time' })
  @IsStorableDate('since')
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Created before' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'until must be an ISO 8601 date-time' })
  @IsStorableDate('until')
  until?: Date;
}

export class RedeliverFailedDto {
  @ApiProperty({ type: String, format: 'date-time', description: 'Redeliver failed deliveries created since then' })
  @Type(() => Date)
  @IsDate({ message: 'since must be an ISO 8601 date-time' })
  @IsStorableDate('since')
  since!: Date;
}
