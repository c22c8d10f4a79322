// Baileys' auth state as rows: one creds document per session and one row per Signal key, both removed with the session.
import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { SessionEntity } from '../../sessions/session.entity';

@Entity('whatsapp_auth_creds')
export class WhatsAppAuthCredsEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'PK_whatsapp_auth_creds' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_whatsapp_auth_creds_session' })
  session?: SessionEntity;

  /** AuthenticationCreds encoded with Baileys' BufferJSON (binary fields as base64). */
  @Column({ type: 'jsonb' })
  creds!: unknown;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity('whatsapp_auth_keys')
export class WhatsAppAuthKeyEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'PK_whatsapp_auth_keys' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_whatsapp_auth_keys_session' })
  session?: SessionEntity;

  /** The Signal data type: pre-key, session, sender-key, app-state-sync-key, lid-mapping, device-list, … */
  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'PK_whatsapp_auth_keys' })
  type!: string;

  @PrimaryColumn({ name: 'key_id', type: 'varchar', length: 255, primaryKeyConstraintName: 'PK_whatsapp_auth_keys' })
  keyId!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;
}
