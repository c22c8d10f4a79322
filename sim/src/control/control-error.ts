// Errors a control route answers with: the sim's HTTP layer turns them into `{statusCode, error, message}`.
import { STATUS_CODES } from 'node:http';

export class ControlError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }

  get error(): string {
    return STATUS_CODES[this.statusCode] ?? 'Error';
  }
}

export const badRequest = (message: string): ControlError => new ControlError(400, message);
export const notFound = (message: string): ControlError => new ControlError(404, message);
export const conflict = (message: string): ControlError => new ControlError(409, message);
