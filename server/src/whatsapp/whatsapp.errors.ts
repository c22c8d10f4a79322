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
