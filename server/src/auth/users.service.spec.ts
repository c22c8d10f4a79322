import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import type { AuthUser } from './auth-user';
import type { LoginFailuresRepository } from './login-failures.repository';
import type { UserEntity } from './user.entity';
import type { UsersRepository } from './users.repository';
import type { SessionLifecycleService } from '../sessions/session-lifecycle.service';
import { UsersService } from './users.service';
import { recordingAudit } from '../../test/support/in-memory-audit';

function user(username: string, role: UserEntity['role']): UserEntity {
  return { id: randomUUID(), username, role, pinHash: 'scrypt$…', tokenVersion: 0, createdAt: new Date() };
}

function setup() {
  const rows = [user('root', 'admin'), user('bob', 'user')];
  const repository = {
    findById: async (id: string) => rows.find((row) => row.id === id) ?? null,
    delete: async (id: string) => {
      const index = rows.findIndex((row) => row.id === id);
      if (index >= 0) rows.splice(index, 1);
      return index >= 0;
    },
    list: async ({ limit, offset }: { limit: number; offset: number }) => ({
      items: rows.slice(offset, offset + limit),
      total: rows.length,
    }),
  };
  const [root, bob] = rows;
  const admin: AuthUser = { id: root.id, username: root.username, role: 'admin', via: 'jwt' };
  /** Owners whose sessions were removed, in order. */
  const sessionsRemovedFor: string[] = [];
  const sessions = {
    deleteAllOwnedBy: async (ownerId: string) => {
      sessionsRemovedFor.push(ownerId);
    },
  };
  /** Usernames whose login failures were forgotten everywhere, in order. */
  const unlocked: string[] = [];
  const loginFailures = {
    clearEverywhere: async (username: string) => {
      unlocked.push(username);
    },
  };
  const service = new UsersService(
    repository as unknown as UsersRepository,
    sessions as unknown as SessionLifecycleService,
    loginFailures as unknown as LoginFailuresRepository,
    recordingAudit().audit,
  );
  return { service, rows, admin, bob, sessionsRemovedFor, unlocked };
}

describe('UsersService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('deletes another user, logging out and removing their sessions first', async () => {
    const { service, rows, admin, bob, sessionsRemovedFor } = setup();
    await service.delete(admin, bob.id);
    expect(rows.map((row) => row.username)).toEqual(['root']);
    expect(sessionsRemovedFor).toEqual([bob.id]);
  });

  it('refuses to let an admin delete themselves, so an admin always remains', async () => {
    const { service, rows, admin, sessionsRemovedFor } = setup();
    await expect(service.delete(admin, admin.id)).rejects.toThrow(BadRequestError);
    expect(rows).toHaveLength(2);
    expect(sessionsRemovedFor).toEqual([]);
  });

  it('answers "not found" for a user who does not exist', async () => {
    const { service, admin, sessionsRemovedFor } = setup();
    await expect(service.delete(admin, randomUUID())).rejects.toThrow(NotFoundError);
    expect(sessionsRemovedFor).toEqual([]);
  });

  it('lifts every login lock of a user', async () => {
    const { service, admin, bob, unlocked } = setup();
    await service.unlock(admin, bob.id);
    expect(unlocked).toEqual(['bob']);
  });

  it('answers "not found" when unlocking a user who does not exist', async () => {
    const { service, admin, unlocked } = setup();
    await expect(service.unlock(admin, randomUUID())).rejects.toThrow(NotFoundError);
    expect(unlocked).toEqual([]);
  });

  it('lists a page of users with the total', async () => {
    const { service } = setup();
    const page = await service.list({ limit: 1, offset: 1 });
    expect(page.items.map((row) => row.username)).toEqual(['bob']);
    expect(page.total).toBe(2);
  });
});
