// A session's message history: every message in and out, kept for MESSAGE_HISTORY_RETENTION, and its chats.
import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SessionEntity } from '../sessions/session.entity';
import type { MessageType, ReceivedLocation } from '../whatsapp/events';

/** A message's file as the history keeps it: described, with the media id when WAGO holds (or can fetch) it. */
export interface StoredMedia {
  /** GET /media/{id}; null for a file only described (history sync, or sent before WAGO kept it). */
  id: string | null;
  mimetype: string;
  fileName: string | null;
  size: number | null;
  caption: string | null;
  ptt: boolean;
  seconds: number | null;
  width: number | null;
  height: number | null;
}

export type StoredLocation = ReceivedLocation;

export interface StoredContact {
  displayName: string | null;
  vcard: string | null;
}

/**
 * One message of a chat. Its key is WhatsApp's (session, chat, message id), so a message delivered again, or seen
 * both live and in the history sync, is stored once. Reactions, edits and deletions change the row they are about.
 * Searched by the expression index `IDX_messages_search` (full-text over `text`, which holds captions too), made by
 * the migration: TypeORM cannot describe it.
 */
@Entity('messages')
@Index('IDX_messages_chat_timestamp', ['sessionId', 'chatJid', 'timestamp', 'seq'])
@Index('IDX_messages_session_timestamp', ['sessionId', 'timestamp', 'seq'])
@Index('IDX_messages_timestamp', ['timestamp'])
export class StoredMessageEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'PK_messages' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_messages_session' })
  session?: SessionEntity;

  /** A group JID, or a direct chat's PN JID when known, else its LID. */
  @PrimaryColumn({ name: 'chat_jid', type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_messages' })
  chatJid!: string;

  @PrimaryColumn({ name: 'message_id', type: 'varchar', length: 128, primaryKeyConstraintName: 'PK_messages' })
  messageId!: string;

  @Column({ name: 'chat_type', type: 'varchar', length: 6 })
  chatType!: 'direct' | 'group';

  @Column({ name: 'from_me', type: 'boolean' })
  fromMe!: boolean;

  @Column({ name: 'sender_pn', type: 'varchar', length: 64, nullable: true })
  senderPn!: string | null;

  @Column({ name: 'sender_lid', type: 'varchar', length: 64, nullable: true })
  senderLid!: string | null;

  @Column({ name: 'push_name', type: 'varchar', length: 255, nullable: true })
  pushName!: string | null;

  @Column({ type: 'varchar', length: 16 })
  type!: MessageType;

  /** For `unsupported`, WhatsApp's name of the content. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  unsupported!: string | null;

  /** The text or caption (as last edited); null once deleted. Content: never logged. */
  @Column({ type: 'text', nullable: true })
  text!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  media!: StoredMedia | null;

  @Column({ type: 'jsonb', nullable: true })
  location!: StoredLocation | null;

  @Column({ type: 'jsonb', nullable: true })
  contact!: StoredContact | null;

  @Column({ type: 'jsonb', default: () => `'[]'` })
  mentions!: string[];

  @Column({ name: 'quoted_message_id', type: 'varchar', length: 128, nullable: true })
  quotedMessageId!: string | null;

  @Column({ name: 'quoted_sender', type: 'varchar', length: 64, nullable: true })
  quotedSender!: string | null;

  /** The reactions on it: the reacting user's JID (`me` for this account) → emoji. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  reactions!: Record<string, string>;

  @Column({ name: 'edited_at', type: 'timestamptz', nullable: true })
  editedAt!: Date | null;

  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  /** WhatsApp's timestamp of the message (whole seconds for what WhatsApp sent). */
  @Column({ type: 'timestamptz' })
  timestamp!: Date;

  /** The order of storing: it orders the messages of one second as they came (bigint: a string in JS). */
  @Column({ type: 'bigint' })
  @Generated('increment')
  seq!: string;
}

/** A chat with stored messages: its kind, a name when one is known, its last activity and what was read. */
@Entity('chats')
@Index('IDX_chats_session_last_message_at', ['sessionId', 'lastMessageAt'])
export class ChatEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'PK_chats' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_chats_session' })
  session?: SessionEntity;

  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_chats' })
  jid!: string;

  @Column({ type: 'varchar', length: 6 })
  type!: 'direct' | 'group';

  /** A direct peer's push name, or a group's subject from the history sync; the contact or group name wins. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  name!: string | null;

  @Column({ name: 'last_message_at', type: 'timestamptz' })
  lastMessageAt!: Date;

  /** Incoming messages after this are unread: set by a read receipt sent through WAGO and by this account's messages. */
  @Column({ name: 'read_at', type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
