import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SessionEntity } from '../sessions/session.entity';
import type { GroupMember } from '../whatsapp/whatsapp.provider';

/**
 * A group a session is in, as WhatsApp last described it: filled from one `participating` query and kept fresh by
 * the group notifications, so listing groups never asks WhatsApp per group (it rate-limits that).
 */
@Entity('groups')
export class GroupEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'PK_groups' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_groups_session' })
  session?: SessionEntity;

  /** `…@g.us`. */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_groups' })
  jid!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  owner!: string | null;

  @Column({ name: 'addressing_mode', type: 'varchar', length: 3 })
  addressingMode!: 'pn' | 'lid';

  @Column({ type: 'boolean' })
  announce!: boolean;

  @Column({ type: 'boolean' })
  restrict!: boolean;

  /** When the group was created on WhatsApp; null when WhatsApp did not say. */
  @Column({ name: 'created_at', type: 'timestamptz', nullable: true })
  createdAt!: Date | null;

  @Column({ type: 'jsonb' })
  participants!: GroupMember[];

  /** Kept beside `participants` so a list reads no member. */
  @Column({ name: 'participants_count', type: 'integer' })
  participantsCount!: number;

  /** When this row last changed from WhatsApp's description or a notification. */
  @Column({ name: 'refreshed_at', type: 'timestamptz' })
  refreshedAt!: Date;
}

/** When a session's groups were last read in full from WhatsApp (absent: never, or since forgotten). */
@Entity('group_syncs')
export class GroupSyncEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'PK_group_syncs' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_group_syncs_session' })
  session?: SessionEntity;

  @Column({ name: 'synced_at', type: 'timestamptz' })
  syncedAt!: Date;
}
