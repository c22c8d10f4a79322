import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MediaModule } from '../media/media.module';
import { MessagesModule } from '../messages/messages.module';
import { SessionsModule } from '../sessions/sessions.module';
import { SinksController } from '../sinks/sinks.controller';
import { SinksModule } from '../sinks/sinks.module';
import { DeliveriesRepository } from './deliveries.repository';
import { DeliveriesService } from './deliveries.service';
import { DeliveryQueue } from './delivery-queue';
import { DeliveryRetention } from './delivery-retention';
import { DeliveryWorker } from './delivery-worker';
import { DeliveryService } from './delivery.service';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookEventEntity } from './webhook-event.entity';
import { WebhookHttpClient } from './webhook-http.client';
import { PublishedEvents } from './published-events';
import { WebhookPublisher } from './webhook-publisher';
import { WebhookEntity } from './webhook.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook subscriptions, the durable outbox that delivers their events (and those of message-broker sinks), and the
 * delivery log. The sink routes are served here because a sink's deliveries are this outbox's. Every published event
 * is also told to PublishedEvents, for the realtime live tail.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookEntity, WebhookEventEntity, WebhookDeliveryEntity, WebhookAttemptEntity]),
    SessionsModule,
    MessagesModule,
    AuditModule,
    MediaModule,
    SinksModule,
  ],
  controllers: [WebhooksController, SinksController],
  providers: [
    WebhooksRepository,
    DeliveriesRepository,
    DeliveryQueue,
    WebhookHttpClient,
    WebhooksService,
    DeliveriesService,
    DeliveryService,
    DeliveryWorker,
    DeliveryRetention,
    WebhookPublisher,
    PublishedEvents,
  ],
  exports: [PublishedEvents],
})
export class WebhooksModule {}
