// WhatsApp's refusals (Baileys throws them as Boom errors carrying WhatsApp's code) as the domain errors a client can
// tell apart: a query WhatsApp answered "no" to is the client's problem (4xx), not the gateway's.
import {
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
} from '../../core/errors/domain-errors';
import { WhatsAppRefusedError, WhatsAppUnavailableError } from '../whatsapp.errors';

/** How long a client waits after WhatsApp's `rate-overlimit` before asking again (its window is about a minute). */
export const RATE_OVERLIMIT_RETRY_SECONDS = 60;

/**
 * WhatsApp's error code of a Baileys error, when it carries one. An IQ WhatsApp answered with `<error code>` is a Boom
 * whose `data` holds that code (its own status is a generic 500); other Baileys errors carry theirs as the status.
 */
export function statusCodeOf(error: unknown): number | undefined {
  const boom = error as { data?: unknown; output?: { statusCode?: unknown } } | undefined;
  if (typeof boom?.data === 'number' && Number.isInteger(boom.data) && boom.data >= 100) return boom.data;
  return typeof boom?.output?.statusCode === 'number' ? boom.output.statusCode : undefined;
}

/** The domain error for a failed WhatsApp operation; `what` names it for the message ("creating the group"). */
export function whatsappRefusal(error: unknown, what: string): DomainError {
  if (error instanceof DomainError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const message = `WhatsApp refused ${what}: ${reason}`;
  switch (statusCodeOf(error)) {
    case 400:
    case 406:
      return new BadRequestError(message);
    case 401:
    case 403:
      return new ForbiddenError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    case 429:
      return new TooManyRequestsError(message, RATE_OVERLIMIT_RETRY_SECONDS);
    case 408:
    case 503:
    case undefined:
      return new WhatsAppUnavailableError(`WhatsApp did not answer ${what}: ${reason}`);
    default:
      return new WhatsAppRefusedError(message);
  }
}
