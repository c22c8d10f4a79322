import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageDto, PaginationQueryDto } from '../../core/http/pagination';
import { IsStorableDate } from '../../core/http/storable-date';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, AuditAction, AuditTargetType } from '../audit-actions';
import type { AuditEntryEntity } from '../audit-entry.entity';

export class ListAuditQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only changes made by this user' })
  @IsOptional()
  @IsUUID('all', { message: 'actor must be a user id (a UUID)' })
  actor?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS, { message: `action must be one of: ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction;

  @ApiPropertyOptional({ maxLength: 128, description: 'Only changes to this user, key, session, webhook, delivery…' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(/^[\w.:@-]+$/, { message: 'targetId must be an id' })
  targetId?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'At or after' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'since must be an ISO 8601 date-time' })
  @IsStorableDate('since')
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Before' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'until must be an ISO 8601 date-time' })
  @IsStorableDate('until')
  until?: Date;
}

/** Who made a change. */
export class AuditActorDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ nullable: true, type: String, description: 'The username at the time of the change' })
  username!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The API key used; null in the console' })
  apiKeyId!: string | null;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  at!: string;

  @ApiProperty({
    nullable: true,
    type: AuditActorDto,
    description: 'Null when nobody could be identified (a failed sign-in with an unknown username)',
  })
  actor!: AuditActorDto | null;

  @ApiProperty({ enum: AUDIT_ACTIONS })
  action!: AuditAction;

  @ApiProperty({ enum: AUDIT_TARGET_TYPES })
  targetType!: AuditTargetType;

  @ApiProperty({ nullable: true, type: String })
  targetId!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'What changed (names, flags, URLs without credentials or query values); never a secret or content',
  })
  summary!: Record<string, unknown>;

  @ApiProperty({ nullable: true, type: String })
  clientAddress!: string | null;

  @ApiProperty({ nullable: true, type: String })
  userAgent!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The X-Request-Id of the request that made the change' })
  correlationId!: string | null;

  static from(entry: AuditEntryEntity): AuditEntryDto {
    return {
      id: entry.id,
      at: entry.at.toISOString(),
      actor:
        entry.actorUserId === null
          ? null
          : { userId: entry.actorUserId, username: entry.actorUsername, apiKeyId: entry.actorApiKeyId },
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      summary: entry.summary,
      clientAddress: entry.clientAddress,
      userAgent: entry.userAgent,
      correlationId: entry.correlationId,
    };
  }
}

export class AuditEntryListDto extends PageDto(AuditEntryDto) {}
