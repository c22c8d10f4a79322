import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import type { MediaFile } from '../media.service';

/** A stored file, as the upload answers it. */
export class MediaDto implements Pick<MediaFile, 'id' | 'mimetype' | 'size' | 'sha256' | 'fileName'> {
  @ApiProperty({ format: 'uuid', description: 'Use it to send the file from any of your sessions' })
  id!: string;

  @ApiProperty({ example: 'image/jpeg' })
  mimetype!: string;

  @ApiProperty({ example: 48213, description: 'Bytes' })
  size!: number;

  @ApiProperty({
    example: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    description: 'Hex SHA-256',
  })
  sha256!: string;

  @ApiProperty({ nullable: true, type: String, example: 'invoice.pdf' })
  fileName!: string | null;

  static from(file: MediaFile): MediaDto {
    return { id: file.id, mimetype: file.mimetype, size: file.size, sha256: file.sha256, fileName: file.fileName };
  }
}

/** The query of a signed media link; without it, the caller's credentials must be the owner's. */
export class MediaLinkQueryDto {
  @ApiPropertyOptional({
    description: 'Unix seconds the link expires at',
    example: '1767225600',
    pattern: '^\\d{1,12}$',
  })
  @IsOptional()
  @Matches(/^\d{1,12}$/, { message: 'expires must be unix seconds' })
  expires?: string;

  @ApiPropertyOptional({
    description: 'HMAC-SHA256 of the id and expiry, base64url',
    example: 'Jw3kq0q6S2zDmdZ7n5pY1cU4hN8oTq2v3aXb9eLfWgI',
    pattern: '^[\\w-]{1,100}$',
  })
  @IsOptional()
  @Matches(/^[\w-]{1,100}$/, { message: 'signature must be base64url' })
  signature?: string;
}
