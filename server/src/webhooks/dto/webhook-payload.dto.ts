// The payloads subscribers receive, for the OpenAPI document (they are sent, not served, so no route returns them).
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OUTGOING_MESSAGE_TYPES } from '../../messages/message-content';
import {
  MessageContactDto,
  MessageLocationDto,
  MessageMediaDto,
  MessageReactionDto,
} from '../../messages/dto/message.dto';
import { MEDIA_UNAVAILABLE_REASONS } from '../../media/media.entity';
import { MESSAGE_TYPES } from '../../whatsapp/events';
import { PARTICIPANT_ACTIONS, PRESENCE_STATES } from '../../whatsapp/whatsapp.provider';
import type { GroupChanges, ParticipantAction, PresenceState } from '../../whatsapp/whatsapp.provider';
import type { MessageType } from '../../whatsapp/events';
import {
  ACK_STATUSES,
  CallReceivedData,
  ContactData,
  GroupParticipantsData,
  GroupUpdatedData,
  LocationData,
  MediaData,
  MessageEditedData,
  MessageReactionData,
  MessageReceivedData,
  MessageRevokedData,
  MessageSentData,
  PresenceUpdateData,
  TEST_EVENT_TYPE,
  UserRef,
  WEBHOOK_EVENT_TYPES,
} from '../envelope';

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

export class MediaDataDto implements MediaData {
  @ApiProperty({ format: 'uuid', description: 'The media id: GET /api/v1/media/{id} with your credentials' })
  id!: string;

  @ApiProperty({ example: 'image/jpeg' })
  mimetype!: string;

  @ApiProperty({ nullable: true, type: String, example: 'invoice.pdf' })
  fileName!: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Bytes: as stored, else as the sender announced' })
  size!: number | null;

  @ApiProperty({ nullable: true, type: String, description: 'Hex SHA-256 of the decrypted file; null until fetched' })
  sha256!: string | null;

  @ApiProperty({ nullable: true, type: String })
  caption!: string | null;

  @ApiProperty({ description: 'A voice note' })
  ptt!: boolean;

  @ApiProperty({ nullable: true, type: Number, description: 'Duration of audio and video' })
  seconds!: number | null;

  @ApiProperty({ nullable: true, type: Number })
  width!: number | null;

  @ApiProperty({ nullable: true, type: Number })
  height!: number | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Signed link that needs no credentials until urlExpiresAt (MEDIA_URL_TTL); null when unavailable',
  })
  url!: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  urlExpiresAt!: string | null;

  @ApiProperty({
    nullable: true,
    enum: MEDIA_UNAVAILABLE_REASONS,
    description: 'Why url is null: over MEDIA_MAX_BYTES, MEDIA_DOWNLOAD=off, or WhatsApp did not hand the file over',
  })
  unavailableReason!: MediaData['unavailableReason'];
}

export class LocationDataDto implements LocationData {
  @ApiProperty({ example: 52.52 })
  latitude!: number;

  @ApiProperty({ example: 13.405 })
  longitude!: number;

  @ApiProperty({ nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ nullable: true, type: String })
  address!: string | null;
}

export class ContactDataDto implements ContactData {
  @ApiProperty({ nullable: true, type: String })
  displayName!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'The contact card (vCard 3.0)' })
  vcard!: string | null;
}

export class MessageReceivedDataDto implements MessageReceivedData {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F60718', description: 'WhatsApp message id' })
  id!: string;

  @ApiProperty({ type: ChatRefDto })
  chat!: ChatRefDto;

  @ApiProperty({ type: MessageSenderDto })
  sender!: MessageSenderDto;

  @ApiProperty({ enum: MESSAGE_TYPES })
  type!: MessageType;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'pollCreationMessage',
    description: 'For type unsupported: WhatsApp’s name of the content; null otherwise',
  })
  unsupported!: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: '@15550001111 what time is it?',
    description: 'The text, or the caption of a media message',
  })
  text!: string | null;

  @ApiProperty({ nullable: true, type: MediaDataDto, description: 'For image, video, audio, document and sticker' })
  media!: MediaDataDto | null;

  @ApiProperty({ nullable: true, type: LocationDataDto, description: 'For location' })
  location!: LocationDataDto | null;

  @ApiProperty({ nullable: true, type: ContactDataDto, description: 'For contact' })
  contact!: ContactDataDto | null;

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

  @ApiProperty({
    enum: OUTGOING_MESSAGE_TYPES,
    description: 'The kind of message; the field of the same name carries it',
  })
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

export class MessageReactionDataDto implements MessageReactionData {
  @ApiProperty({ example: '3EB0A1B2C3D4E5F60718', description: 'The reaction message’s own id' })
  id!: string;

  @ApiProperty({ type: ChatRefDto })
  chat!: ChatRefDto;

  @ApiProperty({ type: MessageSenderDto })
  sender!: MessageSenderDto;

  @ApiProperty({ example: '3EB0C431A5F2D8E4B1C7', description: 'The message reacted to' })
  messageId!: string;

