import { Injectable } from '@nestjs/common';
import { EntityManager, In, IsNull, MoreThan } from 'typeorm';
import type { Page } from '../core/http/pagination';
import type { ApiKeyScope } from './api-key-scopes';
import { ApiKeyEntity } from './api-key.entity';
import type { UserEntity } from './user.entity';

export interface NewApiKey {
  userId: string;
  name: string;
  prefix: string;
  keyHash: string;
  scopes: ApiKeyScope[];
  sessionIds: string[] | null;
  expiresAt: Date | null;
}

/** All API-key I/O. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly manager: EntityManager) {}

  private get keys() {
    return this.manager.getRepository(ApiKeyEntity);
  }

  create(key: NewApiKey): Promise<ApiKeyEntity> {
    return this.keys.save(this.keys.create({ ...key, lastUsedAt: null }));
  }

  async listByOwner(userId: string, page: { limit: number; offset: number }): Promise<Page<ApiKeyEntity>> {
    const [items, total] = await this.keys.findAndCount({
      where: { userId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, total };
  }

  /** The key with this hash and its owner, in one query: it runs on every request made with a key. */
  async findByHash(keyHash: string): Promise<{ key: ApiKeyEntity; owner: UserEntity } | null> {
    const key = await this.keys.findOne({ where: { keyHash }, relations: { user: true } });
    return key?.user ? { key, owner: key.user } : null;
  }

  async deleteOwned(id: string, userId: string): Promise<boolean> {
    const result = await this.keys.delete({ id, userId });
    return (result.affected ?? 0) > 0;
  }

  /** Deletes every key of the user; returns how many there were. */
  async deleteAllOwnedBy(userId: string): Promise<number> {
    const result = await this.keys.delete({ userId });
    return result.affected ?? 0;
  }

  /** Which of these keys exist and have not expired at `now`. */
  async validIds(ids: readonly string[], now: Date): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.keys.find({
      select: { id: true },
      where: [
        { id: In([...ids]), expiresAt: IsNull() },
        { id: In([...ids]), expiresAt: MoreThan(now) },
      ],
    });
    return new Set(rows.map((row) => row.id));
  }

  /** Records a use unless one was recorded since `notSince` (by this node or another). */
  async recordUse(id: string, now: Date, notSince: Date): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: now })
      .where('id = :id', { id })
      .andWhere('(last_used_at IS NULL OR last_used_at < :notSince)', { notSince })
      .execute();
  }
}
