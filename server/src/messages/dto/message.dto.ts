import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsBoolean,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  NotContains,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { OUTGOING_MESSAGE_TYPES, OutgoingMessageType } from '../message-content';
import type { ReceivedLocation } from '../../whatsapp/events';
import type { UserIds } from '../../whatsapp/whatsapp.provider';
import type { OutgoingMessageEntity } from '../outgoing-message.entity';
import { WHATSAPP_MESSAGE_ID } from '../recipient';

/** WhatsApp's own limit on a text message. */
const MAX_TEXT_LENGTH = 65536;
/** WhatsApp cuts captions at 1024 characters. */
const MAX_CAPTION_LENGTH = 1024;
/** Base64 `data` decodes to at most 5 MB; larger files are uploaded first or sent by URL. */
export const MAX_DATA_BYTES = 5 * 1024 * 1024;
export const MAX_DATA_LENGTH = Math.ceil(MAX_DATA_BYTES / 3) * 4;
const NO_NUL = { message: '$property must not contain NUL characters' };

/** Bytes padded base64 decodes to. */
function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/**
 * The decoded size itself: a length limit on the text alone lets through up to two bytes more, as base64 of N, N+1
 * and N+2 bytes can be just as long.
 */
function MaxDecodedBytes(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxDecodedBytes',
    validator: {
      validate: (value) => typeof value !== 'string' || value.length % 4 !== 0 || decodedLength(value) <= max,
      defaultMessage: () => `$property must decode to at most ${max} bytes`,
    },
  });
}

