import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MediaModule } from '../media/media.module';
import { MessagesModule } from '../messages/messages.module';
import { SessionsModule } from '../sessions/sessions.module';
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
import { WebhookPublisher } from './webhook-publisher';
import { WebhookEntity } from './webhook.entity';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/** Webhook subscriptions, the durable outbox that delivers their events, and the delivery log. */
@Module({
  imports: [
    TypeOrmModule.forFeature([WebhookEntity, WebhookEventEntity, WebhookDeliveryEntity, WebhookAttemptEntity]),
    SessionsModule,
    MessagesModule,
    AuditModule,
    MediaModule,
  ],
  controllers: [WebhooksController],
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
  ],
})
export class WebhooksModule {}
