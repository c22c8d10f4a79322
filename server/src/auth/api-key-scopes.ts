// What an API key may do: the scopes a route needs (declared once, with @RequiresScope) and the key's limits.
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse } from '@nestjs/swagger';
import { ErrorDto } from '../core/http/error.dto';

/**
 * A published contract: clients store these names, so they never change. None covers the audit log: a key acts for
 * its user, so any key may read GET /audit, and sees only its user's entries (an admin's key included), and only
 * those about its sessions when it is limited to some (AuditService.list).
 */
export const API_KEY_SCOPES = [
  'sessions:read',
  'sessions:write',
  'messages:send',
  'messages:read',
  'webhooks:read',
  'webhooks:write',
  'media:read',
  'media:write',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const REQUIRED_SCOPE = 'wago:requiredScope';
/** The OpenAPI extension naming an operation's scope, for clients and the tests that sweep the document. */
export const REQUIRED_SCOPE_EXTENSION = 'x-required-scope';
/** Marks a route any API key may call whatever its scopes (it says who the caller is, or is for admins only). */
export const ANY_SCOPE = 'any';

/** What a request made with an API key is limited to; a JWT (the console) is not limited. */
export interface ApiKeyLimits {
  scopes: readonly ApiKeyScope[];
  /** The only sessions the key reaches; null: every session of its owner. */
  sessionIds: readonly string[] | null;
}

export function missingScopeMessage(scope: ApiKeyScope): string {
  return `This API key lacks the scope ${scope}`;
}

/**
 * The scope an API key needs to call the route (or every route of the controller; a handler's own overrides it);
 * AuthGuard refuses a key without it with 403. Console requests (JWT) are not limited by scopes.
 */
export const RequiresScope = (scope: ApiKeyScope): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_SCOPE, scope),
    ApiExtension(REQUIRED_SCOPE_EXTENSION, scope),
    ApiForbiddenResponse({ type: ErrorDto, description: `An API key without the scope ${scope}` }),
  );

/** Any API key may call the route, whatever its scopes: say why where it is used. */
export const AnyScope = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(REQUIRED_SCOPE, ANY_SCOPE), ApiExtension(REQUIRED_SCOPE_EXTENSION, ANY_SCOPE));

/** Whether a caller with these limits (undefined: a JWT) reaches the session. */
export function reachesSession(limits: ApiKeyLimits | undefined, sessionId: string): boolean {
  return !limits?.sessionIds || limits.sessionIds.includes(sessionId);
}

/** Why an API key may not do what needs `scope` (undefined when it may, or the caller is no key): for realtime refusals. */
export function missingScope(limits: ApiKeyLimits | undefined, scope: ApiKeyScope): string | undefined {
  return limits && !limits.scopes.includes(scope) ? missingScopeMessage(scope) : undefined;
}
