import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ApiKeyScope } from './api-key-scopes';
import { UserEntity } from './user.entity';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_api_keys' })
  id!: string;

  @Index('IDX_api_keys_user_id')
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_api_keys_user' })
  user?: UserEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The key's first characters, shown in lists so its owner can tell keys apart. */
  @Column({ type: 'varchar', length: 12 })
  prefix!: string;

  /** SHA-256 of the whole key, hex; the key itself is never stored. */
  @Index('UQ_api_keys_key_hash', { unique: true })
  @Column({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  /** What the key may do (API_KEY_SCOPES); a console request (JWT) is not limited. */
  @Column({ type: 'text', array: true })
  scopes!: ApiKeyScope[];

  /** The only sessions the key reaches; null: every session of its owner. */
  @Column({ name: 'session_ids', type: 'uuid', array: true, nullable: true })
  sessionIds!: string[] | null;

  /** After this the key is refused as if revoked; null: never. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
