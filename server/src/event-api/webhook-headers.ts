// The headers every webhook request carries (Standard Webhooks signing, see webhooks/signature.ts), for both documents.
import type { JsonSchema } from '../core/http/typed-schema';
import type { SignedHeaders } from '../webhooks/signature';

export const WEBHOOK_HEADERS: Record<keyof SignedHeaders, { description: string; schema: JsonSchema }> = {
  'webhook-id': {
    description: 'The event id (the envelope’s `id`): the same on every retry and redelivery, to drop duplicates',
    schema: { type: 'string', examples: ['evt_6f1c0f0e4a1b4bd0a9a8f2f6c1e2d3b4'] },
  },
  'webhook-timestamp': {
    description: 'When this attempt was signed, in seconds since the Unix epoch: refuse old ones to stop replays',
    schema: { type: 'string', examples: ['1718000000'] },
  },
  'webhook-signature': {
    description:
      'Space-separated `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<raw body>">`, one per valid ' +
      'secret (two during a rotation’s grace period); the key is the secret’s base64 part after `whsec_`',
    schema: { type: 'string', examples: ['v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='] },
  },
};

/** The same headers as one JSON Schema object (AsyncAPI describes a message's headers so). */
export function webhookHeadersSchema(): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(WEBHOOK_HEADERS).map(([name, header]) => [
        name,
        { ...header.schema, description: header.description },
      ]),
    ),
    required: Object.keys(WEBHOOK_HEADERS),
  };
}
