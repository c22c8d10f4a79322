// The last line of defence for errors nothing else caught: log them without their payload, keep serving when only one
// connection or one promise failed, and stop gracefully when the process state can no longer be trusted.

/** The part of pino this needs, so tests can record what is logged. */
export interface ProcessLogger {
  error(details: object, message: string): void;
  fatal(details: object, message: string): void;
}

/** The part of `process` the guards listen on. */
export interface ProcessEvents {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

/** A peer that went away: the error ends its connection and leaves nothing else half-done. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
]);

/**
 * What an error log may show: its type, code, message and stack. Never the error's other fields, which can carry a
 * query's parameters (key material), a request body or a token.
 */
export function describeError(error: unknown): Record<string, string | undefined> {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    code: typeof code === 'string' ? code : undefined,
    message: error.message,
    stack: error.stack,
  };
}

export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_ERROR_CODES.has(code);
}

/**
 * A rejected promise nobody awaited leaves no other state broken, so it is logged and the process keeps serving. An
 * uncaught exception may have left any state half-updated: unless it is a connection error, `stop` shuts down.
 */
export function installProcessGuards(events: ProcessEvents, logger: ProcessLogger, stop: () => void): void {
  events.on('unhandledRejection', (reason) => {
    logger.error({ err: describeError(reason) }, 'Unhandled promise rejection; still serving');
  });
  events.on('uncaughtException', (error) => {
    if (isConnectionError(error)) {
      logger.error({ err: describeError(error) }, 'Uncaught connection error; still serving');
      return;
    }
    logger.fatal({ err: describeError(error) }, 'Uncaught exception; shutting down');
    stop();
  });
}
