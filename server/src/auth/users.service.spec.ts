import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { BadRequestError, NotFoundError } from '../core/errors/domain-errors';
import type { AuthUser } from './auth-user';
import type { UserEntity } from './user.entity';
import type { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

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
  return { service: new UsersService(repository as unknown as UsersRepository), rows, admin, bob };
}

describe('UsersService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('deletes another user', async () => {
    const { service, rows, admin, bob } = setup();
    await service.delete(admin, bob.id);
    expect(rows.map((row) => row.username)).toEqual(['root']);
  });

  it('refuses to let an admin delete themselves, so an admin always remains', async () => {
    const { service, rows, admin } = setup();
    await expect(service.delete(admin, admin.id)).rejects.toThrow(BadRequestError);
    expect(rows).toHaveLength(2);
  });

  it('answers "not found" for a user who does not exist', async () => {
    const { service, admin } = setup();
    await expect(service.delete(admin, randomUUID())).rejects.toThrow(NotFoundError);
  });

  it('lists a page of users with the total', async () => {
    const { service } = setup();
    const page = await service.list({ limit: 1, offset: 1 });
    expect(page.items.map((row) => row.username)).toEqual(['bob']);
    expect(page.total).toBe(2);
  });
});
