// One structured logger (pino) for the whole process, with a correlation id per HTTP request.
import type { IncomingMessage } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { correlationId } from './correlation-id';
import { redactingLoggerOptions } from './redaction';

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const redacting = redactingLoggerOptions();
        return {
          // Express 5 route syntax; nestjs-pino's default ('*') makes Nest warn at every boot.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            ...redacting,
            level: config.logLevel,
            genReqId: correlationId,
            customProps: (request: IncomingMessage & { id?: unknown }) => ({ correlationId: request.id }),
            autoLogging: {
              ignore: (request: IncomingMessage) => request.url === '/health' || request.url === '/metrics',
            },
            serializers: {
              ...redacting.serializers,
              req: (request: { id: unknown; method: string; url: string }) => ({
                id: request.id,
                method: request.method,
                url: request.url.replace(/([?&]token=)[^&]*/, '$1[Redacted]'),
              }),
            },
          },
        };
      },
    }),
  ],
})
export class LoggingModule {}
