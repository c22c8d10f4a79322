// The shared list contract: every list endpoint takes ?limit&offset and answers {items, total}.
import type { Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;
/** Larger offsets overflow Postgres' bigint OFFSET (a 500); nothing has that many rows anyway. */
export const MAX_PAGE_OFFSET = Number.MAX_SAFE_INTEGER;

/** Query parameters of a list endpoint; feature queries extend this class to add their own filters. */
export class PaginationQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    description: 'How many items to return',
    minimum: 1,
    maximum: MAX_PAGE_LIMIT,
    default: DEFAULT_PAGE_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit: number = DEFAULT_PAGE_LIMIT;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'How many items to skip',
    minimum: 0,
    maximum: MAX_PAGE_OFFSET,
    default: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PAGE_OFFSET)
  offset: number = 0;
}

export interface Page<T> {
  items: T[];
  /** All matching items, not only this page. */
  total: number;
}

/**
 * The Swagger shape of a page of `itemType`. Extend it so the schema gets a name of its own:
 * `export class UserListDto extends PageDto(UserDto) {}`.
 */
export function PageDto<T>(itemType: ClassType<T>): ClassType<Page<T>> {
  class PageOf implements Page<T> {
    @ApiProperty({ type: itemType, isArray: true })
    items!: T[];

    @ApiProperty({ type: 'integer', description: 'All matching items, not only this page', minimum: 0 })
    total!: number;
  }
  return PageOf;
}
