// The chats and message history as the API shows them, and the queries that page and search them.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PageDto, PaginationQueryDto } from '../../core/http/pagination';
import { MessageLocationDto } from '../../messages/dto/message.dto';
import { PERSON_PATTERN, RECIPIENT_PATTERN } from '../../messages/recipient';
import { MESSAGE_TYPES, MessageType } from '../../whatsapp/events';
import type { StoredContact, StoredLocation, StoredMedia, StoredMessageEntity } from '../history.entity';
import type { ChatSummary } from '../history.repository';
import type { MessagePage } from '../history.service';

export const DEFAULT_MESSAGE_LIMIT = 50;
export const MAX_MESSAGE_LIMIT = 200;

/** A page of a newest-first message list: where it starts and how many. */
export class MessagePageQueryDto {
  @ApiPropertyOptional({
    description: 'nextCursor of the page before: the messages older than its last one',
    maxLength: 512,
    pattern: '^[A-Za-z0-9_-]+$',
    example: 'WyIyMDI2LTAxLTAxVDAwOjAwOjAwLjAwMFoiLCIxIl0',
  })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  before?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_MESSAGE_LIMIT,
    default: DEFAULT_MESSAGE_LIMIT,
    description: 'How many messages to return',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_MESSAGE_LIMIT)
  limit: number = DEFAULT_MESSAGE_LIMIT;
}

export class MessageSearchQueryDto extends MessagePageQueryDto {
  @ApiPropertyOptional({
    description:
      'Words to find in texts and captions (Postgres full-text search, websearch syntax: "a phrase", -not, or); ' +
      'all messages when omitted',
    maxLength: 256,
    example: 'invoice',
  })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  q?: string;

  @ApiPropertyOptional({
    description: 'Only this chat (as `to` of a message)',
    maxLength: 100,
    pattern: RECIPIENT_PATTERN,
    example: '15551234567@s.whatsapp.net',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  chat?: string;

  @ApiPropertyOptional({
    description: 'Only messages from this sender (a phone number, PN JID or LID), or `me` for this account’s',
    maxLength: 100,
    pattern: `^me$|${PERSON_PATTERN}`,
    example: 'me',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  from?: string;

  @ApiPropertyOptional({ enum: MESSAGE_TYPES })
  @IsOptional()
  @IsIn(MESSAGE_TYPES)
  type?: MessageType;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Messages from this instant on' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'Messages before this instant' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  until?: Date;
}

export class ChatListQueryDto extends PaginationQueryDto {}

export interface HistorySender {
  pn: string | null;
  lid: string | null;
  pushName: string | null;
}

export interface HistoryReaction {
  /** The reacting user's JID, `me` for this account. */
  sender: string;
  emoji: string;
}

/** A stored message as the API shows it. */
export interface HistoryMessageView {
  id: string;
  chat: { jid: string; type: 'direct' | 'group' };
  sender: HistorySender;
  fromMe: boolean;
  type: MessageType;
  unsupported: string | null;
  text: string | null;
  media: StoredMedia | null;
  location: StoredLocation | null;
  contact: StoredContact | null;
  mentions: string[];
  quoted: { id: string; sender: string | null } | null;
  reactions: HistoryReaction[];
  editedAt: string | null;
  deletedAt: string | null;
  timestamp: string;
}

export class HistorySenderDto implements HistorySender {
  @ApiProperty({ nullable: true, type: String, example: '15551234567@s.whatsapp.net' })
  pn!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '123456789012345@lid' })
  lid!: string | null;

  @ApiProperty({ nullable: true, type: String })
  pushName!: string | null;
}

export class HistoryChatRefDto {
  @ApiProperty({ example: '15551234567@s.whatsapp.net' })
  jid!: string;

  @ApiProperty({ enum: ['direct', 'group'] })
  type!: 'direct' | 'group';
}

export class HistoryMediaDto implements StoredMedia {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'GET /media/{id}; null for a file only described (from the history sync)',
  })
  id!: string | null;

  @ApiProperty({ example: 'image/jpeg' })
  mimetype!: string;

  @ApiProperty({ nullable: true, type: String })
  fileName!: string | null;

  @ApiProperty({ nullable: true, type: 'integer' })
  size!: number | null;

  @ApiProperty({ nullable: true, type: String })
  caption!: string | null;

  @ApiProperty()
  ptt!: boolean;

  @ApiProperty({ nullable: true, type: 'integer' })
  seconds!: number | null;

  @ApiProperty({ nullable: true, type: 'integer' })
  width!: number | null;

  @ApiProperty({ nullable: true, type: 'integer' })
  height!: number | null;
}

export class HistoryContactDto implements StoredContact {
  @ApiProperty({ nullable: true, type: String })
  displayName!: string | null;

