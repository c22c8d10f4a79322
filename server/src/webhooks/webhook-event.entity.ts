import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SessionEntity } from '../sessions/session.entity';
import type { WebhookEnvelope } from './envelope';

/** An event as committed to the outbox, before any delivery: the exact envelope every attempt sends. */
@Entity('webhook_events')
@Index('IDX_webhook_events_session_created', ['sessionId', 'createdAt'])
export class WebhookEventEntity {
  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'PK_webhook_events' })
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_webhook_events_session' })
  session?: SessionEntity;

  @Column({ type: 'varchar', length: 40 })
  type!: string;

  @Column({ type: 'jsonb' })
  payload!: WebhookEnvelope;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
