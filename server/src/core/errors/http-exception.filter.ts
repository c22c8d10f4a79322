// The one place that shapes every error answer: {statusCode, error, message, correlationId}; never a stack or SQL.
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DomainError, TooManyRequestsError } from './domain-errors';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  correlationId?: string;
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const context = host.switchToHttp();
    const request = context.getRequest<Request & { id?: string }>();
    const response = context.getResponse<Response>();
    const { body, retryAfterSeconds } = this.toBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, correlationId: request.id }, 'Unhandled error');
    }
    if (retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(retryAfterSeconds));
    if (request.id) body.correlationId = String(request.id);
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): { body: ErrorBody; retryAfterSeconds?: number } {
    if (exception instanceof DomainError) {
      const retryAfterSeconds = exception instanceof TooManyRequestsError ? exception.retryAfterSeconds : undefined;
      return { body: shape(exception.status, exception.message), retryAfterSeconds };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const answer = exception.getResponse();
      const message =
        typeof answer === 'object' && answer !== null && 'message' in answer
          ? (answer as { message: string | string[] }).message
          : exception.message;
      return { body: shape(status, message) };
    }
    return { body: shape(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error') };
  }
}

export function shape(statusCode: number, message: string | string[]): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
