// The send API's own refusals; the global exception filter maps them to HTTP by their status.
import { DomainError } from '../core/errors/domain-errors';

/** WhatsApp does not know the recipient: a number not on WhatsApp, a group the account is not in. */
export class UnknownRecipientError extends DomainError {
  readonly status = 422;
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly status = 422;
}

/** WhatsApp refused or failed the send: the gateway's upstream said no. */
export class SendFailedError extends DomainError {
  readonly status = 502;
}
