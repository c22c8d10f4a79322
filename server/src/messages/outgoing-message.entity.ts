import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { MediaEntity } from '../media/media.entity';
import { SessionEntity } from '../sessions/session.entity';
import type { MessageContent, OutgoingMessageType } from './message-content';

export const OUTGOING_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed'] as const;
export type OutgoingStatus = (typeof OUTGOING_STATUSES)[number];

/**
 * A message a client (or a bot reply) asked to send: queued in the session's pacing queue, then sent, then
 * acknowledged. The row is also the Idempotency-Key record, so a retried request finds it instead of sending again.
 */
@Entity('outgoing_messages')
@Index('UQ_outgoing_messages_session_idempotency_key', ['sessionId', 'idempotencyKey'], { unique: true })
@Index('IDX_outgoing_messages_session_message', ['sessionId', 'messageId'])
@Index('IDX_outgoing_messages_status_created', ['status', 'createdAt'])
export class OutgoingMessageEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_outgoing_messages' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_outgoing_messages_session' })
  session?: SessionEntity;

  /** WhatsApp's message id: chosen before sending, so a queued message already has the id it will be sent with. */
  @Column({ name: 'message_id', type: 'varchar', length: 64 })
  messageId!: string;

  /** The recipient as a JID (PN, LID or group). */
  @Column({ name: 'chat_jid', type: 'varchar', length: 100 })
  chatJid!: string;

  @Column({ type: 'varchar', length: 10, default: 'text' })
  type!: OutgoingMessageType;

  /** The text, or a media message's caption ('' for kinds without text). An edit replaces it. */
  @Column({ type: 'text' })
  text!: string;

  /** The stored media file a media message sends. */
  @Column({ name: 'media_id', type: 'uuid', nullable: true })
  mediaId!: string | null;

  /** Media retention may delete the file of a finished message: the message keeps its record without it. */
  @ManyToOne(() => MediaEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'media_id', foreignKeyConstraintName: 'FK_outgoing_messages_media' })
  media?: MediaEntity;

  /** What the kind needs besides text: media options, location, contact, reaction. Null for text. */
  @Column({ type: 'jsonb', nullable: true })
  content!: MessageContent | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  mentions!: string[];

  @Column({ name: 'reply_to', type: 'varchar', length: 64, nullable: true })
  replyTo!: string | null;

  /** Who wrote the quoted message, when known (a bot reply quoting a group member). */
  @Column({ name: 'reply_to_sender', type: 'varchar', length: 100, nullable: true })
  replyToSender!: string | null;

  @Column({ type: 'varchar', length: 10, default: 'queued' })
  status!: OutgoingStatus;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  /** SHA-256 of the request, to refuse an Idempotency-Key reused for a different message. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64, nullable: true })
  requestHash!: string | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt!: Date | null;

  /** When it was deleted for everyone. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
