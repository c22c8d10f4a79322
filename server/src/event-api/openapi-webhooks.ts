// The OpenAPI 3.1 `webhooks` section: one POST per event type, so Swagger UI lists what a receiver gets and code
// generators produce its types.
import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import {
  EVENT_ENVELOPES,
  EVENT_SCHEMA_COMPONENTS,
  EVENT_SUMMARIES,
  EVENT_TYPES,
  WEBHOOK_ANSWER,
} from '../webhooks/event-schemas';
import { mergeComponents, type JsonSchema } from '../core/http/typed-schema';
import { WEBHOOK_HEADERS } from './webhook-headers';

const TAG = 'Webhook events';

/** What WAGO makes of the receiver's answer (delivery.service.ts). */
const ANSWERS =
  'Any 2xx answer within the timeout delivers the event. 410 Gone disables the webhook. Anything else (or no answer) ' +
  'is retried on the retry schedule (WEBHOOK_RETRY_SCHEDULE), honouring Retry-After; every attempt is in the ' +
  'delivery log.';

/** The document with the event payloads among its components and one webhook per event type. */
export function withEventWebhooks(document: OpenAPIObject): OpenAPIObject {
  const webhooks = Object.fromEntries(
    EVENT_TYPES.map((type) => {
      const botReply = type === 'message.received';
      return [
        type,
        {
          post: {
            operationId: `webhook:${type}`,
            tags: [TAG],
            summary: EVENT_SUMMARIES[type],
            description: `POSTed to the URL of each webhook of the session that selects \`${type}\`. ${ANSWERS}`,
            security: [],
            parameters: Object.entries(WEBHOOK_HEADERS).map(([name, header]) => ({
              name,
              in: 'header',
              required: true,
              description: header.description,
              schema: header.schema,
            })),
            requestBody: {
              required: true,
              content: { 'application/json': { schema: EVENT_ENVELOPES[type].json } },
            },
            responses: {
              '200': {
                description: botReply
                  ? 'Delivered. A body `{"reply": {"text": "…"}}` makes WAGO send that text to the chat, quoting the ' +
                    'message (not for the account’s own messages); any other body is ignored.'
                  : 'Delivered (any 2xx does; the body is ignored).',
                ...(botReply && { content: { 'application/json': { schema: WEBHOOK_ANSWER.json } } }),
              },
              '410': { description: 'Gone: WAGO disables the webhook and stops sending to it.' },
              default: { description: 'Anything else: retried later.' },
            },
          },
        },
      ];
    }),
  );
  return {
    ...document,
    tags: [
      ...(document.tags ?? []),
      { name: TAG, description: 'What WAGO POSTs to webhook receivers: the envelope of each event type, signed.' },
    ],
    // Nest's types describe OpenAPI 3.0 (`type` is one string); these are 3.1 schemas, as is the whole document.
    components: {
      ...document.components,
      schemas: mergeComponents(
        (document.components?.schemas ?? {}) as Record<string, JsonSchema>,
        EVENT_SCHEMA_COMPONENTS,
      ) as Record<string, SchemaObject>,
    },
    webhooks: webhooks as OpenAPIObject['webhooks'],
  };
}