  @ApiProperty({ nullable: true, type: String })
  vcard!: string | null;
}

export class HistoryQuotedDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ nullable: true, type: String })
  sender!: string | null;
}

export class HistoryReactionDto implements HistoryReaction {
  @ApiProperty({ example: '15551234567@s.whatsapp.net', description: 'The reacting user’s JID, `me` for this account' })
  sender!: string;

  @ApiProperty({ example: '👍' })
  emoji!: string;
}

export class HistoryMessageDto implements HistoryMessageView {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F60718' })
  id!: string;

  @ApiProperty({ type: HistoryChatRefDto })
  chat!: HistoryChatRefDto;

  @ApiProperty({ type: HistorySenderDto, description: 'For messages sent through the API: null identities' })
  sender!: HistorySenderDto;

  @ApiProperty()
  fromMe!: boolean;

  @ApiProperty({ enum: MESSAGE_TYPES })
  type!: MessageType;

  @ApiProperty({ nullable: true, type: String, description: 'For `unsupported`: WhatsApp’s name of the content' })
  unsupported!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The text or caption, as last edited; null once deleted' })
  text!: string | null;

  @ApiProperty({ nullable: true, type: HistoryMediaDto })
  media!: HistoryMediaDto | null;

  @ApiProperty({ nullable: true, type: MessageLocationDto })
  location!: MessageLocationDto | null;

  @ApiProperty({ nullable: true, type: HistoryContactDto })
  contact!: HistoryContactDto | null;

  @ApiProperty({ type: [String] })
  mentions!: string[];

  @ApiProperty({ nullable: true, type: HistoryQuotedDto })
  quoted!: HistoryQuotedDto | null;

  @ApiProperty({ type: [HistoryReactionDto] })
  reactions!: HistoryReactionDto[];

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  editedAt!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Deleted for everyone' })
  deletedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  timestamp!: string;

  static from(message: StoredMessageEntity): HistoryMessageDto {
    return {
      id: message.messageId,
      chat: { jid: message.chatJid, type: message.chatType },
      sender: { pn: message.senderPn, lid: message.senderLid, pushName: message.pushName },
      fromMe: message.fromMe,
      type: message.type,
      unsupported: message.unsupported,
      text: message.text,
      media: message.media,
      location: message.location,
      contact: message.contact,
      mentions: message.mentions,
      quoted: message.quotedMessageId ? { id: message.quotedMessageId, sender: message.quotedSender } : null,
      reactions: Object.entries(message.reactions).map(([sender, emoji]) => ({ sender, emoji })),
      editedAt: message.editedAt?.toISOString() ?? null,
      deletedAt: message.deletedAt?.toISOString() ?? null,
      timestamp: message.timestamp.toISOString(),
    };
  }
}

export class MessagePageDto {
  @ApiProperty({ type: [HistoryMessageDto], description: 'Newest first' })
  items!: HistoryMessageDto[];

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `before` for the next (older) page; null at the end',
  })
  nextCursor!: string | null;

  static from(page: MessagePage): MessagePageDto {
    return { items: page.items.map((message) => HistoryMessageDto.from(message)), nextCursor: page.nextCursor };
  }
}

/** A chat as the API shows it. */
export interface ChatView {
  jid: string;
  type: 'direct' | 'group';
  name: string | null;
  lastMessage: HistoryMessageView | null;
  unreadCount: number;
  updatedAt: string;
}

export class ChatDto implements ChatView {
  @ApiProperty({ example: '15551234567@s.whatsapp.net' })
  jid!: string;

  @ApiProperty({ enum: ['direct', 'group'] })
  type!: 'direct' | 'group';

  @ApiProperty({ nullable: true, type: String, description: 'The group’s subject, or the contact’s name' })
  name!: string | null;

  @ApiProperty({ nullable: true, type: HistoryMessageDto })
  lastMessage!: HistoryMessageDto | null;

  @ApiProperty({
    type: 'integer',
    description:
      'Incoming messages after the last read receipt sent through WAGO (POST …/read) or this account’s last message',
  })
  unreadCount!: number;

  @ApiProperty({ type: String, format: 'date-time', description: 'The last activity: its newest message' })
  updatedAt!: string;

  static from(summary: ChatSummary): ChatDto {
    return {
      jid: summary.chat.jid,
      type: summary.chat.type,
      name: summary.name,
      lastMessage: summary.lastMessage && HistoryMessageDto.from(summary.lastMessage),
      unreadCount: summary.unreadCount,
      updatedAt: summary.chat.lastMessageAt.toISOString(),
    };
  }
}

export class ChatListDto extends PageDto(ChatDto) {}
