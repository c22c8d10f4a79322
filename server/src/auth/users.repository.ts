import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { ConflictError } from '../core/errors/domain-errors';
import type { Page } from '../core/http/pagination';
import type { UserRole } from './auth-user';
import { isUniqueViolation } from '../core/database/database-errors';
import { UserEntity } from './user.entity';

export interface NewUser {
  username: string;
  role: UserRole;
  pinHash: string;
}

/** pg_advisory_xact_lock key serialising registrations, so only one request can ever create the first (admin) user. */
const REGISTRATION_LOCK_KEY = 0x57414752;

/** All user-record I/O. */
@Injectable()
export class UsersRepository {
  constructor(private readonly manager: EntityManager) {}

  private get users() {
    return this.manager.getRepository(UserEntity);
  }

  /**
   * Runs `work` in a transaction holding the registration lock, with a repository bound to that transaction:
   * what it counts cannot change before it commits.
   */
  withRegistrationLock<T>(work: (users: UsersRepository) => Promise<T>): Promise<T> {
    return this.manager.transaction(async (transaction) => {
      await transaction.query('SELECT pg_advisory_xact_lock($1)', [REGISTRATION_LOCK_KEY]);
      return work(new UsersRepository(transaction));
    });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /** The current token version of each of these users that still exists. */
  async tokenVersionsOf(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.users.find({ select: { id: true, tokenVersion: true }, where: { id: In([...ids]) } });
    return new Map(rows.map((row) => [row.id, row.tokenVersion]));
  }

  /** Case-insensitive, like the unique index. */
  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('user')
      .where('lower(user.username) = lower(:username)', { username })
      .getOne();
  }

  async create(user: NewUser): Promise<UserEntity> {
    try {
      return await this.users.save(this.users.create(user));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`The username "${user.username}" is taken`);
      throw error;
    }
  }

  /** Stores the new PIN hash and bumps the token version, which revokes every token issued before. */
  async changePin(id: string, pinHash: string): Promise<UserEntity | null> {
    await this.users
      .createQueryBuilder()
      .update()
      .set({ pinHash, tokenVersion: () => 'token_version + 1' })
      .where('id = :id', { id })
      .execute();
    return this.findById(id);
  }

  async list(page: { limit: number; offset: number }): Promise<Page<UserEntity>> {
    const [items, total] = await this.users.findAndCount({
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total };
  }

  /** Deletes the user; the database cascades to their API keys and sessions. */
  async delete(id: string): Promise<boolean> {
    const result = await this.users.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
