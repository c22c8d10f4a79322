// Who is asking and from where, for the HTTP request being served: set once per request so a service deep in a
// call (the audit log) can read it without every signature carrying it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import { correlationId } from '../logging/correlation-id';

/** Longer user agents are cut: the header is the client's to fill, the column is not. */
export const MAX_USER_AGENT_LENGTH = 512;

export interface RequestContext {
  correlationId: string;
  /** The client's address as Express sees it (behind TRUST_PROXY, the forwarded one). */
  clientAddress: string | null;
  userAgent: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The request being served, or undefined outside one (background work, a Socket.IO event). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs `work` as if serving the request described by `context` (for tests and non-HTTP entry points). */
export function runInRequest<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/**
 * The middleware that opens the context. It must come after the body parsers: they call `next` from stream
 * callbacks, where a context opened before them is already lost.
 */
export function openRequestContext(request: Request, response: Response, next: NextFunction): void {
  const userAgent = request.headers['user-agent'];
  storage.run(
    {
      correlationId: correlationId(request, response),
      clientAddress: request.ip ?? null,
      userAgent: userAgent ? userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null,
    },
    next,
  );
}
