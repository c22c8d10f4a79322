// Express' body parsers fail before Nest routes a request; this turns their errors into domain errors, so the global
// filter answers in words ("Malformed JSON body") instead of leaking a parser message, and with the correlation id.
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from './domain-errors';

export class RequestBodyError extends DomainError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'Malformed JSON body',
  'entity.too.large': 'Request body too large',
  'encoding.unsupported': 'Unsupported content encoding',
  'charset.unsupported': 'Unsupported charset',
  'request.aborted': 'Request aborted',
  'request.size.invalid': 'Request size did not match content length',
};

interface BodyParserError {
  status: number;
  type: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | null;
  return typeof candidate?.status === 'number' && typeof candidate.type === 'string';
}

export function translateBodyParserErrors(
  error: unknown,
  _request: Request,
  _response: Response,
  next: NextFunction,
): void {
  if (isBodyParserError(error) && error.status >= 400 && error.status < 500) {
    next(new RequestBodyError(error.status, MESSAGES[error.type] ?? 'Invalid request body'));
    return;
  }
  next(error);
}
