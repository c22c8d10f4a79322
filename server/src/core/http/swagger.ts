import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { toOpenApi31 } from './openapi-31';

export const BEARER_AUTH = 'bearer';
export const API_KEY_AUTH = 'apiKey';

/**
 * Swagger UI at /api/docs and the OpenAPI 3.1 document at /api/docs-json: the contract the console is checked
 * against. `extend` adds what no route describes (the webhook events).
 */
export function setupSwagger(app: INestApplication, extend: (document: OpenAPIObject) => OpenAPIObject): void {
  const config = new DocumentBuilder()
    .setTitle('WAGO API')
    .setDescription(
      'WhatsApp multi-session gateway: sessions, messages and webhooks. The events (webhooks, message brokers, ' +
        'Socket.IO, /ws) are described in the AsyncAPI document at /api/asyncapi.json.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, API_KEY_AUTH)
    .addSecurityRequirements(BEARER_AUTH)
    .addSecurityRequirements(API_KEY_AUTH)
    .build();
  const document = extend(toOpenApi31(SwaggerModule.createDocument(app, config)));
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
