import { Injectable, Logger } from '@nestjs/common';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import type { Page } from '../core/http/pagination';
import type { AuthUser } from './auth-user';
import { LoginFailuresRepository } from './login-failures.repository';
import type { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';
import { SessionLifecycleService } from '../sessions/session-lifecycle.service';
import { AuditService } from '../audit/audit.service';

/** User administration (the routes are admin-only). */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionLifecycleService,
    private readonly loginFailures: LoginFailuresRepository,
    private readonly audit: AuditService,
  ) {}

  list(page: { limit: number; offset: number }): Promise<Page<UserEntity>> {
    return this.users.list(page);
  }

  /** Lifts every login lock of the user, whichever address earned it. */
  async unlock(caller: AuthUser, id: string): Promise<void> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError(`User ${id} not found`);
    await this.loginFailures.clearEverywhere(user.username);
    this.logger.log(`Login unlocked: ${user.username.toLowerCase()} by ${caller.username}`);
    await this.audit.record({
      actor: caller,
      action: 'user.unlocked',
      targetType: 'user',
      targetId: user.id,
      summary: { username: user.username },
    });
  }

  /**
   * Takes the user's API keys and sessions with them; their tokens stop working at the next request, and their
   * realtime connections close within seconds (RealtimeConnections).
   */
  async delete(caller: AuthUser, id: string): Promise<void> {
    // Also guarantees an admin remains: the caller is one.
    if (id === caller.id) throw new BadRequestError('You cannot delete your own account');
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundError(`User ${id} not found`);
    await this.sessions.deleteAllOwnedBy(id);
    if (!(await this.users.delete(id))) throw new NotFoundError(`User ${id} not found`);
    this.logger.log(`User deleted: ${user.username} by ${caller.username}`);
    await this.audit.record({
      actor: caller,
      action: 'user.deleted',
      targetType: 'user',
      targetId: user.id,
      summary: { username: user.username, role: user.role },
    });
  }
}
