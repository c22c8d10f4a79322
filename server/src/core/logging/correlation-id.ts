// Every HTTP request gets a correlation id before anything else runs (body parsing included), so every log line and
// every error answer, even a malformed-JSON one, can be matched. A well-formed incoming X-Request-Id is kept.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const CORRELATION_HEADER = 'x-request-id';

export function correlationId(request: IncomingMessage, response: ServerResponse): string {
  if (request.id !== undefined) return String(request.id);
  const incoming = request.headers[CORRELATION_HEADER];
  const id = typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', id);
  request.id = id;
  return id;
}

export function assignCorrelationId(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  correlationId(request, response);
  next();
}
