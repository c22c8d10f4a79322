import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { BadRequestError, ForbiddenError, UnauthorizedError } from '../core/errors/domain-errors';
import { ADMIN_ONLY, OPTIONAL_AUTH, PERSON_ONLY } from './access.decorators';
import { ANY_SCOPE, ApiKeyScope, missingScopeMessage, REQUIRED_SCOPE } from './api-key-scopes';
import { AuthUser, isAdmin } from './auth-user';
import { AuthService, PERSON_ONLY_RULE } from './auth.service';
import { IS_PUBLIC } from './public.decorator';

/**
 * The global guard: every HTTP route needs `Authorization: Bearer <JWT or API key>` or `X-Api-Key`, unless
 * it is @Public. Sets request.user for @CurrentUser().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Socket.IO gateways authenticate once, at the handshake, with AuthService.authenticate().
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const credential = readCredential(request);
    if (credential === undefined) {
      if (this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, targets)) return true;
      throw new UnauthorizedError('Authentication required: send Authorization: Bearer <token> or X-Api-Key');
    }
    const user = await this.auth.authenticate(credential);
    request.user = user;
    if (this.reflector.getAllAndOverride<boolean>(PERSON_ONLY, targets) && user.via !== 'jwt') {
      throw new ForbiddenError(PERSON_ONLY_RULE);
    }
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && !isAdmin(user)) {
      throw new ForbiddenError('Only an admin may do this');
    }
    if (user.apiKey) {
      const scope = this.reflector.getAllAndOverride<ApiKeyScope | typeof ANY_SCOPE | undefined>(
        REQUIRED_SCOPE,
        targets,
      );
      // A route that declares no scope is closed to keys: a route added without one fails safe (and a unit test).
      if (scope === undefined) throw new ForbiddenError('No API key may call this route');
      if (scope !== ANY_SCOPE && !user.apiKey.scopes.includes(scope))
        throw new ForbiddenError(missingScopeMessage(scope));
    }
    return true;
  }
}

function readCredential(request: Request): string | undefined {
  const authorization = request.headers.authorization;
  const apiKey = request.headers['x-api-key'];
  if (authorization !== undefined && apiKey !== undefined) {
    throw new BadRequestError('Send either Authorization or X-Api-Key, not both');
  }
  if (typeof apiKey === 'string') return apiKey;
  if (apiKey !== undefined) throw new UnauthorizedError('X-Api-Key must be sent once');
  if (authorization === undefined) return undefined;
  const bearer = /^Bearer +(\S+)$/i.exec(authorization);
  if (!bearer) throw new UnauthorizedError('Authorization must be "Bearer <token>"');
  return bearer[1];
}
