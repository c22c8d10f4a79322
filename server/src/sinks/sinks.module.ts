import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { SessionsModule } from '../sessions/sessions.module';
import { BrokerPublisher } from './broker-publisher';
import { NatsPublisher } from './nats.publisher';
import { RabbitMqPublisher } from './rabbitmq.publisher';
import { SinkEntity } from './sink.entity';
import { SinksRepository } from './sinks.repository';
import { SinksService } from './sinks.service';

/**
 * Message-broker sinks: their configuration and the brokers' I/O. Their events ride the webhooks' outbox, so the
 * WebhooksModule imports this one and serves the sink routes (SinksController), which need its delivery log.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SinkEntity]), SessionsModule, AuditModule],
  providers: [SinksRepository, SinksService, BrokerPublisher, RabbitMqPublisher, NatsPublisher],
  exports: [SinksRepository, SinksService, BrokerPublisher],
})
export class SinksModule {}
