// What a session does to messages besides sending them: edit and delete its own (within WhatsApp's limits), mark
// what it received read, announce its presence and follow others'. Each goes straight to WhatsApp (no pacing queue):
// it is not a new message, and the answer says whether WhatsApp took it. Each runs on the node that holds the
// session's connection, whichever node was asked.
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { Clock } from '../core/runtime/clock';
import { BadRequestError, DomainError, NotFoundError } from '../core/errors/domain-errors';
import { SessionConnections } from '../sessions/session-connections';
import type { SessionEntity } from '../sessions/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { SessionNotConnectedError } from '../whatsapp/whatsapp.errors';
import { MessageRef, PresenceState } from '../whatsapp/whatsapp.provider';
import { CAPTIONED_TYPES } from './message-content';
import { MessageEvents } from './message-events';
import { MessageNotDeletableError, MessageNotEditableError, SendFailedError } from './messages.errors';
import { OutgoingMessageEntity } from './outgoing-message.entity';
import { OutgoingMessagesRepository } from './outgoing-messages.repository';
import { parseRecipient, userJid, WHATSAPP_MESSAGE_ID } from './recipient';
import { RecentIncoming } from './recent-incoming';

/** WhatsApp lets the sender edit a message for 15 minutes after sending it. */
export const EDIT_WINDOW_MS = 15 * 60_000;
/** WhatsApp lets the sender delete a message for everyone for 60 hours after sending it. */
export const DELETE_WINDOW_MS = 60 * 3600_000;

/** Presence states that are about one chat. */
const CHAT_STATES: readonly PresenceState[] = ['composing', 'recording', 'paused'];

