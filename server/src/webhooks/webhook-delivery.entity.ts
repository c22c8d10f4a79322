import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { SinkEntity } from '../sinks/sink.entity';
import { WebhookEventEntity } from './webhook-event.entity';
import { WebhookEntity } from './webhook.entity';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One event on its way to one subscription, a webhook or a sink (exactly one of them): pending until it is accepted
 * (a 2xx, a broker's confirmation) or the last retry fails.
 */
@Entity('webhook_deliveries')
@Check('CHK_webhook_deliveries_target', `("webhook_id" IS NULL) <> ("sink_id" IS NULL)`)
@Index('UQ_webhook_deliveries_webhook_event', ['webhookId', 'eventId'], { unique: true })
@Index('IDX_webhook_deliveries_webhook_created', ['webhookId', 'createdAt'])
@Index('UQ_webhook_deliveries_sink_event', ['sinkId', 'eventId'], { unique: true })
@Index('IDX_webhook_deliveries_sink_created', ['sinkId', 'createdAt'])
@Index('IDX_webhook_deliveries_status_created', ['status', 'createdAt'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_webhook_deliveries' })
  id!: string;

  @Column({ name: 'webhook_id', type: 'uuid', nullable: true })
  webhookId!: string | null;

  @ManyToOne(() => WebhookEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id', foreignKeyConstraintName: 'FK_webhook_deliveries_webhook' })
  webhook?: WebhookEntity;

  @Column({ name: 'sink_id', type: 'uuid', nullable: true })
  sinkId!: string | null;

  @ManyToOne(() => SinkEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sink_id', foreignKeyConstraintName: 'FK_webhook_deliveries_sink' })
  sink?: SinkEntity;

  @Index('IDX_webhook_deliveries_event_id')
  @Column({ name: 'event_id', type: 'varchar', length: 40 })
  eventId!: string;

  @ManyToOne(() => WebhookEventEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'FK_webhook_deliveries_event' })
  event?: WebhookEventEntity;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status!: DeliveryStatus;

  @Column({ name: 'attempt_count', type: 'integer', default: 0 })
  attemptCount!: number;

  /**
   * The queue job that owns the next attempt. A job whose id is no longer here was superseded (a redelivery, a
   * deferral) or already done, and is skipped: this is what makes crashes and duplicates harmless.
   */
  @Column({ name: 'job_id', type: 'uuid', nullable: true })
  jobId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_attempt_at', type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;
}
