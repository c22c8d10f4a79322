// Where deliveries go: a webhook or a message-broker sink. Both share the outbox, so their logs and tests look alike.
import type { Api } from '../core/api';
import type { Delivery, DeliveryListQuery, Page, Redeliveries, RedeliverFailedRequest } from '../core/api-types';

export interface DeliveryTarget {
  kind: 'webhook' | 'sink';
  id: string;
}

/** A target's test: whether it took the event, and for a webhook what the receiver answered. */
export interface TargetTestResult {
  ok: boolean;
  durationMs: number;
  /** Webhooks only: null when no HTTP answer came. */
  statusCode?: number | null;
  error?: string;
}

/** The routes of one target's delivery log and test, from the API client. */
export function targetRoutes(api: Api, target: DeliveryTarget) {
  const routes = target.kind === 'webhook' ? api.webhooks : api.sinks;
  return {
    deliveries: (query: DeliveryListQuery): Promise<Page<Delivery>> => routes.deliveries(target.id, query),
    redeliverFailed: (request: RedeliverFailedRequest): Promise<Redeliveries> =>
      routes.redeliverFailed(target.id, request),
    test: (): Promise<TargetTestResult> => routes.test(target.id),
  };
}
