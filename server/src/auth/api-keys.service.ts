import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { NotFoundError, UnauthorizedError } from '../core/errors/domain-errors';
import type { Page } from '../core/http/pagination';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import { AuthUser, Identified, toAuthUser } from './auth-user';
import { Clock } from '../core/runtime/clock';

export const API_KEY_PREFIX = 'wago_';
/** 32 random bytes in base64url: 43 characters, 256 bits. */
const API_KEY_RANDOM_BYTES = 32;
const API_KEY_PATTERN = /^wago_[A-Za-z0-9_-]{32,128}$/;
/** Characters kept to recognise a key in lists: `wago_` and 7 random ones. */
export const API_KEY_VISIBLE_PREFIX_LENGTH = 12;
/** lastUsedAt is precise to this much, so a busy key costs one write a minute, not one per request. */
const RECORD_USE_EVERY_MS = 60_000;

export const INVALID_API_KEY = 'Invalid API key';

/** Keys are 256 random bits, so a fast unsalted hash is enough to store them and lets a request find its key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface CreatedApiKey {
  apiKey: ApiKeyEntity;
  /** The key itself: shown once, never stored. */
  key: string;
}

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly clock: Clock,
  ) {}

  async create(owner: AuthUser, name: string): Promise<CreatedApiKey> {
    const key = API_KEY_PREFIX + randomBytes(API_KEY_RANDOM_BYTES).toString('base64url');
    const apiKey = await this.keys.create({
      userId: owner.id,
      name: name.trim(),
      prefix: key.slice(0, API_KEY_VISIBLE_PREFIX_LENGTH),
      keyHash: hashApiKey(key),
    });
    this.logger.log(`API key created: ${apiKey.id} for ${owner.username}`);
    return { apiKey, key };
  }

  list(owner: AuthUser, page: { limit: number; offset: number }): Promise<Page<ApiKeyEntity>> {
    return this.keys.listByOwner(owner.id, page);
  }

  /** Effective at once: every request looks its key up. Someone else's key is "not found", as if it did not exist. */
  async revoke(owner: AuthUser, id: string): Promise<void> {
    if (!(await this.keys.deleteOwned(id, owner.id))) throw new NotFoundError(`API key ${id} not found`);
    this.logger.log(`API key revoked: ${id} by ${owner.username}`);
  }

  /** Revokes every key of the owner (a PIN change asked to); returns how many there were. */
  async revokeAllOf(owner: AuthUser): Promise<number> {
    const revoked = await this.keys.deleteAllOwnedBy(owner.id);
    if (revoked > 0) this.logger.log(`API keys revoked: ${revoked} of ${owner.username}`);
    return revoked;
  }

  /** Which of these keys still exist: a revoked key, or one whose owner was deleted, does not. */
  existing(ids: readonly string[]): Promise<Set<string>> {
    return this.keys.existingIds(ids);
  }

  /** The owner of a valid key, acting through it. */
  async identify(key: string): Promise<Identified> {
    if (!API_KEY_PATTERN.test(key)) throw new UnauthorizedError(INVALID_API_KEY);
    const found = await this.keys.findByHash(hashApiKey(key));
    if (!found) throw new UnauthorizedError(INVALID_API_KEY);
    const now = this.clock.now();
    const lastUsedAt = found.key.lastUsedAt?.getTime() ?? 0;
    if (now.getTime() - lastUsedAt >= RECORD_USE_EVERY_MS) {
      await this.keys.recordUse(found.key.id, now, new Date(now.getTime() - RECORD_USE_EVERY_MS));
    }
    return { user: toAuthUser(found.owner, 'api-key'), source: { kind: 'api-key', apiKeyId: found.key.id } };
  }
}
