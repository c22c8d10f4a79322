// The payloads subscribers receive, for the OpenAPI document (they are sent, not served, so no route returns them).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MESSAGE_TYPES } from '../../messages/message-content';
import {
  MessageContactDto,
  MessageLocationDto,
  MessageMediaDto,
  MessageReactionDto,
} from '../../messages/dto/message.dto';
import { ACK_STATUSES, MessageSentData, TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from '../envelope';

export class ChatRefDto {
  @ApiProperty({ example: '120363025246125486@g.us', description: 'Group JID, or the peer’s PN JID (LID if unknown)' })
  jid!: string;

  @ApiProperty({ enum: ['direct', 'group'] })
  type!: 'direct' | 'group';
}

export class MessageSenderDto {
  @ApiProperty({ nullable: true, type: String, example: '15551234567@s.whatsapp.net', description: 'Phone-number JID' })
  pn!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '123456789012345@lid' })
  lid!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Ana' })
  pushName!: string | null;
}

export class QuotedMessageDto {
  @ApiProperty({ example: '3EB0C431A5F2D8E4B1C7' })
  id!: string;

  @ApiProperty({ nullable: true, type: String, example: '15550001111@s.whatsapp.net' })
  sender!: string | null;
}

export class MessageReceivedDataDto {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F60718', description: 'WhatsApp message id' })
  id!: string;

  @ApiProperty({ type: ChatRefDto })
  chat!: ChatRefDto;

  @ApiProperty({ type: MessageSenderDto })
  sender!: MessageSenderDto;

  @ApiProperty({ nullable: true, type: String, example: '@15550001111 what time is it?' })
  text!: string | null;

  @ApiProperty({ type: String, isArray: true, example: ['15550001111@s.whatsapp.net'] })
  mentions!: string[];

  @ApiProperty({ description: 'The account is addressed: mentioned by PN or LID, or replied to' })
  mentioned!: boolean;

  @ApiProperty({ nullable: true, enum: ['pn', 'lid', 'reply'] })
  mentionedBy!: 'pn' | 'lid' | 'reply' | null;

  @ApiProperty({ nullable: true, type: QuotedMessageDto })
  quoted!: QuotedMessageDto | null;

  @ApiProperty()
  fromMe!: boolean;

  @ApiProperty({ description: 'Delivered from the offline queue on reconnect rather than live' })
  offline!: boolean;
}

export class MessageSentDataDto implements MessageSentData {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F60718' })
  id!: string;

  @ApiProperty({ type: ChatRefDto })
  chat!: ChatRefDto;

  @ApiProperty({ enum: MESSAGE_TYPES, description: 'The kind of message; the field of the same name carries it' })
  type!: string;

  @ApiProperty({ description: 'The text, or a media message’s caption; empty for kinds without one' })
  text!: string;

  @ApiProperty({ type: String, isArray: true })
  mentions!: string[];

  @ApiProperty({ nullable: true, type: String, description: 'The id of the quoted message' })
  replyTo!: string | null;

  @ApiProperty({ type: MessageMediaDto, nullable: true, description: 'The file sent (image, video, audio, …)' })
  media!: MessageMediaDto | null;

  @ApiProperty({ type: MessageLocationDto, nullable: true })
  location!: MessageLocationDto | null;

  @ApiProperty({ type: MessageContactDto, nullable: true })
  contact!: MessageContactDto | null;

  @ApiProperty({ type: MessageReactionDto, nullable: true, description: 'An empty emoji removed the reaction' })
  reaction!: MessageReactionDto | null;
}

export class MessageAckDataDto {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F60718', description: 'The id of a message this account sent' })
  id!: string;

  @ApiProperty({ type: ChatRefDto })
  chat!: ChatRefDto;

  @ApiProperty({ nullable: true, type: String, description: 'The group member who acknowledged it, for groups' })
  recipient!: string | null;

  @ApiProperty({ enum: ACK_STATUSES })
  status!: string;
}

export class SessionStatusDataDto {
  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ example: 'connected' })
  status!: string;

  @ApiProperty({ nullable: true, type: String, example: 'connection_lost' })
  reason!: string | null;

  @ApiProperty({ format: 'date-time' })
  at!: string;
}

export class WebhookEnvelopeDto {
  @ApiProperty({ enum: [1] })
  version!: 1;

  @ApiProperty({
    example: 'evt_6f1c0f0e4a1b4bd0a9a8f2f6c1e2d3b4',
    description: 'The event id: equal to the webhook-id header, the same on every retry and redelivery',
  })
  id!: string;

  @ApiProperty({ enum: [...WEBHOOK_EVENT_TYPES, TEST_EVENT_TYPE] })
  type!: string;

  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiPropertyOptional({
    oneOf: [
      { $ref: '#/components/schemas/MessageReceivedDataDto' },
      { $ref: '#/components/schemas/MessageSentDataDto' },
      { $ref: '#/components/schemas/MessageAckDataDto' },
      { $ref: '#/components/schemas/SessionStatusDataDto' },
    ],
    description: 'Depends on type',
  })
  data!: object;
}

export class BotReplyDto {
  @ApiProperty({ example: 'It is 10:42.', description: 'Sent to the same chat, quoting the incoming message' })
  text!: string;
}

/** What a receiver may answer to a message.received event for WAGO to reply on its behalf. */
export class WebhookAnswerDto {
  @ApiPropertyOptional({ type: BotReplyDto })
  reply?: BotReplyDto;
}

export const WEBHOOK_PAYLOAD_MODELS = [
  WebhookEnvelopeDto,
  MessageReceivedDataDto,
  MessageSentDataDto,
  MessageAckDataDto,
  SessionStatusDataDto,
  WebhookAnswerDto,
];
