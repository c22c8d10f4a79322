// The messages module's seam to the webhook outbox: what follows a sent message (its `message.sent` events) is
// written in the transaction that marks it sent, so the event exists exactly when the status does.
import { Injectable } from '@nestjs/common';
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

@Injectable()
export class MessageEvents {
  private outbox: SentMessageOutbox | undefined;

  /** The webhooks module plugs its outbox in at start (it depends on this module, not the other way round). */
  useOutbox(outbox: SentMessageOutbox): () => void {
    this.outbox = outbox;
    return () => {
      if (this.outbox === outbox) this.outbox = undefined;
    };
  }

  async writeSent(event: MessageSent, transaction: EntityManager): Promise<void> {
    await this.outbox?.write(event, transaction);
  }

  sentCommitted(): void {
    this.outbox?.committed();
  }
}
