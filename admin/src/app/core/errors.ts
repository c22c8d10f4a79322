// Turns a failed request into words for people: the server's own message when it sent one.
import { HttpErrorResponse } from '@angular/common/http';
import type { ApiError } from './api-types';

export function errorMessage(error: unknown): string {
  if (error instanceof HttpErrorResponse) {
    if (error.status === 0) return $localize`Cannot reach the server. Check the connection and try again.`;
    if (isApiError(error.error)) {
      const { message } = error.error;
      return Array.isArray(message) ? message.join('\n') : message;
    }
    const status = `${error.status}${error.statusText ? ` ${error.statusText}` : ''}`;
    return $localize`The server answered ${status}:status:.`;
  }
  if (error instanceof Error) return error.message;
  return $localize`Something went wrong.`;
}

/** When a throttled or locked request may be retried, from the `Retry-After` header (seconds or an HTTP date). */
export function retryAfter(error: unknown, now: number = Date.now()): Date | null {
  if (!(error instanceof HttpErrorResponse)) return null;
  const header = error.headers.get('Retry-After');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return new Date(now + Math.max(0, seconds) * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : new Date(date);
}

export function hasStatus(error: unknown, status: number): boolean {
  return error instanceof HttpErrorResponse && error.status === status;
}

function isApiError(body: unknown): body is ApiError {
  if (typeof body !== 'object' || body === null) return false;
  const message = (body as Partial<ApiError>).message;
  return typeof message === 'string' || (Array.isArray(message) && message.every((line) => typeof line === 'string'));
}