/** A media message's file: exactly one of `mediaId`, `url`, `data`. */
export class MediaSourceDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A file uploaded with POST /media (yours)' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'mediaId must be a UUID' })
  mediaId?: string;

  @ApiPropertyOptional({
    format: 'uri',
    maxLength: 2048,
    example: 'https://example.com/cat.jpg',
    description: 'Fetched once by WAGO (the webhook URL policy applies: no link-local, private hosts on demand)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({
    format: 'byte',
    maxLength: MAX_DATA_LENGTH,
    pattern: '^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$',
    example: 'JVBERi0xLjQK',
    description: 'Base64, at most 5 MB decoded',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DATA_LENGTH)
  @IsBase64()
  @MaxDecodedBytes(MAX_DATA_BYTES)
  data?: string;

  @ApiPropertyOptional({
    example: 'image/jpeg',
    maxLength: 255,
    description: 'Defaults to the uploaded file’s, the URL’s Content-Type, or the kind’s usual type',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+"-]+)*$/, { message: 'mimetype must be a MIME type' })
  @MaxLength(255)
  mimetype?: string;

  @ApiPropertyOptional({ example: 'report.pdf', maxLength: 255, description: 'Shown for documents' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @NotContains('\u0000', NO_NUL)
  @Matches(/^[^/\\]+$/, { message: 'fileName must not contain slashes' })
  fileName?: string;
}

/** Image, video and document: with an optional caption. */
export class CaptionedMediaDto extends MediaSourceDto {
  @ApiPropertyOptional({ maxLength: MAX_CAPTION_LENGTH, example: 'The view from here' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_CAPTION_LENGTH)
  @NotContains('\u0000', NO_NUL)
  caption?: string;
}

/** Audio: no caption; `ptt` sends it as a voice note. */
export class AudioMediaDto extends MediaSourceDto {
  @ApiPropertyOptional({ description: 'A voice note (push to talk) rather than an audio file' })
  @IsOptional()
  @IsBoolean()
  ptt?: boolean;
}

export class LocationContentDto {
  @ApiProperty({ minimum: -90, maximum: 90, example: 52.520008 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude!: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: 13.404954 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude!: number;

  @ApiPropertyOptional({ maxLength: 1000, example: 'Alexanderplatz' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  @NotContains('\u0000', NO_NUL)
  name?: string;

  @ApiPropertyOptional({ maxLength: 1000, example: '10178 Berlin' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  @NotContains('\u0000', NO_NUL)
  address?: string;
}

export class ContactContentDto {
  @ApiProperty({ maxLength: 256, example: 'Alice Example' })
  @IsString()
  @Length(1, 256)
  @NotContains('\u0000', NO_NUL)
  displayName!: string;

  @ApiProperty({
    maxLength: 10000,
    pattern: '^(BEGIN|begin):(VCARD|vcard)',
    example: 'BEGIN:VCARD\nVERSION:3.0\nFN:Alice Example\nTEL;type=CELL;waid=15551234567:+15551234567\nEND:VCARD',
  })
  @IsString()
  @Length(1, 10000)
  @NotContains('\u0000', NO_NUL)
  @Matches(/^BEGIN:VCARD/i, { message: 'vcard must be a vCard (BEGIN:VCARD…)' })
  vcard!: string;
}

export class ReactionContentDto {
  @ApiProperty({
    example: '3EB0A1B2C3D4E5F60718',
    pattern: WHATSAPP_MESSAGE_ID.source,
    description: 'The message of chat `to` to react to',
  })
  @IsString()
  @Matches(WHATSAPP_MESSAGE_ID, { message: 'messageId must be a WhatsApp message id' })
  messageId!: string;

  @ApiProperty({ maxLength: 32, example: '👍', description: 'One emoji; an empty string removes the reaction' })
  @IsString()
  @MaxLength(32)
  @NotContains('\u0000', NO_NUL)
  emoji!: string;
}

/**
 * Every field any kind takes, validated together; exactly one kind per request (a 400 names the choices). The
 * document shows one schema per kind instead (the Send…MessageDto classes below).
 */
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

  @ApiPropertyOptional({ example: 'Hello from WAGO', minLength: 1, maxLength: MAX_TEXT_LENGTH })
  @IsOptional()
  @IsString()
  @Length(1, MAX_TEXT_LENGTH)
  // Line breaks and tabs are text; a NUL is something Postgres cannot store.
  @NotContains('\u0000', { message: 'text must not contain NUL characters' })
  text?: string;

  @ApiPropertyOptional({ type: () => CaptionedMediaDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CaptionedMediaDto)
  image?: CaptionedMediaDto;

  @ApiPropertyOptional({ type: () => CaptionedMediaDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CaptionedMediaDto)
  video?: CaptionedMediaDto;

  @ApiPropertyOptional({ type: () => AudioMediaDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AudioMediaDto)
  audio?: AudioMediaDto;

  @ApiPropertyOptional({ type: () => CaptionedMediaDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CaptionedMediaDto)
  document?: CaptionedMediaDto;

  @ApiPropertyOptional({ type: () => MediaSourceDto, description: 'A WebP sticker; no caption' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MediaSourceDto)
  sticker?: MediaSourceDto;

  @ApiPropertyOptional({ type: () => LocationContentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LocationContentDto)
  location?: LocationContentDto;

  @ApiPropertyOptional({ type: () => ContactContentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactContentDto)
  contact?: ContactContentDto;

  @ApiPropertyOptional({ type: () => ReactionContentDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ReactionContentDto)
  reaction?: ReactionContentDto;

  @ApiPropertyOptional({
    example: '3EB0A1B2C3D4E5F60718',
    pattern: WHATSAPP_MESSAGE_ID.source,
    description: 'Quote this message of the same chat (any kind but a reaction)',
  })
  @IsOptional()
  @IsString()
  @Matches(WHATSAPP_MESSAGE_ID, { message: 'replyTo must be a WhatsApp message id' })
  replyTo?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', maxLength: 100 },
    maxItems: 256,
    example: ['15550001111'],
    description:
      'People to mention (phone numbers, PN JIDs or LIDs); write them as @<number> in the text or caption too. ' +
      'Only with a text or a caption',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  mentions?: string[];
}

// One schema per kind for the document (the request body is oneOf these); SendMessageDto validates them all.
export class SendTextMessageDto extends PickType(SendMessageDto, ['to', 'replyTo', 'mentions'] as const) {
  @ApiProperty({ example: 'Hello from WAGO', minLength: 1, maxLength: MAX_TEXT_LENGTH })
  text!: string;
}

export class SendImageMessageDto extends PickType(SendMessageDto, ['to', 'replyTo', 'mentions'] as const) {
  @ApiProperty({ type: () => CaptionedMediaDto })
  image!: CaptionedMediaDto;
}

export class SendVideoMessageDto extends PickType(SendMessageDto, ['to', 'replyTo', 'mentions'] as const) {
  @ApiProperty({ type: () => CaptionedMediaDto })
  video!: CaptionedMediaDto;
}

export class SendDocumentMessageDto extends PickType(SendMessageDto, ['to', 'replyTo', 'mentions'] as const) {
  @ApiProperty({ type: () => CaptionedMediaDto })
  document!: CaptionedMediaDto;
}

export class SendAudioMessageDto extends PickType(SendMessageDto, ['to', 'replyTo'] as const) {
  @ApiProperty({ type: () => AudioMediaDto })
  audio!: AudioMediaDto;
}

export class SendStickerMessageDto extends PickType(SendMessageDto, ['to', 'replyTo'] as const) {
  @ApiProperty({ type: () => MediaSourceDto })
  sticker!: MediaSourceDto;
}

export class SendLocationMessageDto extends PickType(SendMessageDto, ['to', 'replyTo'] as const) {
  @ApiProperty({ type: () => LocationContentDto })
  location!: LocationContentDto;
}

export class SendContactMessageDto extends PickType(SendMessageDto, ['to', 'replyTo'] as const) {
  @ApiProperty({ type: () => ContactContentDto })
  contact!: ContactContentDto;
}

export class SendReactionMessageDto extends PickType(SendMessageDto, ['to'] as const) {
  @ApiProperty({ type: () => ReactionContentDto })
  reaction!: ReactionContentDto;
}

export const SEND_MESSAGE_MODELS = [
  SendTextMessageDto,
  SendImageMessageDto,
  SendVideoMessageDto,
  SendAudioMessageDto,
  SendDocumentMessageDto,
  SendStickerMessageDto,
  SendLocationMessageDto,
  SendContactMessageDto,
  SendReactionMessageDto,
];

export class EditMessageDto {
  @ApiProperty({ example: 'Hello from WAGO (edited)', minLength: 1, maxLength: MAX_TEXT_LENGTH })
  @IsString()
  @Length(1, MAX_TEXT_LENGTH)
  @NotContains('\u0000', { message: 'text must not contain NUL characters' })
  text!: string;
}

export const MESSAGE_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export class MessageDto {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F60718', description: 'WhatsApp’s message id (chosen before sending)' })
  id!: string;

  @ApiProperty({ enum: OUTGOING_MESSAGE_TYPES })
  type!: OutgoingMessageType;

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
    return { id: message.messageId, type: message.type, status, timestamp: message.sentAt?.toISOString() ?? null };
  }
}

/** Both identities of the person a message went to, as far as the session knows them. */
export class RecipientIdsDto implements UserIds {
  @ApiProperty({ nullable: true, type: String, example: '15551234567@s.whatsapp.net', description: 'Phone-number JID' })
  pn!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '104615571985825@lid' })
  lid!: string | null;
}

/** The answer to a send: the message, and whom it reached under both identities. */
export class SentMessageDto extends MessageDto {
  @ApiProperty({
    type: RecipientIdsDto,
    nullable: true,
    description:
      'The person written to (by number or by LID: the same chat), both identities when known; null for a group',
  })
  to!: RecipientIdsDto | null;

  static sent(message: OutgoingMessageEntity, to: UserIds | null): SentMessageDto {
    return { ...MessageDto.from(message), to: to ? { pn: to.pn, lid: to.lid } : null };
  }
}

export class MessageMediaDto {
  @ApiProperty({ format: 'uuid', description: 'The stored file (GET /media/{id})' })
  id!: string;

  @ApiProperty({ example: 'image/jpeg' })
  mimetype!: string;

  @ApiProperty({ nullable: true, type: String })
  fileName!: string | null;

  @ApiProperty({ description: 'Sent as a voice note' })
  ptt!: boolean;
}

export class MessageLocationDto implements ReceivedLocation {
  @ApiProperty()
  latitude!: number;

  @ApiProperty()
  longitude!: number;

  @ApiProperty({ nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ nullable: true, type: String })
  address!: string | null;
}

export class MessageContactDto {
  @ApiProperty()
  displayName!: string;

  @ApiProperty()
  vcard!: string;
}

export class MessageReactionDto {
  @ApiProperty({ description: 'The message reacted to' })
  messageId!: string;

  @ApiProperty({ description: 'Empty when the reaction was removed' })
  emoji!: string;
}

export class MessageDetailDto extends MessageDto {
  @ApiProperty({ example: '15551234567@s.whatsapp.net' })
  chatJid!: string;

  @ApiProperty({ description: 'The text or caption (after an edit, the edited one); empty for kinds without text' })
  text!: string;

  @ApiProperty({ type: String, isArray: true })
  mentions!: string[];

  @ApiProperty({ nullable: true, type: String })
  replyTo!: string | null;

  @ApiProperty({ type: MessageMediaDto, nullable: true, description: 'For image, video, audio, document, sticker' })
  media!: MessageMediaDto | null;

  @ApiProperty({ type: MessageLocationDto, nullable: true })
  location!: MessageLocationDto | null;

  @ApiProperty({ type: MessageContactDto, nullable: true })
  contact!: MessageContactDto | null;

  @ApiProperty({ type: MessageReactionDto, nullable: true })
  reaction!: MessageReactionDto | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why it failed' })
  error!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When its text was last edited' })
  editedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'When it was deleted for everyone' })
  deletedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static detail(message: OutgoingMessageEntity): MessageDetailDto {
    const content = message.content ?? {};
    return {
      ...MessageDto.from(message),
      chatJid: message.chatJid,
      text: message.text,
      mentions: message.mentions,
      replyTo: message.replyTo,
      media: content.media && message.mediaId ? { id: message.mediaId, ...content.media } : null,
      location: content.location ?? null,
      contact: content.contact ?? null,
      reaction: content.reaction ? { messageId: content.reaction.messageId, emoji: content.reaction.emoji } : null,
      error: message.error,
      editedAt: message.editedAt?.toISOString() ?? null,
      deletedAt: message.deletedAt?.toISOString() ?? null,
      createdAt: message.createdAt.toISOString(),
    };
  }
}
