// The two published documents: OpenAPI 3.1 (REST, and the webhook events) and AsyncAPI 3 (every event channel).
import type { INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import { setupSwagger } from '../core/http/swagger';
import { asyncApiDocument } from './asyncapi-document';
import { withEventWebhooks } from './openapi-webhooks';

export const ASYNCAPI_PATH = '/api/asyncapi.json';

/** Both are public, as Swagger UI is: they describe the API, never its data. */
export function setupApiDocuments(app: INestApplication, publicUrl: string): void {
  setupSwagger(app, withEventWebhooks);
  const document = asyncApiDocument(publicUrl);
  app.getHttpAdapter().get(ASYNCAPI_PATH, (_request: Request, response: Response) => {
    response.json(document);
  });
}
