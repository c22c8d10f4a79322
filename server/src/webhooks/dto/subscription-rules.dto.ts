// What a webhook and a message-broker sink share: which events they take, which group messages, whether they are on.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';
import { EVENT_SELECTORS, EventSelector } from '../envelope';
import { GROUP_POLICIES, GroupPolicy } from '../mention-policy';

/** The rules a subscription is created or changed with; every one optional, with its default. */
export class SubscriptionRulesDto {
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
    description: 'Which group messages are delivered: only those addressing the account (mentions), all, or none',
  })
  @IsOptional()
  @IsIn(GROUP_POLICIES, { message: `groupPolicy must be one of: ${GROUP_POLICIES.join(', ')}` })
  groupPolicy?: GroupPolicy;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** A subscription's state as answered: its rules, and why WAGO disabled it, if it did. */
export class SubscriptionStateDto {
  @ApiProperty({ enum: EVENT_SELECTORS, isArray: true, example: ['*'] })
  events!: string[];

  @ApiProperty({ enum: GROUP_POLICIES })
  groupPolicy!: GroupPolicy;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'The receiver answered 410 Gone',
    description:
      'Why WAGO disabled it (a webhook answering 410, a sink whose credentials no longer decrypt); null otherwise',
  })
  disabledReason!: string | null;

  static of(subscription: SubscriptionStateDto): SubscriptionStateDto {
    const { events, groupPolicy, enabled, disabledReason } = subscription;
    return { events, groupPolicy, enabled, disabledReason };
  }
}
