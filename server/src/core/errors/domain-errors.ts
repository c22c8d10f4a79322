// Domain errors are plain classes thrown by services; the global exception filter maps them to HTTP.
export abstract class DomainError extends Error {
  abstract readonly status: number;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
}

/**
 * Awaits a check of what an object hangs on (its session, its webhook); a 404 from it becomes one about the object,
 * so an object under something the caller may not see answers exactly like a missing one.
 */
export async function notFoundAs<T>(check: Promise<T>, message: string): Promise<T> {
  try {
    return await check;
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(message);
    throw error;
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
}

export class BadRequestError extends DomainError {
  readonly status = 400;
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
}

export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
