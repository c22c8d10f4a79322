// Every event WAGO publishes for a session, as its envelope, whether or not a subscription wants it: the realtime
// channels' live tail listens here. Nothing here is durable; the outbox is.
import { Injectable } from '@nestjs/common';
import { EventBus } from '../core/runtime/event-bus';
import type { WebhookEnvelope } from './envelope';

export interface PublishedEventMap {
  /** Told once the event is in the outbox (or at once, when no subscription wants it). */
  'event.published': WebhookEnvelope;
}

@Injectable()
export class PublishedEvents extends EventBus<PublishedEventMap> {
  constructor() {
    super(PublishedEvents.name);
  }
}
