// Request rate limits (@nestjs/throttler, counted in Postgres for the whole cluster: postgres-throttler-storage.ts):
// a general one per client IP on every route, and a tight one per IP on login and register. The per-account lockout
// is separate and lives in the database too.
import { applyDecorators, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerModuleOptions } from '@nestjs/throttler';
import { AppConfig } from '../core/config/app-config';
import { TooManyRequestsError } from '../core/errors/domain-errors';
import { ErrorDto } from '../core/http/error.dto';

const AUTH_THROTTLED = 'wago:authThrottled';
const MINUTE_MS = 60_000;
const reflector = new Reflector();

/** Counts the route against the per-IP login/register limit (AUTH_RATE_LIMIT_PER_MINUTE). */
export const AuthThrottle = (): MethodDecorator =>
  applyDecorators(
    SetMetadata(AUTH_THROTTLED, true),
    ApiTooManyRequestsResponse({ type: ErrorDto, description: 'Too many attempts: see the Retry-After header' }),
  );

export function rateLimitOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    // One budget per client and limit across all routes, not one per route.
    generateKey: (_context, tracker, throttlerName) => `${throttlerName}:${tracker}`,
    throttlers: [
      { name: 'default', ttl: MINUTE_MS, limit: config.rateLimitPerMinute },
      {
        name: 'auth',
        ttl: MINUTE_MS,
        limit: config.authRateLimitPerMinute,
        skipIf: (context: ExecutionContext) => !reflector.get<boolean>(AUTH_THROTTLED, context.getHandler()),
        setHeaders: false,
      },
    ],
  };
}

/** ThrottlerGuard whose 429 is a TooManyRequestsError, so the global filter shapes it and sets Retry-After. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return context.getType() !== 'http';
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    limit: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new TooManyRequestsError('Too many requests: slow down', Math.max(1, limit.timeToBlockExpire));
  }
}
