import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuthUser, isAdmin } from '../auth/auth-user';
import { reachesSession } from '../auth/api-key-scopes';
import { BadRequestError, ForbiddenError, NotFoundError } from '../core/errors/domain-errors';
import { SessionEntity } from './session.entity';
import type { SessionStatus } from './session-status';
import { SessionChanges, SessionsRepository } from './sessions.repository';

export interface SessionListQuery {
  status?: SessionStatus;
  limit: number;
  offset: number;
}

/** Why a key limited to some sessions may not create one: the new session would be out of its reach at once. */
export const LIMITED_KEY_CREATES_NO_SESSION = 'This API key is limited to some sessions and may not create one';

/**
 * Session records and who may see them: owners see their own, admins see all, anyone else gets a 404. An API key
 * limited to some sessions sees only those, as if the others did not exist.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
  ) {}

  async create(user: AuthUser, name: string): Promise<SessionEntity> {
    if (user.apiKey?.sessionIds) throw new ForbiddenError(LIMITED_KEY_CREATES_NO_SESSION);
    const session = await this.sessions.create(user.id, name.trim());
    await this.audit.record({
      actor: user,
      action: 'session.created',
      targetType: 'session',
      targetId: session.id,
      summary: { name: session.name },
    });
    return session;
  }

  list(user: AuthUser, query: SessionListQuery): Promise<{ items: SessionEntity[]; total: number }> {
    return this.sessions.list({
      ...query,
      ownerId: isAdmin(user) ? undefined : user.id,
      ids: user.apiKey?.sessionIds ?? undefined,
    });
  }

  /** The session if this user may see it; a foreign session is indistinguishable from a missing one. */
  async get(user: AuthUser, sessionId: string): Promise<SessionEntity> {
    const session = await this.sessions.findById(sessionId);
    if (!session || (session.ownerId !== user.id && !isAdmin(user)) || !reachesSession(user.apiKey, sessionId)) {
      throw new NotFoundError(`Session ${sessionId} not found`);
    }
    return session;
  }

  /** Renames the session and changes its settings (those given; the others keep their value). */
  async update(user: AuthUser, sessionId: string, changes: SessionChanges): Promise<SessionEntity> {
    const session = await this.get(user, sessionId);
    const name = changes.name?.trim();
    // A setting left undefined is not a change (JSON has no undefined; a DTO may hold it).
    const changesSettings = Object.values(changes.settings ?? {}).some((value) => value !== undefined);
    if (name === undefined && !changesSettings) throw new BadRequestError('Nothing to change: give name or settings');
    const settings = changesSettings ? changes.settings : undefined;
    const changed = await this.sessions.change(session.id, { name, settings });
    await this.audit.record({
      actor: user,
      action: name === undefined ? 'session.settings_changed' : 'session.renamed',
      targetType: 'session',
      targetId: session.id,
      summary: { ...(name === undefined ? {} : { name, previousName: session.name }), ...settingsSummary(settings) },
    });
    return changed;
  }

  async delete(user: AuthUser, sessionId: string): Promise<void> {
    const session = await this.get(user, sessionId);
    await this.sessions.delete(session.id);
  }
}

/** The settings changed, and the flag's new value; a call rejection message is text someone wrote, so only named. */
function settingsSummary(settings: SessionChanges['settings']): Record<string, unknown> {
  if (!settings) return {};
  const changed = Object.entries(settings).filter(([, value]) => value !== undefined);
  return {
    settings: changed.map(([setting]) => setting),
    ...(settings.rejectCalls === undefined ? {} : { rejectCalls: settings.rejectCalls }),
  };
}
