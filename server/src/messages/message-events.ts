// The messages module's seam to the webhook outbox: what follows a sent message (its `message.sent` events) is
// written in the transaction that marks it sent, so the event exists exactly when the status does.
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OutgoingMessageType } from './message-content';

export interface MessageSent {
  sessionId: string;
  messageId: string;
  chatJid: string;
  chatType: 'direct' | 'group';
  type: OutgoingMessageType;
  /** The text or caption; '' for kinds without one. */
  text: string;
  media: { id: string; mimetype: string; fileName: string | null; ptt: boolean } | null;
  location: { latitude: number; longitude: number; name: string | null; address: string | null } | null;
  contact: { displayName: string; vcard: string } | null;
  reaction: { messageId: string; emoji: string } | null;
  mentions: string[];
  replyTo: string | null;
  /** ISO 8601. */
  timestamp: string;
}

/** Where a sent message's events go: written inside the status transaction, delivered once it committed. */
export interface SentMessageOutbox {
  /** Runs inside the transaction that marks the message sent; a failure rolls the status change back too. */
  write(event: MessageSent, transaction: EntityManager): Promise<void>;
  /** The transaction committed: what `write` wrote may be delivered now. */
  committed(): void;
}

/** A read receipt went out through WAGO for a chat's messages (the history counts them read). */
export type ChatReadListener = (sessionId: string, chatJid: string) => Promise<void>;

@Injectable()
export class MessageEvents {
  private readonly logger = new Logger(MessageEvents.name);
  private readonly outboxes = new Set<SentMessageOutbox>();
  private readonly chatReadListeners = new Set<ChatReadListener>();

  /**
   * The webhooks and history modules plug their outboxes in at start (they depend on this module, not the other way
   * round); each writes in the same transaction.
   */
  useOutbox(outbox: SentMessageOutbox): () => void {
    this.outboxes.add(outbox);
    return () => {
      this.outboxes.delete(outbox);
    };
  }

  onChatRead(listener: ChatReadListener): () => void {
    this.chatReadListeners.add(listener);
    return () => {
      this.chatReadListeners.delete(listener);
    };
  }

  async writeSent(event: MessageSent, transaction: EntityManager): Promise<void> {
    for (const outbox of this.outboxes) await outbox.write(event, transaction);
  }

  sentCommitted(): void {
    for (const outbox of this.outboxes) outbox.committed();
  }

  /** Told after the receipts went out: a listener's failure cannot undo them, so it is logged, never thrown. */
  async chatRead(sessionId: string, chatJid: string): Promise<void> {
    for (const listener of this.chatReadListeners) {
      await listener(sessionId, chatJid).catch((error: unknown) => {
        this.logger.error({ err: error, sessionId }, 'A chat read listener failed');
      });
    }
  }
}
