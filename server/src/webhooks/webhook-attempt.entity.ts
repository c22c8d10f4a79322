import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';

/** One HTTP attempt of a delivery, as the delivery log shows it. */
@Entity('webhook_attempts')
@Index('UQ_webhook_attempts_delivery_attempt', ['deliveryId', 'attempt'], { unique: true })
export class WebhookAttemptEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_webhook_attempts' })
  id!: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @ManyToOne(() => WebhookDeliveryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'FK_webhook_attempts_delivery' })
  delivery?: WebhookDeliveryEntity;

  /** 1 for the first attempt. */
  @Column({ type: 'integer' })
  attempt!: number;

  /** The receiver's HTTP status; null when no answer came (timeout, refused, blocked address). */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode!: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  /** The first 1 KB of the answer. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody!: string | null;

  /** Why the bot reply the receiver answered with was not queued (the delivery itself succeeded). */
  @Column({ name: 'reply_error', type: 'varchar', length: 500, nullable: true })
  replyError!: string | null;

  @Index('IDX_webhook_attempts_at')
  @Column({ type: 'timestamptz' })
  at!: Date;
}
