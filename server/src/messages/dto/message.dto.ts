import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength, NotContains } from 'class-validator';
import type { OutgoingMessageEntity } from '../outgoing-message.entity';
import { WHATSAPP_MESSAGE_ID } from '../recipient';

/** WhatsApp's own limit on a text message. */
const MAX_TEXT_LENGTH = 65536;

export class SendMessageDto {
  @ApiProperty({
    example: '15551234567',
    minLength: 1,
    maxLength: 100,
    description:
      'A phone number (digits, + tolerated), a PN JID (…@s.whatsapp.net), a LID (…@lid) or a group JID (…@g.us)',
  })
  @IsString()
  @Length(1, 100)
  to!: string;

  @ApiProperty({ example: 'Hello from WAGO', minLength: 1, maxLength: MAX_TEXT_LENGTH })
  @IsString()
  @Length(1, MAX_TEXT_LENGTH)
  // Line breaks and tabs are text; a NUL is something Postgres cannot store.
  @NotContains('\u0000', { message: 'text must not contain NUL characters' })
  text!: string;

  @ApiProperty({
    required: false,
    example: '3EB0A1B2C3D4E5F60718',
    pattern: WHATSAPP_MESSAGE_ID.source,
    description: 'Quote this message of the same chat',
  })
  @IsOptional()
  @IsString()
  @Matches(WHATSAPP_MESSAGE_ID, { message: 'replyTo must be a WhatsApp message id' })
  replyTo?: string;

  @ApiProperty({
    required: false,
    type: 'array',
    items: { type: 'string', maxLength: 100 },
    maxItems: 256,
    example: ['15550001111'],
    description: 'People to mention (phone numbers, PN JIDs or LIDs); write them as @<number> in the text too',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  mentions?: string[];
}

export const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export class MessageDto {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F60718', description: 'WhatsApp’s message id (chosen before sending)' })
  id!: string;

  @ApiProperty({ enum: MESSAGE_STATUSES })
  status!: MessageStatus;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When WhatsApp took it; null while queued',
  })
  timestamp!: string | null;

  static from(message: OutgoingMessageEntity): MessageDto {
    // A message still `sending` whose sent time is known was taken by WhatsApp: only its record is pending.
    const pending: MessageStatus = message.sentAt ? 'sent' : 'queued';
    const status: MessageStatus = message.status === 'sending' ? pending : message.status;
    return { id: message.messageId, status, timestamp: message.sentAt?.toISOString() ?? null };
  }
}

export class MessageDetailDto extends MessageDto {
  @ApiProperty({ example: '15551234567@s.whatsapp.net' })
  chatJid!: string;

  @ApiProperty()
  text!: string;

  @ApiProperty({ type: String, isArray: true })
  mentions!: string[];

  @ApiProperty({ nullable: true, type: String })
  replyTo!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it failed' })
  error!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static detail(message: OutgoingMessageEntity): MessageDetailDto {
    return {
      ...MessageDto.from(message),
      chatJid: message.chatJid,
      text: message.text,
      mentions: message.mentions,
      replyTo: message.replyTo,
      error: message.error,
      createdAt: message.createdAt.toISOString(),
    };
  }
}
