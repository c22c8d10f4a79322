// The JSON Schemas of every event envelope, written once against the types in envelope.ts (the compiler checks each
// schema against its type) and published by both documents: OpenAPI's `webhooks` and AsyncAPI's channels.
import { MEDIA_UNAVAILABLE_REASONS } from '../media/media.entity';
import { OUTGOING_MESSAGE_TYPES } from '../messages/message-content';
import { SESSION_STATUSES } from '../sessions/session-status';
import { MESSAGE_TYPES } from '../whatsapp/events';
import { PARTICIPANT_ACTIONS, PRESENCE_STATES, type GroupChanges } from '../whatsapp/whatsapp.provider';
import {
  arrayOf,
  boolean,
  dateTime,
  integer,
  literal,
  nullable,
  number,
  object,
  oneOf,
  oneOfValues,
  optional,
  SchemaComponents,
  string,
  type JsonSchema,
  type Schema,
} from '../core/http/typed-schema';
import {
  ACK_STATUSES,
  type CallReceivedData,
  type ChatRef,
  type ContactData,
  type GroupParticipantsData,
  type GroupUpdatedData,
  type LocationData,
  type MediaData,
  type MessageAckData,
  type MessageEditedData,
  type MessageReactionData,
  type MessageReceivedData,
  type MessageRevokedData,
  type MessageSentData,
  type PresenceUpdateData,
  type SenderRef,
  type SessionStatusData,
  type SinkTestData,
  TEST_EVENT_TYPE,
  type TestEventData,
  type UserRef,
  WEBHOOK_EVENT_TYPES,
  type WebhookTestData,
  type WebhookEnvelope,
  type WebhookEventDataMap,
} from './envelope';

/** Every event's data by type, the `webhook.test` ping included. */
export type EventDataMap = WebhookEventDataMap & { [TEST_EVENT_TYPE]: TestEventData };
export type EventType = keyof EventDataMap;
export const EVENT_TYPES: readonly EventType[] = [...WEBHOOK_EVENT_TYPES, TEST_EVENT_TYPE];

/** The envelope of one event type, its `type` narrowed to that one. */
export type EventEnvelopeOf<E extends EventType> = Omit<WebhookEnvelope<EventDataMap[E]>, 'type'> & { type: E };

/** What a receiver may answer to `message.received` for WAGO to reply in the chat (see delivery.service.ts). */
export interface WebhookAnswer {
  reply?: { text: string };
}

const components = new SchemaComponents();
const jid = (example: string, description?: string): Schema<string> => string({ example, description });
const messageId = (description?: string): Schema<string> => string({ example: '3EB0C431A5F2D8E4B1C7', description });

const chatRef = components.define(
  'ChatRef',
  object<ChatRef>({
    jid: jid('120363025246125486@g.us', 'Group JID, or the peer’s PN JID (its LID if the PN is unknown)'),
    type: oneOfValues(['direct', 'group']),
  }),
);

const sender = components.define(
  'Sender',
  object<SenderRef>({
    pn: nullable(jid('15551234567@s.whatsapp.net', 'Phone-number JID; null only for a LID nobody mapped yet')),
    lid: nullable(jid('123456789012345@lid')),
    pushName: nullable(string({ example: 'Ana' })),
  }),
);

const userRef = components.define(
  'UserRef',
  object<UserRef>({
    pn: nullable(jid('15551234567@s.whatsapp.net', 'Phone-number JID')),
    lid: nullable(jid('123456789012345@lid')),
  }),
);

