import { Injectable } from '@nestjs/common';
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
  constructor(private readonly sessions: SessionsRepository) {}

  create(user: AuthUser, name: string): Promise<SessionEntity> {
    if (user.apiKey?.sessionIds) throw new ForbiddenError(LIMITED_KEY_CREATES_NO_SESSION);
    return this.sessions.create(user.id, name.trim());
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
    return this.sessions.change(session.id, { name, settings: changesSettings ? changes.settings : undefined });
  }

  async delete(user: AuthUser, sessionId: string): Promise<void> {
    const session = await this.get(user, sessionId);
    await this.sessions.delete(session.id);
  }
}
