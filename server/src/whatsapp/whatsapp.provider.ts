// The WhatsApp side as the rest of WAGO sees it: an abstract class used as the DI token (the Baileys engine implements it).
import type { Readable } from 'node:stream';
import type { SessionDevice } from '../sessions/session.entity';

/** Who this session is on WhatsApp, as known once connected. JIDs carry no device part. */
export interface WhatsAppAccount {
  /** Phone-number JID, `15551234567@s.whatsapp.net`. */
  jid: string;
  /** `…@lid`, when WhatsApp told us. */
  lid: string | null;
  /** Digits only. */
  phoneNumber: string;
  pushName: string | null;
  device: SessionDevice;
}

/**
 * Why a connection closed, as the disconnect policy needs it. `reason` is the stable token stored in
 * `lastDisconnect.reason`; `code` is WhatsApp's status code when there is one.
 */
export type DisconnectReason =
  | 'logged_out'
  | 'banned'
  | 'replaced'
  | 'qr_timeout'
  | 'connection_lost'
  | 'connection_closed'
  | 'bad_session'
  | 'service_unavailable'
  | 'multidevice_mismatch'
  | 'unknown';

export interface Disconnect {
  reason: DisconnectReason;
  code: number | null;
  message: string;
}

/** A message of the chat, as WhatsApp identifies it: by id, whether this account sent it, and in groups its sender. */
export interface MessageRef {
  chatJid: string;
  messageId: string;
  fromMe: boolean;
  /** The group member who sent it (PN or LID JID); null in direct chats and for own messages. */
  sender: string | null;
}

/** A media file to send, read as it is uploaded (never held whole). */
export interface OutgoingMedia {
  stream: Readable;
  mimetype: string;
  fileName?: string;
}

/** What a message says, by kind. */
export type OutgoingContent =
  | { type: 'text'; text: string }
  | { type: 'image' | 'video' | 'document'; media: OutgoingMedia; caption?: string }
  | { type: 'audio'; media: OutgoingMedia; ptt: boolean }
  | { type: 'sticker'; media: OutgoingMedia }
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'contact'; displayName: string; vcard: string }
  /** An empty emoji removes this account's reaction. */
  | { type: 'reaction'; target: MessageRef; emoji: string };

export interface OutgoingMessage {
  /** A phone number (digits), a PN JID, a LID or a group JID. */
  to: string;
  content: OutgoingContent;
  /** JIDs to mention (text and captions); each must also appear as `@<user>` for WhatsApp clients to highlight it. */
  mentions?: string[];
  /** Quote a message of the same chat by its id. */
  quoted?: { messageId: string; sender?: string };
  /** Send with this WhatsApp message id (chosen before sending, so a queued message already has it). */
  messageId?: string;
}

