// A session's address book: who WhatsApp told it about, under either identity, and its answers to number checks.
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SessionEntity } from '../sessions/session.entity';

/**
 * One person as this session knows them: the phone-number JID, the LID, or both once WhatsApp paired them. Each
 * identity belongs to one row of the session at most (unique indexes; NULLs do not collide), so either finds it.
 */
@Entity('contacts')
@Index('UQ_contacts_session_pn', ['sessionId', 'pn'], { unique: true })
@Index('UQ_contacts_session_lid', ['sessionId', 'lid'], { unique: true })
export class ContactEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_contacts' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_contacts_session' })
  session?: SessionEntity;

  /** `…@s.whatsapp.net`; null while only the LID is known. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  pn!: string | null;

  /** `…@lid`; null while only the phone number is known. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lid!: string | null;

  /** The name the person gave themselves on WhatsApp. */
  @Column({ name: 'push_name', type: 'varchar', length: 255, nullable: true })
  pushName!: string | null;

  /** A business account's verified name. */
  @Column({ name: 'verified_name', type: 'varchar', length: 255, nullable: true })
  verifiedName!: string | null;

  @Column({ name: 'profile_picture_url', type: 'varchar', length: 2048, nullable: true })
  profilePictureUrl!: string | null;

  /** When WhatsApp was last asked for the picture (null: never), so it is asked again only once it is stale. */
  @Column({ name: 'profile_picture_checked_at', type: 'timestamptz', nullable: true })
  profilePictureCheckedAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  blocked!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set by WAGO when something about the contact changed (not on every write). */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** WhatsApp's answer to "is this phone number on WhatsApp?", kept for CONTACT_CHECK_TTL. */
@Entity('contact_checks')
@Index('IDX_contact_checks_checked_at', ['checkedAt'])
export class ContactCheckEntity {
  @PrimaryColumn({ name: 'session_id', type: 'uuid', primaryKeyConstraintName: 'PK_contact_checks' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_contact_checks_session' })
  session?: SessionEntity;

  /** Digits only. */
  @PrimaryColumn({ name: 'phone_number', type: 'varchar', length: 20, primaryKeyConstraintName: 'PK_contact_checks' })
  phoneNumber!: string;

  @Column({ type: 'boolean' })
  exists!: boolean;

  @Column({ type: 'varchar', length: 64, nullable: true })
  jid!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  lid!: string | null;

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt!: Date;
}
