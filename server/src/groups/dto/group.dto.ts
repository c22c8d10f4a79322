import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageDto, PaginationQueryDto } from '../../core/http/pagination';
import {
  GROUP_ROLES,
  PARTICIPANT_ACTIONS,
  type GroupInfo,
  type GroupMember,
  type GroupRole,
  type ParticipantChangeResult,
} from '../../whatsapp/whatsapp.provider';
import type { GroupSummary } from '../groups.repository';
import { PERSON_PATTERN } from '../../messages/recipient';
import { INVITE_PATTERN } from '../invite-link';

/** A group JID, as every group route takes it: digits (an old group's `creator-time`) and `@g.us`. */
export const GROUP_JID_PATTERN = '^\\d{6,30}(-\\d{6,15})?@g\\.us$';
/** A person as a group route takes it: a phone number, a PN JID or a LID. */
/** WhatsApp's limits: subjects of 100 characters, descriptions of 2,048, groups of 1,024 members. */
export const MAX_SUBJECT_LENGTH = 100;
export const MAX_DESCRIPTION_LENGTH = 2048;
export const MAX_PARTICIPANTS_PER_REQUEST = 256;

const NOT_BLANK = /\S/;

/** A list of people to add to or change in a group; `required: false` for one of several alternative lists. */
function Participants(options: { required: boolean }): PropertyDecorator {
  const schema = {
    type: String,
    isArray: true,
    minItems: 1,
    maxItems: MAX_PARTICIPANTS_PER_REQUEST,
    example: ['15551234567', '123456789012345@lid'],
    description: 'Phone numbers, PN JIDs or LIDs',
    items: { type: 'string', pattern: PERSON_PATTERN, example: '15551234567' },
  };
  return applyDecorators(
    ...(options.required ? [ApiProperty(schema)] : [ApiPropertyOptional(schema), IsOptional()]),
    IsArray(),
    ArrayNotEmpty(),
    ArrayMaxSize(MAX_PARTICIPANTS_PER_REQUEST),
    IsString({ each: true }),
    Matches(new RegExp(PERSON_PATTERN), {
      each: true,
      message: 'each participant must be a phone number, a PN JID (…@s.whatsapp.net) or a LID (…@lid)',
    }),
  );
}

export class GroupListQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ maxLength: MAX_SUBJECT_LENGTH, description: 'Part of the subject (any case)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SUBJECT_LENGTH)
  q?: string;
}

export class GroupDto implements GroupSummary {
  @ApiProperty({ example: '120363025246125486@g.us' })
  jid!: string;

  @ApiProperty({ example: 'Support team' })
  subject!: string;

  @ApiProperty({ nullable: true, type: String })
  description!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '15551234567@s.whatsapp.net',
    description: 'The creator: PN JID when known, else LID',
  })
  owner!: string | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 12 })
  participantsCount!: number;

  @ApiProperty({
    enum: ['pn', 'lid'],
    description: '`lid`: WhatsApp addresses the members by LID (new groups); `pn`: by phone number',
  })
  addressingMode!: 'pn' | 'lid';

  @ApiProperty({ description: 'Only admins send messages' })
  announce!: boolean;

  @ApiProperty({ description: 'Only admins change the subject, description and settings' })
  restrict!: boolean;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When the group was created' })
  createdAt!: string | null;

  static from(group: GroupSummary): GroupDto {
    return {
      jid: group.jid,
      subject: group.subject,
      description: group.description,
      owner: group.owner,
      participantsCount: group.participantsCount,
      addressingMode: group.addressingMode,
      announce: group.announce,
      restrict: group.restrict,
      createdAt: group.createdAt,
    };
  }
}

export class GroupListDto extends PageDto(GroupDto) {}

export class GroupParticipantDto implements GroupMember {
  @ApiProperty({ nullable: true, type: String, example: '15551234567@s.whatsapp.net', description: 'Phone-number JID' })
  pn!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '123456789012345@lid' })
  lid!: string | null;

  @ApiProperty({ enum: GROUP_ROLES })
  role!: GroupRole;
}

export class GroupDetailDto extends GroupDto {
  @ApiProperty({ type: GroupParticipantDto, isArray: true })
  participants!: GroupParticipantDto[];

  static fromGroup(group: GroupInfo): GroupDetailDto {
    return {
      ...GroupDto.from({ ...group, participantsCount: group.participants.length }),
      participants: group.participants.map(({ pn, lid, role }) => ({ pn, lid, role })),
    };
  }
}

export class CreateGroupDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_SUBJECT_LENGTH, example: 'Support team' })
  @IsString()
  @MaxLength(MAX_SUBJECT_LENGTH)
  @Matches(NOT_BLANK, { message: 'subject must not be blank' })
  subject!: string;

  @Participants({ required: true })
  participants!: string[];
}

/** At least one of the fields (the service checks). */
export class UpdateGroupDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: MAX_SUBJECT_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SUBJECT_LENGTH)
  @Matches(NOT_BLANK, { message: 'subject must not be blank' })
  subject?: string;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH, description: 'An empty string clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;

  @ApiPropertyOptional({ description: 'Only admins send messages' })
  @IsOptional()
  @IsBoolean()
  announce?: boolean;

  @ApiPropertyOptional({ description: 'Only admins change the subject, description and settings' })
  @IsOptional()
  @IsBoolean()
  restrict?: boolean;
}

/** Exactly one of the actions (the service checks). */
export class ChangeParticipantsDto {
  @Participants({ required: false })
  add?: string[];

  @Participants({ required: false })
  remove?: string[];

  @Participants({ required: false })
  promote?: string[];

  @Participants({ required: false })
  demote?: string[];
}

/** The body as the document states it: one object per action, each with that action alone. */
export const CHANGE_PARTICIPANTS_SCHEMA = {
  oneOf: PARTICIPANT_ACTIONS.map((action) => ({
    type: 'object',
    required: [action],
    additionalProperties: false,
    properties: {
      [action]: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_PARTICIPANTS_PER_REQUEST,
        description: 'Phone numbers, PN JIDs or LIDs',
        items: { type: 'string', pattern: PERSON_PATTERN, example: '15551234567' },
      },
    },
  })),
};

export class ParticipantResultDto implements ParticipantChangeResult {
  @ApiProperty({ nullable: true, type: String, example: '15551234567@s.whatsapp.net' })
  pn!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '123456789012345@lid' })
  lid!: string | null;

  @ApiProperty({
    type: 'integer',
    example: 200,
    description:
      'WhatsApp’s answer for this person: 200 done; 403 not allowed (e.g. the creator), 404 not on WhatsApp or ' +
      'not in the group, 408 left recently, 409 already in, 419 group full',
  })
  status!: number;
}

export class ParticipantResultsDto {
  @ApiProperty({ type: ParticipantResultDto, isArray: true })
  items!: ParticipantResultDto[];
}

export class GroupInviteDto {
  @ApiProperty({ example: 'F3p9mQx2LkA7bV1cZ8dE4w' })
  code!: string;

  @ApiProperty({ example: 'https://chat.whatsapp.com/F3p9mQx2LkA7bV1cZ8dE4w' })
  url!: string;
}

export class JoinGroupDto {
  @ApiProperty({
    example: 'https://chat.whatsapp.com/F3p9mQx2LkA7bV1cZ8dE4w',
    pattern: INVITE_PATTERN,
    description: 'The invite link, or its code alone',
  })
  @IsString()
  @MaxLength(200)
  @Matches(new RegExp(INVITE_PATTERN), {
    message: 'invite must be an invite link (https://chat.whatsapp.com/…) or code',
  })
  invite!: string;
}