export const PRESENCE_STATES = ['available', 'unavailable', 'composing', 'recording', 'paused'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

export interface SentMessage {
  messageId: string;
  /** The JID the message went to. */
  chatJid: string;
  /** ISO 8601. */
  timestamp: string;
}

/** Both identities of a WhatsApp user, as far as known: the phone-number JID and the LID (no device part). */
export interface UserIds {
  pn: string | null;
  lid: string | null;
}

/** Whether a phone number is on WhatsApp, with its JIDs when it is. */
export interface NumberLookup {
  /** Digits, as asked. */
  phoneNumber: string;
  exists: boolean;
  /** PN JID; null when the number is not on WhatsApp. */
  jid: string | null;
  lid: string | null;
}

export const GROUP_ROLES = ['member', 'admin', 'superadmin'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

export interface GroupMember extends UserIds {
  role: GroupRole;
}

/** A group as WhatsApp describes it. JIDs carry no device part. */
export interface GroupInfo {
  /** `…@g.us`. */
  jid: string;
  subject: string;
  description: string | null;
  /** The creator: PN JID when known, else LID. */
  owner: string | null;
  /** `lid`: WhatsApp addresses the members by LID (the default for new groups); `pn`: by phone number. */
  addressingMode: 'pn' | 'lid';
  /** Only admins send messages. */
  announce: boolean;
  /** Only admins change the group's settings. */
  restrict: boolean;
  /** ISO 8601; null when WhatsApp did not say. */
  createdAt: string | null;
  participants: GroupMember[];
}

/** What an admin may change of a group (at least one). */
export interface GroupChanges {
  subject?: string;
  description?: string;
  announce?: boolean;
  restrict?: boolean;
}

export const PARTICIPANT_ACTIONS = ['add', 'remove', 'promote', 'demote'] as const;
export type ParticipantAction = (typeof PARTICIPANT_ACTIONS)[number];

/** WhatsApp's answer for one participant of a participants change: `200` done, else its refusal code. */
export interface ParticipantChangeResult extends UserIds {
  status: number;
}

/**
 * Owns the live WhatsApp connections of this process, one per session at most. Session rules (statuses, reconnect
 * policy, ownership) are not here: the sessions module applies them on top of this.
 */
export abstract class WhatsAppProvider {
  /**
   * Opens a connection for the session from its stored credentials, or from fresh ones (a QR follows) when it has
   * none. Resolves once the socket is created; progress is published on WhatsAppEvents as `connection.*` events that
   * carry `connectionId`. Restarts WhatsApp asks for (515 after pairing) are handled inside and are not reported as
   * closes. Its credential writes are fenced with `leaseEpoch` (the session's lease epoch when this process took
   * it): once another node takes the session they are refused, and the connection closes.
   */
  abstract connect(sessionId: string, connectionId: number, leaseEpoch: number): Promise<void>;

  /** Asks WhatsApp for an 8-character code to type on the phone instead of scanning the QR (session connecting). */
  abstract requestPairingCode(sessionId: string, phoneNumber: string): Promise<string>;

  /** Closes the session's connection, if any, keeping its credentials. Publishes no `connection.closed`. */
  abstract disconnect(sessionId: string): Promise<void>;

  /**
   * Logs the device out at WhatsApp (connecting briefly from stored credentials if needed) and wipes its
   * credentials. Publishes no `connection.*` event. Wipes even when WhatsApp cannot be reached.
   */
  abstract logout(sessionId: string): Promise<void>;

  /** Removes the session's stored credentials and keys (the connection must be closed). */
  abstract wipeCredentials(sessionId: string): Promise<void>;

  /**
   * The PN JID of the account the session's stored credentials belong to (`…@s.whatsapp.net`), or null when it has
   * no credentials of a paired device (connecting would show a QR).
   */
  abstract linkedJid(sessionId: string): Promise<string | null>;

  /** Whether the session has a live, logged-in connection in this process. */
  abstract isConnected(sessionId: string): boolean;

  /** Sends a message of any kind from a connected session. */
  abstract send(sessionId: string, message: OutgoingMessage): Promise<SentMessage>;

  /** Replaces the text (or caption) of a message this account sent. */
  abstract edit(sessionId: string, message: MessageRef, text: string): Promise<void>;

  /** Deletes a message this account sent for everyone in the chat. */
  abstract deleteForEveryone(sessionId: string, message: MessageRef): Promise<void>;

  /** Sends read receipts for these messages (all of one chat). */
  abstract markRead(sessionId: string, messages: MessageRef[]): Promise<void>;

  /** Announces the account online or offline, or typing, recording or paused in a chat. */
  abstract sendPresence(sessionId: string, state: PresenceState, chatJid?: string): Promise<void>;

  /**
   * Whether WhatsApp knows this recipient (a PN JID on WhatsApp, a group the account is in), so a send to a wrong
   * number is refused instead of vanishing. Engines that cannot ask answer true.
   */
  recipientExists(_sessionId: string, _jid: string): Promise<boolean> {
    return Promise.resolve(true);
  }

  /** Asks WhatsApp which of these phone numbers (digits) are on it, with their JIDs and LIDs. */
  abstract lookupNumbers(sessionId: string, phoneNumbers: string[]): Promise<NumberLookup[]>;

  /** The URL of a user's or group's profile picture, or null when there is none or it is hidden from this account. */
  abstract profilePictureUrl(sessionId: string, jid: string): Promise<string | null>;

  /** The JIDs (LIDs, as WhatsApp keeps it) this account blocked. */
  abstract blocklist(sessionId: string): Promise<string[]>;

  /** Blocks or unblocks a user (PN JID or LID). */
  abstract setBlocked(sessionId: string, jid: string, blocked: boolean): Promise<void>;

  /** Every group the account is in, with members (one query, whatever their number). */
  abstract groups(sessionId: string): Promise<GroupInfo[]>;

  /** One group's metadata, asked of WhatsApp (which limits how often). */
  abstract group(sessionId: string, groupJid: string): Promise<GroupInfo>;

  /** Creates a group with this account as its superadmin. */
  abstract createGroup(sessionId: string, subject: string, participants: string[]): Promise<GroupInfo>;

  /** Changes a group's subject, description or settings (as an admin). */
  abstract updateGroup(sessionId: string, groupJid: string, changes: GroupChanges): Promise<void>;

  /** Adds, removes, promotes or demotes members (as an admin); WhatsApp answers for each one. */
  abstract updateGroupParticipants(
    sessionId: string,
    groupJid: string,
    action: ParticipantAction,
    participants: string[],
  ): Promise<ParticipantChangeResult[]>;

  /** The group's invite code (`https://chat.whatsapp.com/<code>`); `revoke` makes a new one, killing the old. */
  abstract groupInviteCode(sessionId: string, groupJid: string, revoke: boolean): Promise<string>;

  /** Joins a group by its invite code; resolves with the group's JID. */
  abstract joinGroup(sessionId: string, inviteCode: string): Promise<string>;

  abstract leaveGroup(sessionId: string, groupJid: string): Promise<void>;

  /** Declines an incoming call. */
  abstract rejectCall(sessionId: string, callId: string, callerJid: string): Promise<void>;

  /** Asks WhatsApp for a user's presence updates (`presence.update` events follow while the session is online). */
  abstract subscribePresence(sessionId: string, jid: string): Promise<void>;

  /** Closes every connection of this process without logging anyone out (shutdown). */
  abstract disconnectAll(): Promise<void>;
}
