import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../core/http/pagination';
import { SubscriptionRulesDto } from './subscription-rules.dto';
import { IsStorableDate } from '../../core/http/storable-date';
import { DELIVERY_STATUSES, DeliveryStatus } from '../webhook-delivery.entity';

const URL_RULES =
  'http(s), no credentials; link-local and cloud metadata addresses are refused, private ones too with WEBHOOK_DENY_PRIVATE=true';

export class CreateWebhookDto extends SubscriptionRulesDto {
  @ApiProperty({ example: 'https://bots.example.com/wago', maxLength: 2048, description: URL_RULES })
  @IsString()
  @MaxLength(2048)
  @Matches(/^\P{Cc}+$/u, { message: 'url must not contain control characters' })
  url!: string;
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
