import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PaginationQueryDto } from '../../core/http/pagination';
import type { SessionSettings } from '../session.entity';
import { SESSION_STATUSES, SessionStatus } from '../session-status';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class CreateSessionDto {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'support-line', description: 'Unique among your sessions' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @Matches(/^\P{Cc}+$/u, { message: 'name must not contain control characters' })
  name!: string;
}

/** The largest message WAGO sends to a declined caller (a message, not a letter). */
export const REJECT_CALLS_MESSAGE_MAX_LENGTH = 1000;

export class SessionSettingsChangesDto implements Partial<SessionSettings> {
  @ApiPropertyOptional({ description: 'Decline every incoming call (call.received is still published)' })
  @ValidateIf((_settings: unknown, value: unknown) => value !== undefined)
  @IsBoolean()
  rejectCalls?: boolean;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    minLength: 1,
    maxLength: REJECT_CALLS_MESSAGE_MAX_LENGTH,
    example: 'Sorry, this line takes no calls. Write to us here instead.',
    description: 'Sent as a text to the caller of a declined call (once per call); null sends nothing',
  })
  @IsOptional()
  @IsString()
  @Length(1, REJECT_CALLS_MESSAGE_MAX_LENGTH)
  @Matches(/\S/, { message: 'rejectCallsMessage must not be blank' })
  rejectCallsMessage?: string | null;
}

export class UpdateSessionDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    example: 'support-line',
    description: 'Unique among your sessions',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @Matches(/^\P{Cc}+$/u, { message: 'name must not contain control characters' })
  name?: string;

  @ApiPropertyOptional({ type: SessionSettingsChangesDto, description: 'The settings to change; the others stay' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SessionSettingsChangesDto)
  settings?: SessionSettingsChangesDto;
}

export class ListSessionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: SESSION_STATUSES })
  @IsOptional()
  @IsIn(SESSION_STATUSES, { message: `status must be one of: ${SESSION_STATUSES.join(', ')}` })
  status?: SessionStatus;
}
