// The events between the WhatsApp side and its consumers (the session lifecycle, webhooks, realtime gateway, send
// queue): names and payloads.
import { Injectable } from '@nestjs/common';
import { EventBus } from '../core/runtime/event-bus';
import type { MediaStatus, MediaUnavailableReason } from '../media/media.entity';
import type { SessionStatus } from '../sessions/session-status';
import type {
  Disconnect,
  GroupChanges,
  GroupInfo,
  ParticipantAction,
  PresenceState,
  UserIds,
  WhatsAppAccount,
} from './whatsapp.provider';

/** The kinds of message that carry a file. */
export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** What a message is, by its content. `unsupported`: a kind WAGO does not describe (polls, events, payments…). */
export const MESSAGE_TYPES = ['text', ...MEDIA_TYPES, 'location', 'contact', 'unsupported'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The file of a media message as WAGO keeps it (see MediaService.receive). */
export interface ReceivedMedia {
  /** The media id: GET /media/{id}. */
  id: string;
  mimetype: string;
  fileName: string | null;
  /** Bytes: stored, else as the sender announced; null when unknown. */
  size: number | null;
  /** Hex SHA-256 of the decrypted file; null until it is stored. */
  sha256: string | null;
  caption: string | null;
  /** A voice note (audio recorded push-to-talk). */
  ptt: boolean;
  /** Duration of audio and video. */
  seconds: number | null;
  width: number | null;
  height: number | null;
  /** `pending`: fetched from WhatsApp at its first request. */
  status: MediaStatus;
  unavailableReason: MediaUnavailableReason | null;
}

export interface ReceivedLocation {
  latitude: number;
  longitude: number;
  name: string | null;
  address: string | null;
}

export interface ReceivedContact {
  displayName: string | null;
  vcard: string | null;
}

/** Who sent a message (or a reaction, edit or deletion): JIDs without a device part. */
export interface MessageSender {
  /** The sender's phone-number JID (`…@s.whatsapp.net`); null only when WhatsApp sent a LID nobody has mapped yet. */
  senderPn: string | null;
  /** The sender's LID (`…@lid`); null when WhatsApp never told us. */
  senderLid: string | null;
  pushName: string | null;
}

/** What a reaction, edit or deletion is about, for the group policy. */
export interface MessageUpdateTarget {
  sessionId: string;
  /** The message reacted to, edited or deleted. */
  targetMessageId: string;
  /** That message was sent by this account. */
  targetFromMe: boolean;
  chatJid: string;
  chatType: 'direct' | 'group';
}

/** A reaction set (or removed: `emoji` empty) on a message. */
export interface MessageReaction extends MessageUpdateTarget, MessageSender {
  /** The reaction message's own id. */
  reactionId: string;
  emoji: string;
  fromMe: boolean;
  /** ISO 8601. */
  timestamp: string;
}

/** A message its sender edited. */
export interface MessageEdited extends MessageUpdateTarget, MessageSender {
  /** The id of the message that carried the edit (the event's identity: a message may be edited several times). */
  editId: string;
  text: string | null;
  /** ISO 8601. */
  editedAt: string;
  fromMe: boolean;
}

/** A message deleted for everyone. */
export interface MessageRevoked extends MessageUpdateTarget, MessageSender {
  /** The id of the message that carried the deletion. */
  revokeId: string;
  fromMe: boolean;
  /** ISO 8601. */
  timestamp: string;
}

/**
 * One incoming (or own, sent from another device) WhatsApp message, whether it arrived live or from the offline
 * queue. JIDs carry no device part. Emitted once per message id and session.
 */
export interface MessageReceived {
  sessionId: string;
  messageId: string;
  /** Group JID (`…@g.us`), or for a direct chat the peer's PN JID when known, else its LID. */
  chatJid: string;
  chatType: 'direct' | 'group';
  /** The sender's phone-number JID (`…@s.whatsapp.net`); null only when WhatsApp sent a LID nobody has mapped yet. */
  senderPn: string | null;
  /** The sender's LID (`…@lid`); null when WhatsApp never told us. */
  senderLid: string | null;
  pushName: string | null;
  type: MessageType;
  /** For `unsupported`, WhatsApp's name of the content (e.g. `pollCreationMessage`); null otherwise. */
  unsupported: string | null;
  /** The text, or the caption of a media message; null for media without caption and other content. */
  text: string | null;
  media: ReceivedMedia | null;
  location: ReceivedLocation | null;
  contact: ReceivedContact | null;
  /** The JIDs mentioned, exactly as WhatsApp addressed them (PN or LID JIDs). */
  mentionedJids: string[];
  quotedMessageId: string | null;
  /** Sender of the quoted message (PN or LID JID, as WhatsApp addressed it). */
  quotedSender: string | null;
  /** ISO 8601, from WhatsApp's message timestamp. */
  timestamp: string;
  /** Sent by this account (from the phone or another linked device). */
  fromMe: boolean;
  /** Delivered from the offline queue on (re)connect rather than live. */
  offline: boolean;
}

/** The file of a message from the history sync: described only, never fetched (it has no media record). */
export type HistoryMedia = Omit<ReceivedMedia, 'id' | 'sha256' | 'status' | 'unavailableReason'>;

/** A message of the history WhatsApp syncs to a newly linked device: as a received one, its file only described. */
export interface HistoryMessage extends Omit<MessageReceived, 'media' | 'offline'> {
  media: HistoryMedia | null;
}

/** A chat of the history sync, for its name (a group's subject, a contact's name) when WhatsApp gives one. */
export interface HistoryChat {
  chatJid: string;
  name: string | null;
}

/**
 * One chunk of the history sync that follows pairing. Only the history module keeps it: history messages are not
 * `message.received` (a client hears of what arrives, not of what the phone already had).
 */
export interface HistoryReceived {
  sessionId: string;
  messages: HistoryMessage[];
  chats: HistoryChat[];
}

export interface SessionStatusChanged {
  sessionId: string;
  ownerId: string;
  status: SessionStatus;
  /** Why it changed when the change was not asked for (e.g. `connection_lost`, `logged_out`); null otherwise. */
  reason: string | null;
  /** ISO 8601. */
  at: string;
}

export interface SessionQrChanged {
  sessionId: string;
  ownerId: string;
  qr: string;
  /** ISO 8601: when WhatsApp rotates this QR. */
  expiresAt: string;
}

/** A receipt for a message this account sent: the server took it, a device got it, or someone read it. */
export interface MessageAck {
  sessionId: string;
  messageId: string;
  chatJid: string;
  chatType: 'direct' | 'group';
  /** The group member whose device acknowledged it; null for the server's ack and direct chats. */
  recipient: string | null;
  status: 'server' | 'delivered' | 'read';
  /** ISO 8601. */
  at: string;
}

/** A user as WhatsApp described it somewhere (a message, a usync answer, group metadata, history, contacts). */
export interface LearnedContact extends UserIds {
  /** Undefined: not told this time (keep what is known). */
  pushName?: string | null;
  verifiedName?: string | null;
}

/** Identities and names WhatsApp told this session about; the contacts module keeps them. */
export interface ContactsLearned {
  sessionId: string;
  contacts: LearnedContact[];
}

/** The account blocked or unblocked these users, from whichever of its devices (the phone, WAGO, another one). */
export interface ContactsBlocked {
  sessionId: string;
  /** As WhatsApp keys its blocklist: LIDs (PN JIDs from older accounts). */
  jids: string[];
  blocked: boolean;
}

/** Members were added, removed, promoted or demoted in a group this account is in. */
export interface GroupParticipantsChanged {
  sessionId: string;
  groupJid: string;
  action: ParticipantAction;
  participants: UserIds[];
  /** Who did it; null when WhatsApp did not say (e.g. someone joined by invite). */
  by: UserIds | null;
  /** ISO 8601. */
  at: string;
}

/** A group's subject, description or settings changed. */
export interface GroupUpdated {
  sessionId: string;
  groupJid: string;
  changes: GroupChanges;
  by: UserIds | null;
  /** ISO 8601. */
  at: string;
}

/** Groups WhatsApp described in full (the account created or joined one, or was added to it). */
export interface GroupsSeen {
  sessionId: string;
  groups: GroupInfo[];
}

/** Someone calls this account (the offer; later updates of the call are not events). */
export interface CallReceived {
  sessionId: string;
  callId: string;
  from: UserIds;
  isVideo: boolean;
  isGroup: boolean;
  /** ISO 8601. */
  at: string;
  /** Offered while the session was offline (WhatsApp tells it on reconnect). */
  offline: boolean;
}

/** A subscribed user's presence changed: online or offline, or typing or recording in a chat. */
export interface PresenceUpdated {
  sessionId: string;
  /** The chat the presence is about: the user's own JID for online/offline, a group for typing in it. */
  chatJid: string;
  from: UserIds;
  state: PresenceState;
  /** ISO 8601: when the user was last online, when WhatsApp tells (offline presences). */
  lastSeen: string | null;
  /** ISO 8601: when WhatsApp told (a presence carries no time of its own). */
  at: string;
}

/**
 * What a live connection reports to the sessions module that opened it: `connectionId` is the id it passed to
 * `WhatsAppProvider.connect`, so an event of a connection it has since replaced is recognised and dropped. Published
 * in order, none after `connection.closed`; a connection closed on purpose (stop, logout, shutdown) publishes nothing.
 */
interface ConnectionEvent {
  sessionId: string;
  connectionId: number;
}

/** A new QR to show (each replaces the previous one until expiresAt). */
export interface ConnectionQr extends ConnectionEvent {
  qr: string;
  expiresAt: Date;
}

/** Logged in (after pairing, or from stored credentials). */
export interface ConnectionOpened extends ConnectionEvent {
  account: WhatsAppAccount;
}

/** The push name became known or changed while connected. */
export interface ConnectionRenamed extends ConnectionEvent {
  pushName: string;
}

/** The connection ended without anyone here asking for it. */
export interface ConnectionClosed extends ConnectionEvent {
  disconnect: Disconnect;
}

export interface WhatsAppEventMap {
  'connection.qr': ConnectionQr;
  'connection.opened': ConnectionOpened;
  'connection.renamed': ConnectionRenamed;
  'connection.closed': ConnectionClosed;
  'message.received': MessageReceived;
  'session.status': SessionStatusChanged;
  'session.qr': SessionQrChanged;
  'message.ack': MessageAck;
  'message.reaction': MessageReaction;
  'message.edited': MessageEdited;
  'message.revoked': MessageRevoked;
  'contacts.learned': ContactsLearned;
  'contacts.blocked': ContactsBlocked;
  'group.participants': GroupParticipantsChanged;
  'group.updated': GroupUpdated;
  'groups.seen': GroupsSeen;
  'call.received': CallReceived;
  'presence.update': PresenceUpdated;
  'history.received': HistoryReceived;
}

export type WhatsAppEventName = keyof WhatsAppEventMap;

/**
 * What the WhatsApp side tells its consumers (the session lifecycle, webhooks, realtime gateway, send queue), on the one
 * bus and its rule.
 */
@Injectable()
export class WhatsAppEvents extends EventBus<WhatsAppEventMap> {
  constructor() {
    super(WhatsAppEvents.name);
  }
}
