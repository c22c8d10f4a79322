import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { UserRole } from './auth-user';

// Usernames are unique case-insensitively through the expression index "UQ_users_username_lower" (see the
// CreateUsers migration); TypeORM cannot express it and does not see it, so the entity does not declare it.
@Entity('users')
@Check('CHK_users_role', `"role" IN ('admin', 'user')`)
export class UserEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_users' })
  id!: string;

  /** As the user typed it; compared case-insensitively. */
  @Column({ type: 'varchar', length: 32 })
  username!: string;

  @Column({ type: 'varchar', length: 10 })
  role!: UserRole;

  /** `scrypt$<N>$<r>$<p>$<salt>$<hash>` (see PinHasher). */
  @Column({ name: 'pin_hash', type: 'varchar', length: 255 })
  pinHash!: string;

  /** Part of every JWT: raising it (on a PIN change) revokes the tokens issued before. */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
