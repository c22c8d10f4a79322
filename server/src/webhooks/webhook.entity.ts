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
import { SessionEntity } from '../sessions/session.entity';
import type { GroupPolicy } from './mention-policy';

/** A subscription: where a session's events go, which ones, and the secret that signs them. */
@Entity('webhooks')
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_webhooks' })
  id!: string;

  @Index('IDX_webhooks_session_id')
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_webhooks_session' })
  session?: SessionEntity;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** Event types, or `*` for all. */
  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ name: 'group_policy', type: 'varchar', length: 10, default: 'mentions' })
  groupPolicy!: GroupPolicy;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Why WAGO disabled it (a receiver answering 410 Gone); null when enabled or disabled by its owner. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 200, nullable: true })
  disabledReason!: string | null;

  /** Needed in clear to sign; never logged, shown only when created or rotated. */
  @Column({ type: 'varchar', length: 100 })
  secret!: string;

  /** The secret before the last rotation, still signing until previousSecretExpiresAt. */
  @Column({ name: 'previous_secret', type: 'varchar', length: 100, nullable: true })
  previousSecret!: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
