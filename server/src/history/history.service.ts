// The rules of the message history: what is kept of each message in and out (for MESSAGE_HISTORY_RETENTION, none
// at 0), how reactions, edits and deletions change it, and how chats and messages are listed and searched.
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../core/config/app-config';
import { BadRequestError } from '../core/errors/domain-errors';
import type { Page } from '../core/http/pagination';
import { Clock } from '../core/runtime/clock';
import { GroupCommit } from '../core/runtime/group-commit';
import { CAPTIONED_TYPES, OutgoingMessageType } from '../messages/message-content';
import type { MessageSent } from '../messages/message-events';
import { parseRecipient, userJid } from '../messages/recipient';
import { SessionsService } from '../sessions/sessions.service';
import type {
  HistoryMessage,
  HistoryReceived,
  MessageEdited,
  MessageReaction,
  MessageReceived,
  MessageRevoked,
  MessageType,
} from '../whatsapp/events';
import type { StoredMessageEntity } from './history.entity';
import { ChatSummary, HistoryRepository, NewStoredMessage } from './history.repository';
import { decodeCursor, encodeCursor } from './message-cursor';

/** The repository as the service uses it (a fake implements exactly this). */
export type HistoryStore = Pick<HistoryRepository, keyof HistoryRepository>;
export type SessionAccess = Pick<SessionsService, 'get'>;

/** A page of messages, newest first, and where the next (older) one starts; null at the oldest. */
export interface MessagePage {
  items: StoredMessageEntity[];
  nextCursor: string | null;
}

export interface MessageQuery {
  q?: string;
  chat?: string;
  from?: string;
  type?: MessageType;
  since?: Date;
  until?: Date;
  cursor?: string;
  limit: number;
}

/** The key a reaction is kept under: the reacting user, `me` for this account. */
export const OWN_REACTION = 'me';

@Injectable()
export class HistoryService {
  /**
   * Incoming messages are written in batches: those that arrive while one transaction commits go together into the
   * next, so a busy session costs far fewer transactions than messages. Each still commits before its receipt goes.
   */
  private readonly inbox = new GroupCommit<NewStoredMessage>((messages) =>
    this.history.insertAll(messages, this.clock.now()),
  );

