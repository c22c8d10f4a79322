import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Consecutive failed logins per username, whether or not such a user exists (so a locked account and an unknown
 * name answer alike). Kept in the database so the lockout survives restarts and holds across nodes.
 */
@Entity('login_failures')
export class LoginFailureEntity {
  /** The attempted username, lower-cased. */
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_login_failures' })
  username!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Index('IDX_login_failures_last_failed_at')
  @Column({ name: 'last_failed_at', type: 'timestamptz' })
  lastFailedAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
