import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { strictNullables } from './strict-nullables';

export const BEARER_AUTH = 'bearer';
export const API_KEY_AUTH = 'apiKey';

/** Swagger UI at /api/docs and the OpenAPI document at /api/docs-json: the contract the console is checked against. */
export function setupSwagger(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('WAGO API')
    .setDescription('WhatsApp multi-session gateway: sessions, messages and webhooks.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_AUTH)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, API_KEY_AUTH)
    .addSecurityRequirements(BEARER_AUTH)
    .addSecurityRequirements(API_KEY_AUTH)
    .build();
  const document = strictNullables(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
