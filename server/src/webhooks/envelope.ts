// What subscribers receive: one envelope for every event, `{version, id, type, sessionId, timestamp, data}`.
import { createHash, randomUUID } from 'node:crypto';
import type { MessageType, ReceivedContact, ReceivedLocation, ReceivedMedia } from '../whatsapp/events';
import type { GroupChanges, ParticipantAction, PresenceState } from '../whatsapp/whatsapp.provider';
import type { OutgoingMessageType } from '../messages/message-content';
import type { SessionStatus } from '../sessions/session-status';
import type { MentionedBy } from './mention-policy';

export const WEBHOOK_EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.ack',
  'message.reaction',
  'message.edited',
  'message.revoked',
  'session.status',
  'group.participants',
  'group.updated',
  'call.received',
  'presence.update',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Subscribes to every event type, including those added later. */
export const ALL_EVENTS = '*';
export type EventSelector = WebhookEventType | typeof ALL_EVENTS;
export const EVENT_SELECTORS: readonly EventSelector[] = [...WEBHOOK_EVENT_TYPES, ALL_EVENTS];
/** The type of the ping sent by `POST /webhooks/{id}/test`; never stored, never retried. */
export const TEST_EVENT_TYPE = 'webhook.test';

export interface WebhookEnvelope<T = unknown> {
  version: 1;
  /** The event id: equal to the `webhook-id` header and stable across retries and redeliveries. */
  id: string;
  type: WebhookEventType | typeof TEST_EVENT_TYPE;
  sessionId: string;
  /** ISO 8601: when the event happened (for messages, WhatsApp's message time). */
  timestamp: string;
  data: T;
}

export interface ChatRef {
  jid: string;
  type: 'direct' | 'group';
}

export interface SenderRef {
  pn: string | null;
  lid: string | null;
  pushName: string | null;
}

/**
 * The file of a media message as the incoming message described it, with `url`, a signed link valid until
 * `urlExpiresAt` (null when the file is unavailable, `unavailableReason` saying why) instead of its storage status.
 */
export interface MediaData extends Omit<ReceivedMedia, 'status'> {
  url: string | null;
  urlExpiresAt: string | null;
}

export type LocationData = ReceivedLocation;

export type ContactData = ReceivedContact;

export interface MessageReceivedData {
  id: string;
  chat: ChatRef;
  sender: SenderRef;
  type: MessageType;
  /** WhatsApp's name of the content for `type: unsupported`; null otherwise. */
  unsupported: string | null;
  text: string | null;
  media: MediaData | null;
  location: LocationData | null;
  contact: ContactData | null;
  mentions: string[];
  mentioned: boolean;
  mentionedBy: MentionedBy | null;
  quoted: { id: string; sender: string | null } | null;
  fromMe: boolean;
  offline: boolean;
}

export interface MessageSentData {
  id: string;
  chat: ChatRef;
  type: OutgoingMessageType;
  /** The text, or a media message's caption; '' for kinds without one. */
  text: string;
  mentions: string[];
  replyTo: string | null;
  media: { id: string; mimetype: string; fileName: string | null; ptt: boolean } | null;
  location: { latitude: number; longitude: number; name: string | null; address: string | null } | null;
  contact: { displayName: string; vcard: string } | null;
  reaction: { messageId: string; emoji: string } | null;
}

export const ACK_STATUSES = ['server', 'delivered', 'read'] as const;
export type AckStatus = (typeof ACK_STATUSES)[number];

export interface MessageAckData {
  id: string;
  chat: ChatRef;
  /** Who acknowledged it, for receipts from a group member; null for the server's ack and direct chats. */
  recipient: string | null;
  status: AckStatus;
}

export interface MessageReactionData {
  /** The reaction message's own id. */
  id: string;
  chat: ChatRef;
  sender: SenderRef;
  /** The message reacted to. */
  messageId: string;
  /** Empty when the reaction was removed. */
  emoji: string;
  fromMe: boolean;
}

export interface MessageEditedData {
  /** The edited message's id. */
  id: string;
  chat: ChatRef;
  sender: SenderRef;
  text: string | null;
  editedAt: string;
  fromMe: boolean;
}

export interface MessageRevokedData {
  /** The deleted message's id. */
  id: string;
  chat: ChatRef;
  sender: SenderRef;
  fromMe: boolean;
}

export interface SessionStatusData {
  sessionId: string;
  status: SessionStatus;
  reason: string | null;
  at: string;
}

/** Both identities of a user, as far as WAGO knows them. */
export interface UserRef {
  pn: string | null;
  lid: string | null;
}

export interface GroupParticipantsData {
  /** The group JID. */
  group: string;
  action: ParticipantAction;
  participants: UserRef[];
  /** Who did it; null when WhatsApp did not say (a join by invite link, the successor of the last admin). */
  by: UserRef | null;
}

export interface GroupUpdatedData {
  /** The group JID. */
  group: string;
  /** Only what changed; an empty description was cleared. */
  changes: GroupChanges;
  by: UserRef | null;
}

export interface CallReceivedData {
  /** WhatsApp's call id. */
  id: string;
  from: UserRef;
  isVideo: boolean;
  isGroup: boolean;
  /** ISO 8601: when the call was offered. */
  at: string;
}

export interface PresenceUpdateData {
  /** The person's JID for online/offline, the chat (a group for typing in it) for chat states. */
  chat: string;
  from: UserRef;
  state: PresenceState;
  /** ISO 8601: when the person was last online, when WhatsApp tells (offline presences). */
  lastSeen: string | null;
}

/** The `webhook.test` ping's data: which webhook or sink it tests. */
export type TestEventData = WebhookTestData | SinkTestData;

export interface WebhookTestData {
  webhookId: string;
  message: string;
}

export interface SinkTestData {
  sinkId: string;
  message: string;
}

export interface WebhookEventDataMap {
  'message.received': MessageReceivedData;
  'message.sent': MessageSentData;
  'message.ack': MessageAckData;
  'message.reaction': MessageReactionData;
  'message.edited': MessageEditedData;
  'message.revoked': MessageRevokedData;
  'session.status': SessionStatusData;
  'group.participants': GroupParticipantsData;
  'group.updated': GroupUpdatedData;
  'call.received': CallReceivedData;
  'presence.update': PresenceUpdateData;
}

/** Event ids follow the Standard Webhooks habit of a typed prefix: `evt_` and 32 hex characters. */
export function newEventId(): string {
  return `evt_${randomUUID().replace(/-/g, '')}`;
}

/**
 * The one event id of an incoming message in a session, in the same format: WhatsApp may deliver a message again
 * (after a crash between commit and receipt), and the outbox must recognise it.
 */
export function messageEventId(sessionId: string, messageId: string): string {
  return incomingEventId('message.received', sessionId, messageId);
}

/**
 * The same for every event an incoming WhatsApp message causes (a reaction, an edit, a deletion), from the id of
 * the message that carried it.
 */
export function incomingEventId(type: WebhookEventType, sessionId: string, messageId: string): string {
  const digest = createHash('sha256').update(`${type}\n${sessionId}\n${messageId}`).digest('hex');
  return `evt_${digest.slice(0, 32)}`;
}

export function envelope<E extends WebhookEventType>(
  type: E,
  sessionId: string,
  timestamp: string,
  data: WebhookEventDataMap[E],
  id: string = newEventId(),
): WebhookEnvelope<WebhookEventDataMap[E]> {
  return { version: 1, id, type, sessionId, timestamp, data };
}

export function selects(selectors: readonly string[], type: WebhookEventType): boolean {
  return selectors.includes(ALL_EVENTS) || selectors.includes(type);
}
