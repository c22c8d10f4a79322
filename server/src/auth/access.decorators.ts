// Route-level access rules read by AuthGuard (besides @Public, in public.decorator.ts).
import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { ErrorDto } from '../core/http/error.dto';
import type { AuthUser } from './auth-user';

export const ADMIN_ONLY = 'wago:adminOnly';
export const OPTIONAL_AUTH = 'wago:optionalAuth';
export const PERSON_ONLY = 'wago:personOnly';

/** Only admins may call the route (or every route of the controller); others get 403. */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ADMIN_ONLY, true),
    ApiForbiddenResponse({ type: ErrorDto, description: 'The caller is not an admin' }),
  );

/**
 * Only a person signed in with their PIN (a JWT) may call the route (or every route of the controller); a caller
 * with an API key gets 403, so a leaked key cannot mint more keys or accounts.
 */
export const PersonOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(PERSON_ONLY, true),
    ApiForbiddenResponse({ type: ErrorDto, description: 'The caller used an API key, or is not allowed to do this' }),
  );

/**
 * Callable without credentials; credentials that are sent must be valid and identify the caller
 * (read it with @OptionalUser()).
 */
export const OptionalAuth = (): MethodDecorator => SetMetadata(OPTIONAL_AUTH, true);

/** The caller of an @OptionalAuth() route, if they sent credentials. */
export const OptionalUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser | undefined => {
  return context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
});