  @ApiProperty({ example: '👍', description: 'Empty when the reaction was removed' })
  emoji!: string;

  @ApiProperty()
  fromMe!: boolean;
}

export class MessageEditedDataDto implements MessageEditedData {
  @ApiProperty({ example: '3EB0C431A5F2D8E4B1C7', description: 'The edited message’s id' })
  id!: string;

  @ApiProperty({ type: ChatRefDto })
  chat!: ChatRefDto;

  @ApiProperty({ type: MessageSenderDto })
  sender!: MessageSenderDto;

  @ApiProperty({ nullable: true, type: String, description: 'The new text (or caption)' })
  text!: string | null;

  @ApiProperty({ format: 'date-time' })
  editedAt!: string;

  @ApiProperty()
  fromMe!: boolean;
}

export class MessageRevokedDataDto implements MessageRevokedData {
  @ApiProperty({ example: '3EB0C431A5F2D8E4B1C7', description: 'The deleted message’s id' })
  id!: string;

  @ApiProperty({ type: ChatRefDto })
  chat!: ChatRefDto;

  @ApiProperty({ type: MessageSenderDto })
  sender!: MessageSenderDto;

  @ApiProperty()
  fromMe!: boolean;
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

export class UserRefDto implements UserRef {
  @ApiProperty({ nullable: true, type: String, example: '15551234567@s.whatsapp.net', description: 'Phone-number JID' })
  pn!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '123456789012345@lid' })
  lid!: string | null;
}

export class GroupParticipantsDataDto implements GroupParticipantsData {
  @ApiProperty({ example: '120363025246125486@g.us' })
  group!: string;

  @ApiProperty({ enum: PARTICIPANT_ACTIONS })
  action!: ParticipantAction;

  @ApiProperty({ type: UserRefDto, isArray: true })
  participants!: UserRefDto[];

  @ApiProperty({
    type: UserRefDto,
    nullable: true,
    description: 'Who did it; null when WhatsApp did not say (a join by invite link, the successor of the last admin)',
  })
  by!: UserRefDto | null;
}

export class GroupChangesDto implements GroupChanges {
  @ApiPropertyOptional({ example: 'Support team' })
  subject?: string;

  @ApiPropertyOptional({ description: 'Empty when the description was cleared' })
  description?: string;

  @ApiPropertyOptional({ description: 'Only admins send messages' })
  announce?: boolean;

  @ApiPropertyOptional({ description: 'Only admins change the subject, description and settings' })
  restrict?: boolean;
}

export class GroupUpdatedDataDto implements GroupUpdatedData {
  @ApiProperty({ example: '120363025246125486@g.us' })
  group!: string;

  @ApiProperty({ type: GroupChangesDto, description: 'Only what changed' })
  changes!: GroupChangesDto;

  @ApiProperty({ type: UserRefDto, nullable: true })
  by!: UserRefDto | null;
}

export class CallReceivedDataDto implements CallReceivedData {
  @ApiProperty({ example: 'A1B2C3D4E5F60718293A4B5C6D7E8F90', description: 'WhatsApp’s call id' })
  id!: string;

  @ApiProperty({ type: UserRefDto, description: 'The caller' })
  from!: UserRefDto;

  @ApiProperty()
  isVideo!: boolean;

  @ApiProperty({ description: 'A group call' })
  isGroup!: boolean;

  @ApiProperty({ format: 'date-time', description: 'When the call was offered' })
  at!: string;
}

export class PresenceUpdateDataDto implements PresenceUpdateData {
  @ApiProperty({
    example: '15551234567@s.whatsapp.net',
    description: 'The person’s JID for available/unavailable; the chat (a group for typing in it) for chat states',
  })
  chat!: string;

  @ApiProperty({ type: UserRefDto, description: 'Whose presence it is' })
  from!: UserRefDto;

  @ApiProperty({ enum: PRESENCE_STATES, description: 'available/unavailable: online or not; the others: in chat' })
  state!: PresenceState;

  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When the person was last online, when WhatsApp tells (with unavailable)',
  })
  lastSeen!: string | null;
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
      { $ref: '#/components/schemas/MessageReactionDataDto' },
      { $ref: '#/components/schemas/MessageEditedDataDto' },
      { $ref: '#/components/schemas/MessageRevokedDataDto' },
      { $ref: '#/components/schemas/SessionStatusDataDto' },
      { $ref: '#/components/schemas/GroupParticipantsDataDto' },
      { $ref: '#/components/schemas/GroupUpdatedDataDto' },
      { $ref: '#/components/schemas/CallReceivedDataDto' },
      { $ref: '#/components/schemas/PresenceUpdateDataDto' },
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
  MessageReactionDataDto,
  MessageEditedDataDto,
  MessageRevokedDataDto,
  SessionStatusDataDto,
  GroupParticipantsDataDto,
  GroupUpdatedDataDto,
  CallReceivedDataDto,
  PresenceUpdateDataDto,
  WebhookAnswerDto,
];
