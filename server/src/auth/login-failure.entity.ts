import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Consecutive failed logins per username and client address, whether or not such a user exists (so a locked
 * account and an unknown name answer alike). Per address, so failures from elsewhere never lock the owner out.
 * Kept in the database so the lockout survives restarts and holds across nodes.
 */
@Entity('login_failures')
export class LoginFailureEntity {
  /** The attempted username, lower-cased. */
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'PK_login_failures' })
  username!: string;

  /** Where the attempts came from, as `clientAddressKey` writes it (an IPv6 address stands for its /64). */
  @PrimaryColumn({ name: 'client_address', type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_login_failures' })
  clientAddress!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Index('IDX_login_failures_last_failed_at')
  @Column({ name: 'last_failed_at', type: 'timestamptz' })
  lastFailedAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
