import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PRESENCE_STATES, PresenceState } from '../../whatsapp/whatsapp.provider';
import { PERSON_PATTERN, RECIPIENT_PATTERN, WHATSAPP_MESSAGE_ID } from '../recipient';

export class MarkReadDto {
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: WHATSAPP_MESSAGE_ID.source },
    minItems: 1,
    maxItems: 256,
    description: 'The messages to mark read; all this session received in the chat since it connected when omitted',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(256)
  @IsString({ each: true })
  @Matches(WHATSAPP_MESSAGE_ID, { each: true, message: 'messageIds must be WhatsApp message ids' })
  messageIds?: string[];
}

export class PresenceDto {
  @ApiProperty({
    enum: PRESENCE_STATES,
    description: 'available/unavailable: online or not for everyone; composing, recording, paused: in `chat`',
  })
  @IsIn(PRESENCE_STATES)
  state!: PresenceState;

  @ApiPropertyOptional({
    example: '15551234567',
    maxLength: 100,
    pattern: RECIPIENT_PATTERN,
    description: 'The chat (as `to` of a message) that sees typing or recording; required for those states',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  chat?: string;
}

export class PresenceSubscriptionDto {
  @ApiProperty({
    example: '15551234567@s.whatsapp.net',
    maxLength: 100,
    pattern: PERSON_PATTERN,
    description: 'The person to follow: a phone number, a PN JID or a LID',
  })
  @IsString()
  @Length(1, 100)
  jid!: string;
}
