import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../auth/user.entity';
import { SessionEntity } from '../sessions/session.entity';

export const MEDIA_STATUSES = ['pending', 'stored', 'unavailable'] as const;
/** `pending`: known, not fetched yet (lazy, or an eager download that did not finish in time). */
export type MediaStatus = (typeof MEDIA_STATUSES)[number];

export const MEDIA_UNAVAILABLE_REASONS = ['too_large', 'download_disabled', 'download_failed'] as const;
/** Why a file has no bytes here: over MEDIA_MAX_BYTES, MEDIA_DOWNLOAD=off, or WhatsApp would not hand it over. */
export type MediaUnavailableReason = (typeof MEDIA_UNAVAILABLE_REASONS)[number];

/**
 * What is needed to fetch an incoming file from WhatsApp later. `mediaKey` decrypts it: a secret, never logged
 * or returned, and dropped once the file is stored.
 */
export interface MediaDownloadRef {
  /** Baileys' media type: image, video, audio, document, sticker. */
  type: string;
  directPath: string | null;
  url: string | null;
  /** Base64. */
  mediaKey: string;
  /** Base64 SHA-256 of the decrypted file as the sender announced it, checked after the download. */
  fileSha256: string | null;
}

/** One media file: received with a message (`sessionId`, `messageId`) or uploaded by its owner. */
@Entity('media')
@Index('UQ_media_session_message', ['sessionId', 'messageId'], { unique: true })
@Index('IDX_media_created_at', ['createdAt'])
export class MediaEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_media' })
  id!: string;

  @Index('IDX_media_owner_id')
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'FK_media_owner' })
  owner?: UserEntity;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId!: string | null;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_media_session' })
  session?: SessionEntity;

  @Column({ name: 'message_id', type: 'varchar', length: 64, nullable: true })
  messageId!: string | null;

  @Column({ type: 'varchar', length: 255 })
  mimetype!: string;

  @Column({ name: 'file_name', type: 'varchar', length: 255, nullable: true })
  fileName!: string | null;

  /** Bytes stored; for a file not stored (yet), the size WhatsApp announced, if any. */
  @Column({
    type: 'bigint',
    nullable: true,
    transformer: { to: (v: unknown) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  size!: number | null;

  /** Hex SHA-256 of the stored bytes; null until stored. */
  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ type: 'varchar', length: 12 })
  status!: MediaStatus;

  @Column({ name: 'unavailable_reason', type: 'varchar', length: 20, nullable: true })
  unavailableReason!: MediaUnavailableReason | null;

  /** Which storage holds the bytes, so changing MEDIA_STORAGE leaves older files readable. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  storage!: 'postgres' | 'filesystem' | null;

  @Column({ type: 'jsonb', nullable: true })
  download!: MediaDownloadRef | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

/** A piece of a file kept in Postgres (MEDIA_STORAGE=postgres), in order by `index`. */
@Entity('media_chunks')
export class MediaChunkEntity {
  @PrimaryColumn({ name: 'media_id', type: 'uuid', primaryKeyConstraintName: 'PK_media_chunks' })
  mediaId!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_media_chunks' })
  index!: number;

  // Checked at commit: an upload writes its chunks first and its record once it knows the file's size and hash.
  @ManyToOne(() => MediaEntity, { onDelete: 'CASCADE', deferrable: 'INITIALLY DEFERRED' })
  @JoinColumn({ name: 'media_id', foreignKeyConstraintName: 'FK_media_chunks_media' })
  media?: MediaEntity;

  /** Where this chunk starts in the file, so a range read selects only the chunks it needs. */
  @Column({ type: 'bigint' })
  offset!: string;

  @Column({ type: 'bytea' })
  data!: Buffer;
}
