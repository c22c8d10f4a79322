import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
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
}

export class ApiKeyDto {
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
    };
  }
}

export class ApiKeyListDto extends PageDto(ApiKeyDto) {}

export class CreatedApiKeyDto {
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
    return { id: apiKey.id, name: apiKey.name, prefix: apiKey.prefix, key };
  }
}
