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

/**
 * A write of the session's owner was refused: another node of the cluster took the session's lease since this one
 * connected it (or the session was deleted). This node must let the session go.
 */
export class SessionOwnedElsewhereError extends ConflictError {
  constructor(sessionId: string) {
    super(`Session ${sessionId} is owned by another node now`);
  }
}

/** WhatsApp refused or failed an operation for a reason of its own (the gateway's upstream said no). */
export class WhatsAppRefusedError extends DomainError {
  readonly status = 502;
}
