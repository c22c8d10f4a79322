import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { API_KEY_SCOPES, ApiKeyScope } from '../api-key-scopes';
import { PageDto } from '../../core/http/pagination';
import type { ApiKeyEntity } from '../api-key.entity';
import type { CreatedApiKey } from '../api-keys.service';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'billing-service', maxLength: 100, description: 'What the key is for' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(/^\P{Cc}+$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({
    enum: API_KEY_SCOPES,
    isArray: true,
    minItems: 1,
    required: false,
    description: 'What the key may do; left out: every scope. A request outside them answers 403 naming the scope.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(API_KEY_SCOPES, { each: true })
  scopes?: ApiKeyScope[];

  @ApiProperty({
    type: String,
    format: 'uuid',
    isArray: true,
    minItems: 1,
    maxItems: 1000,
    required: false,
    description:
      'The only sessions the key reaches (each one of yours); any other answers 404, and the key may not create ' +
      'sessions. Left out: all your sessions, present and future.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  sessionIds?: string[];

  @ApiProperty({
    type: String,
    format: 'date-time',
    required: false,
    description: 'When the key stops working (then 401, as if revoked); must be in the future. Left out: never.',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;
}

/** What a key may do, as lists and the creation answer show it. */
class ApiKeyLimitsDto {
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  scopes!: ApiKeyScope[];

  @ApiProperty({
    type: String,
    format: 'uuid',
    isArray: true,
    nullable: true,
    description: 'The only sessions the key reaches; null: all of its owner’s',
  })
  sessionIds!: string[] | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null: never expires' })
  expiresAt!: string | null;
}

function limitsOf(key: ApiKeyEntity): ApiKeyLimitsDto {
  return { scopes: key.scopes, sessionIds: key.sessionIds, expiresAt: key.expiresAt?.toISOString() ?? null };
}

export class ApiKeyDto extends ApiKeyLimitsDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'billing-service' })
  name!: string;

  @ApiProperty({ example: 'wago_3xK9q2m', description: 'The first 12 characters of the key, to recognise it' })
  prefix!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Precise to about a minute' })
  lastUsedAt!: string | null;

  static from(key: ApiKeyEntity): ApiKeyDto {
    return {
      id: key.id,
      name: key.name,
      prefix: key.prefix,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      ...limitsOf(key),
    };
  }
}

export class ApiKeyListDto extends PageDto(ApiKeyDto) {}

export class CreatedApiKeyDto extends ApiKeyLimitsDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'billing-service' })
  name!: string;

  @ApiProperty({ example: 'wago_3xK9q2m' })
  prefix!: string;

  @ApiProperty({
    description: 'The key, shown only in this answer: send it as the X-Api-Key header',
    example: 'wago_3xK9q2mZr0Vb1yT7nW4eLcJ8aHs5dGfQpUoIiEkMxN',
  })
  key!: string;

  static from({ apiKey, key }: CreatedApiKey): CreatedApiKeyDto {
    return { id: apiKey.id, name: apiKey.name, prefix: apiKey.prefix, key, ...limitsOf(apiKey) };
  }
}
