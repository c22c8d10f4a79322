import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PaginationQueryDto } from '../../core/http/pagination';
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

export class UpdateSessionDto extends CreateSessionDto {}

export class ListSessionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: SESSION_STATUSES })
  @IsOptional()
  @IsIn(SESSION_STATUSES, { message: `status must be one of: ${SESSION_STATUSES.join(', ')}` })
  status?: SessionStatus;
}
