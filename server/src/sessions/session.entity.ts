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
import { UserEntity } from '../auth/user.entity';
import type { SessionStatus } from './session-status';

export interface SessionDevice {
  platform: string | null;
  browser: string | null;
  deviceId: number | null;
}

/** What a session does on its own, as its owner set it (PATCH /sessions/{id}). */
export interface SessionSettings {
  /** Decline every incoming call. */
  rejectCalls: boolean;
  /** Sent to the caller whose call was declined; null sends nothing. */
  rejectCallsMessage: string | null;
}

/** Whether a session is meant to be connected: survives restarts and drives boot reconnect and takeover. */
export type SessionDesiredState = 'running' | 'stopped';

export interface SessionDisconnect {
  code: number | null;
  reason: string;
  at: string;
}

@Entity('sessions')
@Index('UQ_sessions_owner_name', ['ownerId', 'name'], { unique: true })
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('IDX_sessions_owner_id')
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'FK_sessions_owner' })
  owner?: UserEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Index('IDX_sessions_status')
  @Column({ type: 'varchar', length: 20, default: 'created' })
  status!: SessionStatus;

  @Index('IDX_sessions_desired_state')
  @Column({ name: 'desired_state', type: 'varchar', length: 10, default: 'stopped' })
  desiredState!: SessionDesiredState;

  @Column({ type: 'varchar', length: 100, nullable: true })
  jid!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  lid!: string | null;

  @Column({ name: 'phone_number', type: 'varchar', length: 20, nullable: true })
  phoneNumber!: string | null;

  @Column({ name: 'push_name', type: 'varchar', length: 200, nullable: true })
  pushName!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  device!: SessionDevice | null;

  @Column({ name: 'last_connected_at', type: 'timestamptz', nullable: true })
  lastConnectedAt!: Date | null;

  @Column({ name: 'last_disconnect', type: 'jsonb', nullable: true })
  lastDisconnect!: SessionDisconnect | null;

  @Column({ type: 'jsonb', default: () => `'{"rejectCalls": false, "rejectCallsMessage": null}'` })
  settings!: SessionSettings;

  /**
   * The QR the session shows while its status is `qr`, written by the node that runs it so any node can serve it
   * (GET /qr, the realtime snapshot). Not read unless asked for: it is nobody's business but the pairing screen's.
   */
  @Column({ type: 'text', nullable: true, select: false })
  qr?: string | null;

  @Column({ name: 'qr_expires_at', type: 'timestamptz', nullable: true, select: false })
  qrExpiresAt?: Date | null;

  /**
   * The fencing token of the session's lease, raised by each node that takes it (SessionLeaseRepository). An integer
   * is plenty: a session would have to change hands every second for 68 years to run out.
   */
  @Column({ name: 'lease_epoch', type: 'integer', default: 0, select: false })
  leaseEpoch?: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
