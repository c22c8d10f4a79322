import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  NotContains,
} from 'class-validator';
import { PageDto, PaginationQueryDto } from '../../core/http/pagination';
import type { NumberLookup } from '../../whatsapp/whatsapp.provider';
import type { ContactEntity } from '../contact.entity';

/** A contact as the API shows it. */
export interface Contact {
  pn: string | null;
  lid: string | null;
  pushName: string | null;
  verifiedName: string | null;
  profilePictureUrl: string | null;
  blocked: boolean;
  updatedAt: string;
}

/** Up to 50 numbers per check: one WhatsApp query answers them all. */
export const MAX_CHECKED_NUMBERS = 50;

export class CheckContactsDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: 30, pattern: '^\\+?[\\d\\s().-]+$' },
    minItems: 1,
    maxItems: MAX_CHECKED_NUMBERS,
    example: ['15551234567', '+49 30 1234567'],
    description: 'Phone numbers with country code: digits, a leading + and spaces, brackets, dots or dashes',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CHECKED_NUMBERS)
  @IsString({ each: true })
  @MaxLength(30, { each: true })
  @Matches(/^\+?[\d\s().-]+$/, { each: true, message: 'each of phoneNumbers must be a phone number' })
  phoneNumbers!: string[];
}

export class NumberCheckDto implements NumberLookup {
  @ApiProperty({ example: '15551234567', description: 'Digits, as normalised from the number asked' })
  phoneNumber!: string;

  @ApiProperty({ description: 'The number has a WhatsApp account' })
  exists!: boolean;

  @ApiProperty({ nullable: true, type: String, example: '15551234567@s.whatsapp.net' })
  jid!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '104615571985825@lid', description: 'When WhatsApp told it' })
  lid!: string | null;

  static from(lookup: NumberLookup): NumberCheckDto {
    return { phoneNumber: lookup.phoneNumber, exists: lookup.exists, jid: lookup.jid, lid: lookup.lid };
  }
}

export class NumberCheckListDto {
  @ApiProperty({ type: NumberCheckDto, isArray: true, description: 'One per number asked, in the order asked' })
  items!: NumberCheckDto[];
}

export class ContactDto implements Contact {
  @ApiProperty({ nullable: true, type: String, example: '15551234567@s.whatsapp.net', description: 'Phone-number JID' })
  pn!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '104615571985825@lid' })
  lid!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Alice', description: 'The name they gave themselves' })
  pushName!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'A business account’s verified name' })
  verifiedName!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'WhatsApp’s URL (it expires); null when none or hidden' })
  profilePictureUrl!: string | null;

  @ApiProperty({ description: 'This session blocked them' })
  blocked!: boolean;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  static from(contact: ContactEntity): ContactDto {
    return {
      pn: contact.pn,
      lid: contact.lid,
      pushName: contact.pushName,
      verifiedName: contact.verifiedName,
      profilePictureUrl: contact.profilePictureUrl,
      blocked: contact.blocked,
      updatedAt: contact.updatedAt.toISOString(),
    };
  }
}

export class ContactListDto extends PageDto(ContactDto) {}

export class ListContactsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'Part of a name (any case), or digits of a number or LID' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NotContains('\u0000', { message: 'q must not contain NUL characters' })
  q?: string;
}
