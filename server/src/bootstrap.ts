// Builds the whole process: configuration, database (embedded when DATABASE_URL is unset), migrations, the Nest app.
import { INestApplication, RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HttpDraining } from './core/http/http-draining';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import pino from 'pino';
import { json, NextFunction, Request, RequestHandler, Response, urlencoded } from 'express';
import { AppModule } from './app.module';
import { AppConfig, loadAppConfig } from './core/config/app-config';
import { runMigrations } from './core/database/data-source';
import { EmbeddedDatabase, startEmbeddedPostgres } from './core/database/embedded-postgres';
import { translateBodyParserErrors } from './core/errors/body-parser-errors';
import { HttpExceptionFilter } from './core/errors/http-exception.filter';
import { GatewayIoAdapter } from './gateway/io-adapter';
import { MEDIA_UPLOAD_ROUTE } from './media/media.controller';
import { limitBodyDepth } from './core/http/body-depth';
import { setupApiDocuments } from './event-api/api-documents';
import { serveConsole } from './core/http/console';
import { openRequestContext } from './core/http/request-context';
import { setSecurityHeaders } from './core/http/security-headers';
import { assignCorrelationId } from './core/logging/correlation-id';
import { redactingLoggerOptions } from './core/logging/redaction';

export const API_PREFIX = 'api/v1';
const BODY_LIMIT = '1mb';
/** Sending a message may carry its file as base64 (5 MB decoded, about 6.7 MB encoded): that one route takes more. */
const SEND_BODY_LIMIT = '7mb';
const SEND_ROUTE = new RegExp(`^/${API_PREFIX}/sessions/[^/]+/messages/?$`);

const sendBodyParser = json({ limit: SEND_BODY_LIMIT });

/** Parses a send request's body with the larger limit; the general parser then finds it read and lets it be. */
function parseSendBodies(request: Request, response: Response, next: NextFunction): void {
  if (request.method === 'POST' && SEND_ROUTE.test(request.path)) sendBodyParser(request, response, next);
  else next();
}

function exceptMediaUploads(parser: RequestHandler): RequestHandler {
  const uploadPath = `/${API_PREFIX}/${MEDIA_UPLOAD_ROUTE}`;
  return (request, response, next) => {
    if (request.method === 'POST' && request.path === uploadPath) next();
    else parser(request, response, next);
  };
}

export interface RunningServer {
  app: INestApplication;
  config: AppConfig;
  close(): Promise<void>;
}

/** Everything an HTTP app needs, shared by the real process and tests that build the app in-process. */
export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  app.useLogger(app.get(Logger));
  app.use(app.get(HttpDraining).middleware);
  app.use(assignCorrelationId);
  app.use(setSecurityHeaders);
  if (config.trustProxy !== undefined) app.set('trust proxy', config.trustProxy);
  app.use(parseSendBodies);
  // Uploads are streamed into media storage by their route: the parsers must not read (or buffer) their bodies.
  app.use(exceptMediaUploads(json({ limit: BODY_LIMIT })));
  app.use(exceptMediaUploads(urlencoded({ limit: BODY_LIMIT, extended: false })));
  app.use(translateBodyParserErrors);
  app.use(limitBodyDepth);
  app.use(openRequestContext);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  );
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableCors(config.corsOrigins.length > 0 ? { origin: config.corsOrigins, credentials: true } : undefined);
  app.useWebSocketAdapter(new GatewayIoAdapter(app, config.corsOrigins, config.databaseUrl as string));
  app.disable('x-powered-by');
  setupApiDocuments(app, config.publicUrl);
  serveConsole(app);
}

export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  let config = loadAppConfig(env);
  const bootLogger = pino({ ...redactingLoggerOptions(), level: config.logLevel });
  if (config.jwtSecretFile) {
    bootLogger.warn(`JWT_SECRET is not set: using the generated secret kept in ${config.jwtSecretFile}`);
  }
  if (config.secretsKeyFile) {
    bootLogger.warn(`SECRETS_KEY is not set: using the generated key kept in ${config.secretsKeyFile}`);
  }
  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
    bootLogger.info(`DATABASE_URL is not set: embedded Postgres with its data in ${embedded.dataDir}`);
    config = config.withDatabaseUrl(embedded.url);
  }
  try {
    const applied = await runMigrations(config.databaseUrl as string);
    if (applied.length > 0) bootLogger.info(`Applied migrations: ${applied.join(', ')}`);
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
      bufferLogs: true,
      bodyParser: false,
    });
    configureApp(app, config);
    await app.listen(config.port, '0.0.0.0');
    bootLogger.info(`WAGO listening on http://localhost:${config.port} (API docs at /api/docs)`);
    // Signals are handled by main.ts, which calls close(): Nest's shutdown hooks run once, then the embedded database stops.
    return {
      app,
      config,
      close: async () => {
        app.get(HttpDraining).start();
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
