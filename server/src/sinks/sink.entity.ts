import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { SessionEntity } from '../sessions/session.entity';
import type { GroupPolicy } from '../webhooks/mention-policy';
import type { SinkKind } from './broker-url';

/** A message broker a session's events go to: a RabbitMQ exchange or a NATS JetStream stream. */
@Entity('sinks')
@Check('CHK_sinks_kind', `"kind" IN ('rabbitmq', 'nats')`)
@Check(
  'CHK_sinks_destination',
  `("kind" = 'rabbitmq' AND "exchange" IS NOT NULL AND "stream" IS NULL) OR ("kind" = 'nats' AND "stream" IS NOT NULL AND "exchange" IS NULL)`,
)
export class SinkEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sinks' })
  id!: string;

  @Index('IDX_sinks_session_id')
  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_sinks_session' })
  session?: SessionEntity;

  @Column({ type: 'varchar', length: 10 })
  kind!: SinkKind;

  /** The broker's URL without credentials. */
  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  /** The URL's user and password, sealed with SECRETS_KEY (secret-box.ts); null when the URL had none. */
  @Column({ type: 'text', nullable: true })
  credentials!: string | null;

  /** RabbitMQ: the durable topic exchange published to. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  exchange!: string | null;

  /** NATS: the JetStream stream that stores the events. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  stream!: string | null;

  /** Event types, or `*` for all. */
  @Column({ type: 'text', array: true })
  events!: string[];

  @Column({ name: 'group_policy', type: 'varchar', length: 10, default: 'mentions' })
  groupPolicy!: GroupPolicy;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  /** Why WAGO disabled it; null when enabled or disabled by its owner. */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 200, nullable: true })
  disabledReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
