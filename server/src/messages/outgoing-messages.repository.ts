import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, LessThan, Not, Repository } from 'typeorm';
import { SessionOwnedElsewhereError } from '../whatsapp/whatsapp.errors';
import { OutgoingMessageEntity, OutgoingStatus } from './outgoing-message.entity';

export type NewOutgoingMessage = Pick<
  OutgoingMessageEntity,
  | 'sessionId'
  | 'messageId'
  | 'chatJid'
  | 'type'
  | 'text'
  | 'mediaId'
  | 'content'
  | 'mentions'
  | 'replyTo'
  | 'replyToSender'
  | 'idempotencyKey'
  | 'requestHash'
>;

/** What WhatsApp answered when it took a message. */
export interface AcceptedMessage {
  messageId: string;
  sentAt: Date;
}

/** Receipts only move a message forward: a late `delivered` never undoes `read`. */
const ACK_ORDER: OutgoingStatus[] = ['sent', 'delivered', 'read'];

/** All outgoing-message I/O: the pacing queue's rows, their outcome and acknowledgements. */
@Injectable()
export class OutgoingMessagesRepository {
  constructor(@InjectRepository(OutgoingMessageEntity) private readonly messages: Repository<OutgoingMessageEntity>) {}

  /** Queues the message; null when its Idempotency-Key is already taken (a concurrent duplicate request). */
  async insertQueued(message: NewOutgoingMessage): Promise<OutgoingMessageEntity | null> {
    const result = await this.messages
      .createQueryBuilder()
      .insert()
      .values({ ...message, status: 'queued' })
      .orIgnore()
      .returning('id')
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id ? this.messages.findOneByOrFail({ id }) : null;
  }

  findById(id: string): Promise<OutgoingMessageEntity | null> {
    return this.messages.findOneBy({ id });
  }

  findByIdempotencyKey(sessionId: string, idempotencyKey: string): Promise<OutgoingMessageEntity | null> {
    return this.messages.findOneBy({ sessionId, idempotencyKey });
  }

  findByMessageId(sessionId: string, messageId: string): Promise<OutgoingMessageEntity | null> {
    return this.messages.findOneBy({ sessionId, messageId });
  }

  /** The session's queue, oldest first. */
  nextQueued(sessionId: string, limit: number): Promise<OutgoingMessageEntity[]> {
    return this.messages.find({
      where: { sessionId, status: 'queued' },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
    });
  }

  async sessionsWithQueued(): Promise<string[]> {
    const rows: { session_id: string }[] = await this.messages.query(
      `SELECT DISTINCT session_id FROM outgoing_messages WHERE status = 'queued'`,
    );
    return rows.map((row) => row.session_id);
  }

  /**
   * Takes a queued message for sending, as the owner of its session at `leaseEpoch`; false when another sender took
   * it first. Throws SessionOwnedElsewhereError when another node took the session since: nothing is claimed, so a
   * node that lost its lease without noticing yet sends nothing more.
   */
  async claim(id: string, sessionId: string, leaseEpoch: number): Promise<boolean> {
    const [row] = await this.messages.query<{ owned: boolean; claimed: boolean }[]>(
      `WITH owner AS (SELECT 1 FROM sessions WHERE id = $2 AND lease_epoch = $3 FOR SHARE),
       claimed AS (
         UPDATE outgoing_messages SET status = 'sending', updated_at = now()
          WHERE id = $1 AND session_id = $2 AND status = 'queued' AND EXISTS (SELECT 1 FROM owner)
         RETURNING id)
       SELECT EXISTS (SELECT 1 FROM owner) AS owned, EXISTS (SELECT 1 FROM claimed) AS claimed`,
      [id, sessionId, leaseEpoch],
    );
    if (!row?.owned) throw new SessionOwnedElsewhereError(sessionId);
    return row.claimed;
  }