const media = components.define(
  'ReceivedMedia',
  object<MediaData>(
    {
      id: string({ format: 'uuid', description: 'The media id: GET /api/v1/media/{id} with your credentials' }),
      mimetype: string({ example: 'image/jpeg' }),
      fileName: nullable(string({ example: 'invoice.pdf' })),
      size: nullable(integer({ description: 'Bytes: as stored, else as the sender announced' })),
      sha256: nullable(string({ description: 'Hex SHA-256 of the decrypted file; null until fetched' })),
      caption: nullable(string()),
      ptt: boolean({ description: 'A voice note' }),
      seconds: nullable(number({ description: 'Duration of audio and video' })),
      width: nullable(integer()),
      height: nullable(integer()),
      url: nullable(
        string({
          description:
            'Signed link that needs no credentials until urlExpiresAt (MEDIA_URL_TTL); null when unavailable',
        }),
      ),
      urlExpiresAt: nullable(dateTime()),
      unavailableReason: nullable(
        oneOfValues(MEDIA_UNAVAILABLE_REASONS, {
          description:
            'Why url is null: over MEDIA_MAX_BYTES, MEDIA_DOWNLOAD=off, or WhatsApp did not hand the file over',
        }),
      ),
    },
    { description: 'The file of a media message' },
  ),
);

const location = components.define(
  'ReceivedLocation',
  object<LocationData>({
    latitude: number({ example: 52.52 }),
    longitude: number({ example: 13.405 }),
    name: nullable(string()),
    address: nullable(string()),
  }),
);

const contact = components.define(
  'ReceivedContact',
  object<ContactData>({
    displayName: nullable(string()),
    vcard: nullable(string({ description: 'The contact card (vCard 3.0)' })),
  }),
);

const messageReceived = components.define(
  'MessageReceivedData',
  object<MessageReceivedData>({
    id: messageId('WhatsApp message id'),
    chat: chatRef,
    sender,
    type: oneOfValues(MESSAGE_TYPES),
    unsupported: nullable(
      string({ example: 'pollCreationMessage', description: 'For type unsupported: WhatsApp’s name of the content' }),
    ),
    text: nullable(string({ example: 'what time is it?', description: 'The text, or the caption of a media message' })),
    media: nullable(media, { description: 'For image, video, audio, document and sticker' }),
    location: nullable(location, { description: 'For location' }),
    contact: nullable(contact, { description: 'For contact' }),
    mentions: arrayOf(jid('15550001111@s.whatsapp.net'), { description: 'The JIDs mentioned, as WhatsApp wrote them' }),
    mentioned: boolean({ description: 'The account is addressed: mentioned by PN or LID, or replied to' }),
    mentionedBy: nullable(oneOfValues(['pn', 'lid', 'reply'])),
    quoted: nullable(
      object<{ id: string; sender: string | null }>({
        id: messageId(),
        sender: nullable(jid('15550001111@s.whatsapp.net')),
      }),
      { description: 'The message this one replies to' },
    ),
    fromMe: boolean({ description: 'Sent by this account (from the phone or another linked device)' }),
    offline: boolean({ description: 'Delivered from the offline queue on reconnect rather than live' }),
  }),
);

type Sent = MessageSentData;
const messageSent = components.define(
  'MessageSentData',
  object<Sent>({
    id: messageId(),
    chat: chatRef,
    type: oneOfValues(OUTGOING_MESSAGE_TYPES, {
      description: 'The kind of message; the field of the same name says more',
    }),
    text: string({ description: 'The text, or a media message’s caption; empty for kinds without one' }),
    mentions: arrayOf(jid('15550001111@s.whatsapp.net')),
    replyTo: nullable(messageId('The id of the quoted message')),
    media: nullable(
      object<NonNullable<Sent['media']>>({
        id: string({ format: 'uuid', description: 'The stored file (GET /api/v1/media/{id})' }),
        mimetype: string({ example: 'image/jpeg' }),
        fileName: nullable(string()),
        ptt: boolean({ description: 'Sent as a voice note' }),
      }),
    ),
    location: nullable(
      object<NonNullable<Sent['location']>>({
        latitude: number(),
        longitude: number(),
        name: nullable(string()),
        address: nullable(string()),
      }),
    ),
    contact: nullable(object<NonNullable<Sent['contact']>>({ displayName: string(), vcard: string() })),
    reaction: nullable(
      object<NonNullable<Sent['reaction']>>({
        messageId: messageId('The message reacted to'),
        emoji: string({ example: '👍', description: 'Empty when the reaction was removed' }),
      }),
    ),
  }),
);

