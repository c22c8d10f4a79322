// The audit log's rules: the one entry point every feature records its changes through, and who may read what.
import { Injectable, Logger } from '@nestjs/common';
import { AuthUser, isAdmin } from '../auth/auth-user';
import { currentRequest } from '../core/http/request-context';
import type { Page } from '../core/http/pagination';
import { Clock } from '../core/runtime/clock';
import type { AuditAction, AuditTargetType } from './audit-actions';
import type { AuditEntryEntity } from './audit-entry.entity';
import { redactSummary } from './audit-redaction';
import { AuditRepository } from './audit.repository';

/** Who did it: a caller, or (for a failed sign-in) the account it was tried on, or null when there is none. */
export type AuditActor = Pick<AuthUser, 'id' | 'username' | 'apiKey'> | null;

/** One change, as a feature reports it right after it happened. */
export interface AuditRecord {
  actor: AuditActor;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string | null;
  /** What changed: redacted before it is stored, but pass no secret or message content anyway. */
  summary?: Record<string, unknown>;
}

export interface AuditQuery {
  /** A user id. */
  actor?: string;
  action?: AuditAction;
  targetId?: string;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly entries: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Call after the change committed, never before (a refused or failed request leaves no entry). Never throws: the
   * change already happened, and answering it with an error would have the client repeat it; a lost entry is logged.
   */
  async record(entry: AuditRecord): Promise<void> {
    const request = currentRequest();
    try {
      await this.entries.insert({
        at: this.clock.now(),
        actorUserId: entry.actor?.id ?? null,
        actorUsername: entry.actor?.username ?? null,
        actorApiKeyId: entry.actor?.apiKey?.id ?? null,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        summary: redactSummary(entry.summary ?? {}),
        clientAddress: request?.clientAddress ?? null,
        userAgent: request?.userAgent ?? null,
        correlationId: request?.correlationId ?? null,
      });
    } catch (error) {
      this.logger.error(
        { err: error, correlationId: request?.correlationId },
        `Audit entry lost: ${entry.action} ${entry.targetType} ${entry.targetId ?? '-'}`,
      );
    }
  }

  /**
   * An admin signed in with their PIN sees everyone's entries; anyone else only their own (the `actor` filter
   * narrows, never widens). An API key acts for its user, so it sees that user's entries, an admin's key included
   * (a leaked key must not reveal everyone's activity); a key limited to some sessions sees only entries about them.
   */
  async list(caller: AuthUser, query: AuditQuery): Promise<Page<AuditEntryEntity>> {
    const { actor, action, targetId, since, until, limit, offset } = query;
    const seesEveryone = isAdmin(caller) && caller.via === 'jwt';
    if (!seesEveryone && actor !== undefined && actor !== caller.id) return { items: [], total: 0 };
    const sessionIds = caller.apiKey?.sessionIds;
    return this.entries.list({
      actorUserId: seesEveryone ? actor : caller.id,
      action,
      targetId,
      targets: sessionIds ? { type: 'session', ids: sessionIds } : undefined,
      since,
      until,
      limit,
      offset,
    });
  }

  /** Removes entries older than `before` (AuditRetention); answers how many went. */
  pruneBefore(before: Date): Promise<number> {
    return this.entries.pruneBefore(before);
  }
}
