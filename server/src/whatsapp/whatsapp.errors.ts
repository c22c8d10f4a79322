import { ConflictError, DomainError } from '../core/errors/domain-errors';

export class SessionNotConnectedError extends ConflictError {
  constructor(sessionId: string) {
    super(`Session ${sessionId} is not connected to WhatsApp`);
  }
}

/** WhatsApp (or the simulator) did not answer as needed: worth retrying later. */
export class WhatsAppUnavailableError extends DomainError {
  readonly status = 503;
}

/**
 * WhatsApp takes online/offline presence only with the account's profile name, which a linked device learns from the
 * phone's first sync; until then Baileys drops the update without a word, so WAGO says so instead.
 */
export class ProfileNameUnknownError extends ConflictError {
  constructor(sessionId: string) {
    super(`Session ${sessionId} does not know its WhatsApp profile name yet, which online/offline presence needs`);
  }
}