const messageAck = components.define(
  'MessageAckData',
  object<MessageAckData>({
    id: messageId('The id of a message this account sent'),
    chat: chatRef,
    recipient: nullable(jid('15550001111@s.whatsapp.net', 'The group member who acknowledged it, for groups')),
    status: oneOfValues(ACK_STATUSES),
  }),
);

const messageReaction = components.define(
  'MessageReactionData',
  object<MessageReactionData>({
    id: messageId('The reaction message’s own id'),
    chat: chatRef,
    sender,
    messageId: messageId('The message reacted to'),
    emoji: string({ example: '👍', description: 'Empty when the reaction was removed' }),
    fromMe: boolean(),
  }),
);

const messageEdited = components.define(
  'MessageEditedData',
  object<MessageEditedData>({
    id: messageId('The edited message’s id'),
    chat: chatRef,
    sender,
    text: nullable(string({ description: 'The new text (or caption)' })),
    editedAt: dateTime(),
    fromMe: boolean(),
  }),
);

const messageRevoked = components.define(
  'MessageRevokedData',
  object<MessageRevokedData>({
    id: messageId('The deleted message’s id'),
    chat: chatRef,
    sender,
    fromMe: boolean(),
  }),
);

const sessionStatus = components.define(
  'SessionStatusData',
  object<SessionStatusData>({
    sessionId: string({ format: 'uuid' }),
    status: oneOfValues(SESSION_STATUSES),
    reason: nullable(string({ example: 'connection_lost', description: 'Why, when the change was not asked for' })),
    at: dateTime(),
  }),
);

const groupParticipants = components.define(
  'GroupParticipantsData',
  object<GroupParticipantsData>({
    group: jid('120363025246125486@g.us', 'The group JID'),
    action: oneOfValues(PARTICIPANT_ACTIONS),
    participants: arrayOf(userRef),
    by: nullable(userRef, {
      description:
        'Who did it; null when WhatsApp did not say (a join by invite link, the successor of the last admin)',
    }),
  }),
);

const groupUpdated = components.define(
  'GroupUpdatedData',
  object<GroupUpdatedData>({
    group: jid('120363025246125486@g.us', 'The group JID'),
    changes: object<GroupChanges>(
      {
        subject: optional(string({ example: 'Support team' })),
        description: optional(string({ description: 'Empty when the description was cleared' })),
        announce: optional(boolean({ description: 'Only admins send messages' })),
        restrict: optional(boolean({ description: 'Only admins change the subject, description and settings' })),
      },
      { description: 'Only what changed' },
    ),
    by: nullable(userRef),
  }),
);

const callReceived = components.define(
  'CallReceivedData',
  object<CallReceivedData>({
    id: string({ example: 'A1B2C3D4E5F60718293A4B5C6D7E8F90', description: 'WhatsApp’s call id' }),
    from: userRef,
    isVideo: boolean(),
    isGroup: boolean({ description: 'A group call' }),
    at: dateTime({ description: 'When the call was offered' }),
  }),
);

const presenceUpdate = components.define(
  'PresenceUpdateData',
  object<PresenceUpdateData>({
    chat: jid(
      '15551234567@s.whatsapp.net',
      'The person’s JID for available/unavailable; the chat (a group for typing in it) for chat states',
    ),
    from: userRef,
    state: oneOfValues(PRESENCE_STATES, { description: 'available/unavailable: online or not; the others: in chat' }),
    lastSeen: nullable(dateTime({ description: 'When the person was last online, when WhatsApp tells' })),
  }),
);

const testEvent = components.define(
  'TestEventData',
  oneOf<[WebhookTestData, SinkTestData]>(
    object<WebhookTestData>({
      webhookId: string({ format: 'uuid' }),
      message: string({ example: 'Test event from WAGO' }),
    }),
    object<SinkTestData>({
      sinkId: string({ format: 'uuid' }),
      message: string({ example: 'Test event from WAGO' }),
    }),
  ),
);

