import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditAction, AuditTargetType } from './audit-actions';

/**
 * One change made through the API or the console. No foreign keys: an entry outlives the user, key or session it
 * names, which is the point of keeping it.
 */
@Entity('audit_log')
@Index('IDX_audit_log_actor_at', ['actorUserId', 'at'])
@Index('IDX_audit_log_target_at', ['targetId', 'at'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_audit_log' })
  id!: string;

  @Index('IDX_audit_log_at')
  @Column({ type: 'timestamptz' })
  at!: Date;

  /** Null when nobody could be identified (a failed sign-in with an unknown username). */
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId!: string | null;

  /** The username at the time: the user may be deleted or renamed since. */
  @Column({ name: 'actor_username', type: 'varchar', length: 64, nullable: true })
  actorUsername!: string | null;

  /** The API key the change was made with; null for a person signed in with their PIN. */
  @Column({ name: 'actor_api_key_id', type: 'uuid', nullable: true })
  actorApiKeyId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: AuditAction;

  @Column({ name: 'target_type', type: 'varchar', length: 32 })
  targetType!: AuditTargetType;

  @Column({ name: 'target_id', type: 'varchar', length: 128, nullable: true })
  targetId!: string | null;

  /** What changed, redacted (redactSummary): never a secret or message content. */
  @Column({ type: 'jsonb' })
  summary!: Record<string, unknown>;

  @Column({ name: 'client_address', type: 'varchar', length: 64, nullable: true })
  clientAddress!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'correlation_id', type: 'varchar', length: 128, nullable: true })
  correlationId!: string | null;
}
