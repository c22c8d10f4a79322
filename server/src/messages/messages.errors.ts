// The send API's own refusals; the global exception filter maps them to HTTP by their status.
import { ConflictError, DomainError } from '../core/errors/domain-errors';

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

/** WhatsApp's own limits on editing: only text or a caption this session sent, within 15 minutes. */
export class MessageNotEditableError extends ConflictError {}

/** WhatsApp's own limits on deleting for everyone: only a message this session sent, within 60 hours. */
export class MessageNotDeletableError extends ConflictError {}

/** A media `url` that could not be fetched (refused answer, unreachable, redirected). */
export class MediaFetchFailedError extends DomainError {
  readonly status = 422;
}