const DATA: { [E in EventType]: Schema<EventDataMap[E]> } = {
  'message.received': messageReceived,
  'message.sent': messageSent,
  'message.ack': messageAck,
  'message.reaction': messageReaction,
  'message.edited': messageEdited,
  'message.revoked': messageRevoked,
  'session.status': sessionStatus,
  'group.participants': groupParticipants,
  'group.updated': groupUpdated,
  'call.received': callReceived,
  'presence.update': presenceUpdate,
  [TEST_EVENT_TYPE]: testEvent,
};

/** What each event type is, for the documents. */
export const EVENT_SUMMARIES: Record<EventType, string> = {
  'message.received': 'A message arrived (or this account sent one from another device)',
  'message.sent': 'A message sent through WAGO was accepted by WhatsApp',
  'message.ack': 'A message this account sent reached the server, a device, or was read',
  'message.reaction': 'Someone reacted to a message (an empty emoji removed the reaction)',
  'message.edited': 'A message was edited',
  'message.revoked': 'A message was deleted for everyone',
  'session.status': 'The session’s status changed',
  'group.participants': 'Members were added, removed, promoted or demoted in a group',
  'group.updated': 'A group’s subject, description or settings changed',
  'call.received': 'Someone calls this account',
  'presence.update': 'Someone came online, went offline, or is typing or recording in a chat',
  [TEST_EVENT_TYPE]:
    'The ping sent by POST /api/v1/webhooks/{webhookId}/test and /api/v1/sinks/{sinkId}/test (never stored or retried)',
};

/** The component name of an event type's envelope: `message.received` → `MessageReceivedEvent`. */
export function envelopeSchemaName(type: EventType): string {
  return `${type.replace(/(^|\.)(\w)/g, (_, _dot: string, letter: string) => letter.toUpperCase())}Event`;
}

function envelopeOf<E extends EventType>(type: E): Schema<EventEnvelopeOf<E>> {
  return object<EventEnvelopeOf<E>>(
    {
      version: literal(1),
      id: string({
        example: 'evt_6f1c0f0e4a1b4bd0a9a8f2f6c1e2d3b4',
        description:
          'The event id: the webhook-id header, the AMQP message id and the Nats-Msg-Id; the same on every retry',
      }),
      type: literal(type),
      sessionId: string({ format: 'uuid' }),
      timestamp: dateTime({ description: 'When it happened (for messages, WhatsApp’s message time)' }),
      data: DATA[type],
    },
    { description: EVENT_SUMMARIES[type] },
  );
}

/** A reference to each event type's envelope schema. */
export const EVENT_ENVELOPES = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, components.define(envelopeSchemaName(type), envelopeOf(type))]),
) as { [E in EventType]: Schema<EventEnvelopeOf<E>> };

/** Any event, told apart by `type`: one of the envelopes above, each checked against its type. */
export const EVENT_ENVELOPE = components.define<WebhookEnvelope>('EventEnvelope', {
  json: { oneOf: EVENT_TYPES.map((type) => EVENT_ENVELOPES[type].json) },
});

/** Any event a session publishes (the webhook.test ping is only ever sent to the webhook or sink it tests). */
export const PUBLISHED_EVENT_ENVELOPE = components.define<WebhookEnvelope>('PublishedEventEnvelope', {
  json: { oneOf: WEBHOOK_EVENT_TYPES.map((type) => EVENT_ENVELOPES[type].json) },
});

export const WEBHOOK_ANSWER = components.define(
  'WebhookAnswer',
  object<WebhookAnswer>(
    {
      reply: optional(
        object<{ text: string }>({
          text: string({ example: 'It is 10:42.', description: 'Sent to the same chat, quoting the incoming message' }),
        }),
      ),
    },
    { description: 'What a receiver may answer to message.received for WAGO to reply on its behalf' },
  ),
);

/** Every schema above by component name, for `#/components/schemas`. */
export const EVENT_SCHEMA_COMPONENTS: Record<string, JsonSchema> = components.all();
