// /metrics is public unless METRICS_TOKEN is set: then only `Authorization: Bearer <METRICS_TOKEN>` may scrape it.
import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '../core/config/app-config';
import { UnauthorizedError } from '../core/errors/domain-errors';

/** Compared as digests, so neither the token's length nor its content leaks through the comparison's timing. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(config: AppConfig) {
    this.expected = config.metricsToken === undefined ? undefined : digest(`Bearer ${config.metricsToken}`);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) return true;
    const authorization = context.switchToHttp().getRequest<Request>().headers.authorization;
    if (authorization === undefined || !timingSafeEqual(digest(authorization), this.expected)) {
      throw new UnauthorizedError('Metrics require Authorization: Bearer <METRICS_TOKEN>');
    }
    return true;
  }
}