  /**
   * Marks a message WhatsApp took as sent and runs `follow` (its `message.sent` events) in the same transaction.
   * False, writing nothing, when it is no longer `sending`: another node's sweep recorded it first.
   */
  async markSent(
    id: string,
    accepted: AcceptedMessage,
    follow: (message: OutgoingMessageEntity, transaction: EntityManager) => Promise<void>,
  ): Promise<boolean> {
    return this.messages.manager.transaction(async (transaction) => {
      const result = await transaction.update(
        OutgoingMessageEntity,
        { id, status: 'sending' },
        { status: 'sent', messageId: accepted.messageId, sentAt: accepted.sentAt, error: null },
      );
      if ((result.affected ?? 0) === 0) return false;
      await follow(await transaction.findOneByOrFail(OutgoingMessageEntity, { id }), transaction);
      return true;
    });
  }

  /**
   * Notes that WhatsApp took a message whose `sent` status could not be written: it stays `sending` but is never
   * sent again, and the sweep marks it sent (here or on any node, after a restart too).
   */
  async markAccepted(id: string, accepted: AcceptedMessage): Promise<void> {
    await this.messages.update({ id, status: 'sending' }, { messageId: accepted.messageId, sentAt: accepted.sentAt });
  }

  /** Messages WhatsApp took whose `sent` status is still to be written, oldest first. */
  async findAccepted(limit: number): Promise<{ id: string; accepted: AcceptedMessage }[]> {
    const rows = await this.messages.find({
      where: { status: 'sending', sentAt: Not(IsNull()) },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
    });
    return rows.flatMap(({ id, messageId, sentAt }) => (sentAt ? [{ id, accepted: { messageId, sentAt } }] : []));
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.messages.update({ id }, { status: 'failed', error: error.slice(0, 500) });
  }

  /** Back in the queue: not sent (the session went away), or failed and asked for again. */
  async requeue(id: string): Promise<void> {
    await this.messages.update({ id }, { status: 'queued', error: null });
  }

  /**
   * Messages a crashed process was sending, with no sign that WhatsApp took them, go back to the queue (WhatsApp
   * drops a repeated message id). `except`: messages WhatsApp took that this process could not note yet.
   */
  async requeueStuckSending(before: Date, except: string[] = []): Promise<number> {
    const result = await this.messages.update(
      {
        status: 'sending',
        sentAt: IsNull(),
        updatedAt: LessThan(before),
        ...(except.length > 0 ? { id: Not(In(except)) } : {}),
      },
      { status: 'queued' },
    );
    return result.affected ?? 0;
  }

  /** Applies a receipt; returns the message when its status moved forward. */
  async acknowledge(
    sessionId: string,
    messageId: string,
    status: 'delivered' | 'read',
  ): Promise<OutgoingMessageEntity | null> {
    const earlier = ACK_ORDER.slice(0, ACK_ORDER.indexOf(status));
    const result = await this.messages.update({ sessionId, messageId, status: In(earlier) }, { status });
    return (result.affected ?? 0) > 0 ? this.findByMessageId(sessionId, messageId) : null;
  }

  /** Notes an edit WhatsApp took: the new text (or caption) and when. */
  async recordEdit(id: string, text: string, at: Date): Promise<OutgoingMessageEntity> {
    await this.messages.update({ id }, { text, editedAt: at });
    return this.messages.findOneByOrFail({ id });
  }

  /** Notes a delete for everyone WhatsApp took. */
  async recordDelete(id: string, at: Date): Promise<OutgoingMessageEntity> {
    await this.messages.update({ id }, { deletedAt: at });
    return this.messages.findOneByOrFail({ id });
  }

  /** Deletes finished messages (and so their Idempotency-Keys) older than the cutoff. */
  async pruneFinished(before: Date): Promise<number> {
    const result = await this.messages.delete({
      status: In(['sent', 'delivered', 'read', 'failed']),
      createdAt: LessThan(before),
    });
    return result.affected ?? 0;
  }
}
