import { Inject, Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { AppConfig } from '../core/config/app-config';
import { ContactsService } from '../contacts/contacts.service';
import { BadRequestError, DomainError, NotFoundError } from '../core/errors/domain-errors';
import type { SessionStatus } from '../sessions/session-status';
import type { SessionEntity } from '../sessions/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { SessionNotConnectedError } from '../whatsapp/whatsapp.errors';
import { MessageRef, UserIds, WhatsAppProvider } from '../whatsapp/whatsapp.provider';
import {
  checkCombination,
  MEDIA_TYPES,
  MediaType,
  mediaSource,
  MessageContent,
  messageType,
  OutgoingMessageType,
  requestHash,
  SendRequest,
  textOf,
} from './message-content';
import { MessageMedia } from './message-media';
import { OutgoingMessageEntity } from './outgoing-message.entity';
import { OutgoingMessagesRepository } from './outgoing-messages.repository';
import { newMessageId, parseMentions, parseRecipient, Recipient, WHATSAPP_MESSAGE_ID } from './recipient';
import { RecentIncoming } from './recent-incoming';
import { IdempotencyKeyReusedError, SendFailedError, UnknownRecipientError } from './messages.errors';
import { SendQueue } from './send-queue';

export type { SendRequest } from './message-content';

export interface SendResult {
  message: OutgoingMessageEntity;
  /** Still in the pacing queue when the request stopped waiting (answered 202; `message.sent` follows). */
  queued: boolean;
  /** Both identities of the person written to, as far as the session knows them; null for a group. */
  to: UserIds | null;
}

/**
 * A text WAGO sends on its own: a webhook receiver's answer to a message (sent back to its chat quoting it), or the
 * message to a caller whose call the session declined (quoting nothing).
 */
export interface BotReply {
  sessionId: string;
  chatJid: string;
  text: string;
  quoted: { messageId: string; sender: string | null } | null;
  /** Makes a redelivered event (or a call offered again) reply once. */
  idempotencyKey: string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Sending: validated, never twice for one Idempotency-Key, through the session's pacing queue. */
/** Sessions a send is accepted for. */
const SENDING_STATUSES: readonly SessionStatus[] = ['connected', 'reconnecting'];

@Injectable()
export class MessagesService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly messages: OutgoingMessagesRepository,
    private readonly queue: SendQueue,
    private readonly whatsapp: WhatsAppProvider,
    private readonly config: AppConfig,
    private readonly media: MessageMedia,
    private readonly incoming: RecentIncoming,
    @Inject(ContactsService) private readonly contacts: Pick<ContactsService, 'identities'>,
  ) {}

  async send(user: AuthUser, sessionId: string, request: SendRequest, idempotencyKey?: string): Promise<SendResult> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestError('Idempotency-Key must be 1 to 255 printable ASCII characters');
    }
    const session = await this.sessions.get(user, sessionId);
    const recipient = parseRecipient(request.to);
    const type = messageType(request);
    checkCombination(type, request);
    const mentions = parseMentions(request.mentions ?? []);
    // The media source is checked before anything is fetched or stored, and before a retry is answered.
    const source = isMedia(type) ? mediaSource(type, request[type] ?? {}) : undefined;
    const replyTo = request.replyTo ?? null;
    const hash = requestHash(type, request, { to: recipient.jid, replyTo, mentions });
    if (idempotencyKey) {
      const earlier = await this.messages.findByIdempotencyKey(session.id, idempotencyKey);
      if (earlier) return this.addressed(await this.replay(earlier, hash));
    }
    // A session reconnecting (a handoff between nodes, a lost connection, a restart) is coming back by itself: its
    // sends queue and leave once it is connected, so a rolling restart refuses nothing.
    if (!SENDING_STATUSES.includes(session.status)) throw new SessionNotConnectedError(session.id);
    // Only the process holding the connection can ask; on another node the owner finds out when it sends.
    const known =
      !this.whatsapp.isConnected(session.id) || (await this.whatsapp.recipientExists(session.id, recipient.jid));
    if (!known) {
      throw new UnknownRecipientError(`${request.to} is not on WhatsApp (or not a group this account is in)`);
    }
    let mediaId: string | null = null;
    let content: MessageContent | null = null;
    if (isMedia(type) && source) {
      const resolved = await this.media.resolve(user.id, type, request[type] ?? {}, source, user.apiKey);
      mediaId = resolved.mediaId;
      content = { media: resolved.content };
    } else if (type === 'location' && request.location) {
      const { latitude, longitude, name, address } = request.location;
      content = { location: { latitude, longitude, name: name ?? null, address: address ?? null } };
    } else if (type === 'contact' && request.contact) {
      content = { contact: { displayName: request.contact.displayName, vcard: request.contact.vcard } };
    } else if (type === 'reaction' && request.reaction) {
      const target = await this.reactionTarget(session, recipient, request.reaction.messageId);
      content = { reaction: { ...request.reaction, fromMe: target.fromMe, sender: target.sender } };
    }
    const message = await this.messages.insertQueued({
      sessionId: session.id,
      messageId: newMessageId(),
      chatJid: recipient.jid,
      type,
      text: textOf(type, request),
      mediaId,
      content,
      mentions,
      replyTo,
      replyToSender: null,
      idempotencyKey: idempotencyKey ?? null,
      requestHash: hash,
    });
    if (!message) {
      // A concurrent request with the same key won the insert: answer as its retry.
      const winner = await this.messages.findByIdempotencyKey(session.id, idempotencyKey as string);
      if (!winner) throw new Error('Idempotency-Key row vanished');
      return this.addressed(await this.replay(winner, hash));
    }
    this.queue.wake(session.id);
    return this.addressed(await this.outcome(message));
  }

  /** One message the user may see, by its WhatsApp id. */
  async get(user: AuthUser, sessionId: string, messageId: string): Promise<OutgoingMessageEntity> {
    const session = await this.sessions.get(user, sessionId);
    // No message has any other shape; asking Postgres could only fail (a NUL is a 500 there).
    const message = WHATSAPP_MESSAGE_ID.test(messageId)
      ? await this.messages.findByMessageId(session.id, messageId)
      : null;
    if (!message) throw new NotFoundError(`Message ${messageId} not found`);
    return message;
  }

  /** Queues a reply (once per idempotency key) without waiting for it to be sent. */
  async queueReply(reply: BotReply): Promise<void> {
    const message = await this.messages.insertQueued({
      sessionId: reply.sessionId,
      messageId: newMessageId(),
      chatJid: reply.chatJid,
      type: 'text',
      text: reply.text,
      mediaId: null,
      content: null,
      mentions: [],
      replyTo: reply.quoted?.messageId ?? null,
      replyToSender: reply.quoted?.sender ?? null,
      idempotencyKey: reply.idempotencyKey,
      requestHash: null,
    });
    if (message) this.queue.wake(reply.sessionId);
  }

  /**
   * Which message of chat `to` a reaction is for: one this session sent (fromMe), one it received lately (with its
   * sender), or in a direct chat any id (WhatsApp needs no sender there). In a group an unknown message's sender is
   * unknown too, and WhatsApp cannot place the reaction without it.
   */
  private async reactionTarget(
    session: SessionEntity,
    recipient: Recipient,
    messageId: string,
  ): Promise<Pick<MessageRef, 'fromMe' | 'sender'>> {
    const own = await this.messages.findByMessageId(session.id, messageId);
    if (own?.chatJid === recipient.jid) return { fromMe: true, sender: null };
    const received = this.incoming.find(session.id, recipient.jid, messageId);
    if (received) return received;
    if (recipient.type === 'direct') return { fromMe: false, sender: null };
    throw new NotFoundError(
      `Message ${messageId} is not one this session sent or received lately in ${recipient.jid}: ` +
        'reacting in a group needs the sender of the message',
    );
  }

  /** The answer with both identities of the person written to (sending to a LID or to the number is the same). */
  private async addressed(result: Omit<SendResult, 'to'>): Promise<SendResult> {
    const { sessionId, chatJid } = result.message;
    return { ...result, to: await this.contacts.identities(sessionId, chatJid) };
  }

  /** The same request again: the first one's result, never a second message. A failed one is queued again. */
  private async replay(earlier: OutgoingMessageEntity, hash: string): Promise<Omit<SendResult, 'to'>> {
    if (earlier.requestHash !== hash) {
      throw new IdempotencyKeyReusedError('This Idempotency-Key was already used for a different message');
    }
    if (earlier.status === 'failed') {
      await this.messages.requeue(earlier.id);
      this.queue.wake(earlier.sessionId);
    }
    return this.outcome(earlier);
  }

  private async outcome(message: OutgoingMessageEntity): Promise<Omit<SendResult, 'to'>> {
    const { settled, error } = await this.queue.waitFor(message.id, this.config.messaging.waitForSendMs);
    const current = (await this.messages.findById(message.id)) ?? message;
    // WhatsApp took it even if its `sent` status is still being written (`sentAt` is noted first).
    if (!settled) return { message: current, queued: current.sentAt === null };
    if (current.status === 'failed') {
      if (error instanceof DomainError) throw error;
      throw new SendFailedError(`WhatsApp did not take the message: ${current.error ?? 'unknown error'}`);
    }
    return { message: current, queued: false };
  }
}

function isMedia(type: OutgoingMessageType): type is MediaType {
  return (MEDIA_TYPES as readonly string[]).includes(type);
}
