import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { BadRequestError, NotFoundError, UnauthorizedError } from '../core/errors/domain-errors';
import type { Page } from '../core/http/pagination';
import { API_KEY_SCOPES, ApiKeyScope } from './api-key-scopes';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeysRepository } from './api-keys.repository';
import { AuthUser, Identified, toAuthUser } from './auth-user';
import { Clock } from '../core/runtime/clock';
import { AuditService } from '../audit/audit.service';
import { SessionsService } from '../sessions/sessions.service';

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

/** What a new key is for and what it may do; scopes left out: every scope. */
export interface ApiKeyRequest {
  name: string;
  scopes?: readonly ApiKeyScope[];
  /** The only sessions the key may reach (each one the owner may see); left out: all of them. */
  sessionIds?: readonly string[];
  expiresAt?: Date;
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
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
  ) {}

  async create(owner: AuthUser, request: ApiKeyRequest): Promise<CreatedApiKey> {
    const expiresAt = request.expiresAt ?? null;
    if (expiresAt && expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new BadRequestError('expiresAt must be in the future');
    }
    const sessionIds = request.sessionIds ? [...new Set(request.sessionIds)] : null;
    for (const sessionId of sessionIds ?? []) {
      // A session the owner may not see is refused as unknown, so the answer does not tell whether it exists.
      await this.sessions.get(owner, sessionId).catch((error: unknown) => {
        throw error instanceof NotFoundError
          ? new BadRequestError(`sessionIds: session ${sessionId} not found`)
          : error;
      });
    }
    const key = API_KEY_PREFIX + randomBytes(API_KEY_RANDOM_BYTES).toString('base64url');
    const apiKey = await this.keys.create({
      userId: owner.id,
      name: request.name.trim(),
      prefix: key.slice(0, API_KEY_VISIBLE_PREFIX_LENGTH),
      keyHash: hashApiKey(key),
      // In the published order, whatever order the request named them in.
      scopes: API_KEY_SCOPES.filter((scope) => (request.scopes ?? API_KEY_SCOPES).includes(scope)),
      sessionIds,
      expiresAt,
    });
    this.logger.log(`API key created: ${apiKey.id} for ${owner.username}`);
    await this.audit.record({
      actor: owner,
      action: 'apikey.created',
      targetType: 'api_key',
      targetId: apiKey.id,
      summary: {
        name: apiKey.name,
        prefix: apiKey.prefix,
        scopes: apiKey.scopes,
        sessionIds: apiKey.sessionIds,
        expiresAt: apiKey.expiresAt?.toISOString() ?? null,
      },
    });
    return { apiKey, key };
  }

  list(owner: AuthUser, page: { limit: number; offset: number }): Promise<Page<ApiKeyEntity>> {
    return this.keys.listByOwner(owner.id, page);
  }

  /** Effective at once: every request looks its key up. Someone else's key is "not found", as if it did not exist. */
  async revoke(owner: AuthUser, id: string): Promise<void> {
    if (!(await this.keys.deleteOwned(id, owner.id))) throw new NotFoundError(`API key ${id} not found`);
    this.logger.log(`API key revoked: ${id} by ${owner.username}`);
    await this.audit.record({ actor: owner, action: 'apikey.revoked', targetType: 'api_key', targetId: id });
  }

  /** Revokes every key of the owner (a PIN change asked to); returns how many there were. */
  async revokeAllOf(owner: AuthUser): Promise<number> {
    const revoked = await this.keys.deleteAllOwnedBy(owner.id);
    if (revoked > 0) this.logger.log(`API keys revoked: ${revoked} of ${owner.username}`);
    return revoked;
  }

  /** Which of these keys still work: a revoked or expired key, or one whose owner was deleted, does not. */
  existing(ids: readonly string[]): Promise<Set<string>> {
    return this.keys.validIds(ids, this.clock.now());
  }

  /** The owner of a valid key, acting through it. */
  async identify(key: string): Promise<Identified> {
    if (!API_KEY_PATTERN.test(key)) throw new UnauthorizedError(INVALID_API_KEY);
    const found = await this.keys.findByHash(hashApiKey(key));
    const now = this.clock.now();
    // An expired key is refused in the same words as a revoked one.
    if (!found || (found.key.expiresAt && found.key.expiresAt.getTime() <= now.getTime())) {
      throw new UnauthorizedError(INVALID_API_KEY);
    }
    const lastUsedAt = found.key.lastUsedAt?.getTime() ?? 0;
    if (now.getTime() - lastUsedAt >= RECORD_USE_EVERY_MS) {
      await this.keys.recordUse(found.key.id, now, new Date(now.getTime() - RECORD_USE_EVERY_MS));
    }
    const { scopes, sessionIds } = found.key;
    return {
      user: { ...toAuthUser(found.owner, 'api-key'), apiKey: { id: found.key.id, scopes, sessionIds } },
      source: { kind: 'api-key', apiKeyId: found.key.id },
    };
  }
}