  constructor(
    @Inject(HistoryRepository) private readonly history: HistoryStore,
    @Inject(SessionsService) private readonly sessions: SessionAccess,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** MESSAGE_HISTORY_RETENTION=0: nothing is stored. */
  get keeps(): boolean {
    return this.config.history.retentionSeconds > 0;
  }

  async received(message: MessageReceived): Promise<void> {
    if (!this.keeps) return;
    await this.inbox.write(storedFromReceived(message));
  }

  /** A chunk of the history sync: stored in one transaction, what is already there (seen live, synced before) kept. */
  async historyReceived(history: HistoryReceived): Promise<void> {
    if (!this.keeps) return;
    await this.history.insertAll(history.messages.map(storedFromHistory), this.clock.now());
  }

  async reaction(reaction: MessageReaction): Promise<void> {
    if (!this.keeps) return;
    const reactor = reaction.fromMe ? OWN_REACTION : (reaction.senderPn ?? reaction.senderLid);
    if (!reactor) return;
    await this.history.react(reaction.sessionId, reaction.chatJid, reaction.targetMessageId, reactor, reaction.emoji);
  }

  async edited(edit: MessageEdited): Promise<void> {
    if (!this.keeps) return;
    await this.history.edit(edit.sessionId, edit.chatJid, edit.targetMessageId, edit.text, new Date(edit.editedAt));
  }

  async revoked(revoke: MessageRevoked): Promise<void> {
    if (!this.keeps) return;
    await this.history.revoke(revoke.sessionId, revoke.chatJid, revoke.targetMessageId, new Date(revoke.timestamp));
  }

  /** A message sent through the API, inside the transaction that marks it sent: a reaction changes its target. */
  async sent(message: MessageSent, transaction: EntityManager): Promise<void> {
    if (!this.keeps) return;
    const { type, reaction } = message;
    if (type === 'reaction') {
      if (reaction) {
        await this.history.react(message.sessionId, message.chatJid, reaction.messageId, OWN_REACTION, reaction.emoji);
      }
      return;
    }
    await this.history.insertAll([storedFromSent(message, type)], this.clock.now(), transaction);
  }

  /** A read receipt sent through WAGO: the chat's incoming messages so far count as read. */
  async chatRead(sessionId: string, chatJid: string): Promise<void> {
    if (!this.keeps) return;
    await this.history.markRead(sessionId, chatJid, this.clock.now());
  }

  async chats(user: AuthUser, sessionId: string, limit: number, offset: number): Promise<Page<ChatSummary>> {
    const session = await this.sessions.get(user, sessionId);
    return this.history.chats(session.id, limit, offset);
  }

  /** A chat's messages, newest first; `chat` as a message's `to` (a phone number finds the PN JID's chat). */
  async chatMessages(
    user: AuthUser,
    sessionId: string,
    chat: string,
    page: { cursor?: string; limit: number },
  ): Promise<MessagePage> {
    return this.messages(user, sessionId, { ...page, chat });
  }

  /** Messages across chats (or one), newest first: full-text `q` over texts and captions, and the other filters. */
  async messages(user: AuthUser, sessionId: string, query: MessageQuery): Promise<MessagePage> {
    const session = await this.sessions.get(user, sessionId);
    // An empty range finds nothing, as any other filter that matches nothing.
    if (query.since && query.until && query.since >= query.until) return { items: [], nextCursor: null };
    const rows = await this.history.messages(session.id, {
      query: query.q,
      chatJid: query.chat === undefined ? undefined : parseRecipient(query.chat).jid,
      from: query.from === undefined ? undefined : senderFilter(query.from),
      type: query.type,
      since: query.since,
      until: query.until,
      before: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }
}

function senderFilter(from: string): string {
  if (from === OWN_REACTION) return from;
  const jid = userJid(from);
  if (!jid) throw new BadRequestError('from must be `me`, a phone number, a PN JID or a LID');
  return jid;
}

function storedFromHistory(message: HistoryMessage): NewStoredMessage {
  return {
    sessionId: message.sessionId,
    chatJid: message.chatJid,
    messageId: message.messageId,
    chatType: message.chatType,
    fromMe: message.fromMe,
    senderPn: message.senderPn,
    senderLid: message.senderLid,
    pushName: message.pushName,
    type: message.type,
    unsupported: message.unsupported,
    text: message.text,
    media: message.media && { id: null, ...message.media },
    location: message.location,
    contact: message.contact,
    mentions: message.mentionedJids,
    quotedMessageId: message.quotedMessageId,
    quotedSender: message.quotedSender,
    timestamp: new Date(message.timestamp),
  };
}

function storedFromReceived(message: MessageReceived): NewStoredMessage {
  const media = message.media && {
    id: message.media.id,
    mimetype: message.media.mimetype,
    fileName: message.media.fileName,
    size: message.media.size,
    caption: message.media.caption,
    ptt: message.media.ptt,
    seconds: message.media.seconds,
    width: message.media.width,
    height: message.media.height,
  };
  return { ...storedFromHistory({ ...message, media: null }), media };
}

function storedFromSent(message: MessageSent, type: Exclude<OutgoingMessageType, 'reaction'>): NewStoredMessage {
  return {
    sessionId: message.sessionId,
    chatJid: message.chatJid,
    messageId: message.messageId,
    chatType: message.chatType,
    fromMe: true,
    senderPn: null,
    senderLid: null,
    pushName: null,
    type,
    unsupported: null,
    text: message.text || null,
    media: message.media && {
      id: message.media.id,
      mimetype: message.media.mimetype,
      fileName: message.media.fileName,
      size: null,
      caption: CAPTIONED_TYPES.includes(type) ? message.text || null : null,
      ptt: message.media.ptt,
      seconds: null,
      width: null,
      height: null,
    },
    location: message.location,
    contact: message.contact,
    mentions: message.mentions,
    quotedMessageId: message.replyTo,
    quotedSender: null,
    timestamp: new Date(message.timestamp),
  };
}