@Injectable()
export class MessageActionsService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly messages: OutgoingMessagesRepository,
    private readonly incoming: RecentIncoming,
    private readonly clock: Clock,
    private readonly connections: SessionConnections,
    private readonly events: MessageEvents,
  ) {}

  /** Replaces the text or caption of a message the session sent; 409 outside WhatsApp's limits. */
  async edit(user: AuthUser, sessionId: string, messageId: string, text: string): Promise<OutgoingMessageEntity> {
    const { session, message } = await this.own(user, sessionId, messageId);
    const editable = message.type === 'text' || (CAPTIONED_TYPES.includes(message.type) && message.text !== '');
    if (!editable) {
      throw new MessageNotEditableError(
        `WhatsApp edits only texts and captions; this is a ${message.type} without one`,
      );
    }
    if (message.deletedAt) throw new MessageNotEditableError('The message was deleted for everyone');
    const now = this.clock.now();
    const sentAt = this.sentAt(message, MessageNotEditableError);
    if (now.getTime() - sentAt.getTime() > EDIT_WINDOW_MS) {
      throw new MessageNotEditableError('WhatsApp allows edits only within 15 minutes of sending');
    }
    await this.call(() => this.connections.call(session, 'edit', ownRef(message), text));
    return this.messages.recordEdit(message.id, text, now);
  }

  /** Deletes a message the session sent for everyone; 409 outside WhatsApp's limits. A repeat changes nothing. */
  async delete(user: AuthUser, sessionId: string, messageId: string): Promise<OutgoingMessageEntity> {
    const { session, message } = await this.own(user, sessionId, messageId);
    if (message.deletedAt) return message;
    if (message.type === 'reaction') {
      throw new MessageNotDeletableError('A reaction is removed by reacting again with an empty emoji');
    }
    const now = this.clock.now();
    const sentAt = this.sentAt(message, MessageNotDeletableError);
    if (now.getTime() - sentAt.getTime() > DELETE_WINDOW_MS) {
      throw new MessageNotDeletableError('WhatsApp allows deleting for everyone only within 60 hours of sending');
    }
    await this.call(() => this.connections.call(session, 'deleteForEveryone', ownRef(message)));
    return this.messages.recordDelete(message.id, now);
  }

  /**
   * Sends read receipts in a chat: for the given messages, or for every message received there since this process
   * connected the session and not marked read yet (WAGO keeps no incoming history; see RecentIncoming).
   */
  async markRead(user: AuthUser, sessionId: string, chat: string, messageIds?: string[]): Promise<void> {
    const session = await this.sessions.get(user, sessionId);
    const recipient = parseRecipient(chat);
    this.connected(session);
    let refs: MessageRef[];
    if (messageIds) {
      const found = messageIds.map((id) => this.incoming.find(session.id, recipient.jid, id));
      const unknown = messageIds.filter((_id, index) => !found[index]);
      // In a group a read receipt names the sender, which only a message seen here tells.
      if (recipient.type === 'group' && unknown.length > 0) {
        throw new NotFoundError(`Messages not received lately in ${recipient.jid}: ${unknown.join(', ')}`);
      }
      refs = messageIds.map(
        (id, index) => found[index] ?? { chatJid: recipient.jid, messageId: id, fromMe: false, sender: null },
      );
    } else {
      refs = this.incoming.unread(session.id, recipient.jid);
    }
    refs = refs.filter((ref) => !ref.fromMe);
    if (refs.length === 0) return;
    await this.call(() => this.connections.call(session, 'markRead', refs));
    this.incoming.markedRead(
      session.id,
      recipient.jid,
      refs.map((ref) => ref.messageId),
    );
    await this.events.chatRead(session.id, recipient.jid);
  }

  /** Online/offline for everyone, or typing, recording or paused in one chat (which those need). */
  async presence(user: AuthUser, sessionId: string, state: PresenceState, chat?: string): Promise<void> {
    if (CHAT_STATES.includes(state) && chat === undefined) {
      throw new BadRequestError(`chat is required for ${CHAT_STATES.join(', ')}`);
    }
    const session = await this.sessions.get(user, sessionId);
    const chatJid = chat === undefined ? undefined : parseRecipient(chat).jid;
    await this.call(() => this.connections.call(session, 'sendPresence', state, chatJid));
  }

  /**
   * Asks WhatsApp for a person's presence: `presence.update` events follow, at once and at every change, while the
   * session is itself online. Subscribing does not put it online (WhatsApp Web would): a session online for everyone
   * keeps the phone from notifying, so that stays the client's choice (`presence` with `available`).
   */
  async subscribePresence(user: AuthUser, sessionId: string, jid: string): Promise<void> {
    const session = await this.sessions.get(user, sessionId);
    const person = userJid(jid);
    if (!person) throw new BadRequestError('jid must be a phone number, a PN JID (…@s.whatsapp.net) or a LID (…@lid)');
    await this.connections.call(session, 'subscribePresence', person);
  }

  private async own(
    user: AuthUser,
    sessionId: string,
    messageId: string,
  ): Promise<{ session: SessionEntity; message: OutgoingMessageEntity }> {
    const session = await this.sessions.get(user, sessionId);
    const message = WHATSAPP_MESSAGE_ID.test(messageId)
      ? await this.messages.findByMessageId(session.id, messageId)
      : null;
    if (!message) throw new NotFoundError(`Message ${messageId} not found`);
    return { session, message };
  }

  private sentAt(message: OutgoingMessageEntity, refusal: new (reason: string) => DomainError): Date {
    if (!message.sentAt) throw new refusal(`The message is ${message.status}, not sent`);
    return message.sentAt;
  }

  private connected(session: SessionEntity): void {
    if (session.status !== 'connected') throw new SessionNotConnectedError(session.id);
  }

  /** A refusal of WhatsApp's (not a domain error of ours) answers 502, as a failed send does. */
  private async call(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new SendFailedError(`WhatsApp did not take it: ${(error as Error).message}`);
    }
  }
}

function ownRef(message: OutgoingMessageEntity): MessageRef {
  return { chatJid: message.chatJid, messageId: message.messageId, fromMe: true, sender: null };
}
