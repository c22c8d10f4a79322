import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { isUniqueViolation } from '../core/database/database-errors';
import { ConflictError } from '../core/errors/domain-errors';
import { SessionEntity, SessionSettings } from './session.entity';
import type { SessionStatus } from './session-status';

export interface SessionListFilter {
  /** Only this owner's sessions; undefined lists everyone's (admins). */
  ownerId?: string;
  /** Only these sessions (an API key limited to them); undefined: no such limit. */
  ids?: readonly string[];
  status?: SessionStatus;
  limit: number;
  offset: number;
}

/** What the owner may change of a session; settings left out keep their value. */
export interface SessionChanges {
  name?: string;
  settings?: Partial<SessionSettings>;
}

/** All session-record I/O. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(SessionEntity) private readonly sessions: Repository<SessionEntity>) {}

  async create(ownerId: string, name: string): Promise<SessionEntity> {
    try {
      return await this.sessions.save(this.sessions.create({ ownerId, name, status: 'created' }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`A session named "${name}" already exists`);
      throw error;
    }
  }

  async findIdsOwnedBy(ownerId: string): Promise<string[]> {
    const rows = await this.sessions.find({ where: { ownerId }, select: { id: true } });
    return rows.map((row) => row.id);
  }

  findById(id: string): Promise<SessionEntity | null> {
    return this.sessions.findOneBy({ id });
  }

  async list(filter: SessionListFilter): Promise<{ items: SessionEntity[]; total: number }> {
    const [items, total] = await this.sessions.findAndCount({
      where: { ownerId: filter.ownerId, status: filter.status, id: filter.ids ? In([...filter.ids]) : undefined },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total };
  }

  /**
   * Renames the session and merges settings into its own, in one statement: two changes of different settings made at
   * the same time both stay.
   */
  async change(id: string, changes: SessionChanges): Promise<SessionEntity> {
    const update = this.sessions.createQueryBuilder().update(SessionEntity).where('id = :id', { id });
    const set: Parameters<typeof update.set>[0] = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.settings !== undefined) {
      set.settings = () => 'settings || CAST(:settings AS jsonb)';
      update.setParameter('settings', JSON.stringify(changes.settings));
    }
    try {
      await update.set(set).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`A session named "${changes.name}" already exists`);
      throw error;
    }
    return this.sessions.findOneByOrFail({ id });
  }

  async update(id: string, changes: Partial<Omit<SessionEntity, 'id' | 'ownerId'>>): Promise<void> {
    await this.sessions.update({ id }, changes);
  }

  /**
   * The owner's write: applied only while `leaseEpoch` is still the session's (no other node took the lease since).
   * False when it was refused, or the session is gone.
   */
  async updateAsOwner(
    id: string,
    leaseEpoch: number,
    changes: Partial<Omit<SessionEntity, 'id' | 'ownerId'>>,
  ): Promise<boolean> {
    const result = await this.sessions.update({ id, leaseEpoch }, changes);
    return (result.affected ?? 0) > 0;
  }

  /** Sessions meant to be running, plus the given ones (those this process runs), for the ownership scan. */
  findRunCandidates(localIds: string[]): Promise<SessionEntity[]> {
    return this.sessions.find({
      where: [{ desiredState: 'running' }, ...(localIds.length > 0 ? [{ id: In(localIds) }] : [])],
    });
  }

  /**
   * Marks sessions that were live as reconnecting (shutdown: they come back on the next start or another node); each
   * only while this process still owns it, at the lease epoch given.
   */
  async markReconnecting(owned: { id: string; leaseEpoch: number }[]): Promise<void> {
    if (owned.length === 0) return;
    await this.sessions.query(
      `UPDATE sessions AS session
          SET status = 'reconnecting', qr = NULL, qr_expires_at = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::integer[]) AS owned(id, lease_epoch)
        WHERE session.id = owned.id AND session.lease_epoch = owned.lease_epoch
          AND session.status IN ('starting', 'qr', 'pairing_code', 'connected')`,
      [owned.map(({ id }) => id), owned.map(({ leaseEpoch }) => leaseEpoch)],
    );
  }

  /** How many of these sessions are connected (on whichever node). */
  countConnected(ids: string[]): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.sessions.count({ where: { id: In(ids), status: 'connected' } });
  }

  /** The QR the session shows now, whichever node runs it; null when it shows none (or it expired). */
  async findQr(id: string): Promise<{ qr: string; expiresAt: Date } | null> {
    const row = await this.sessions
      .createQueryBuilder('session')
      .select(['session.qr', 'session.qrExpiresAt'])
      .where('session.id = :id AND session.status = :status AND session.qr_expires_at > now()', { id, status: 'qr' })
      .getOne();
    return row?.qr && row.qrExpiresAt ? { qr: row.qr, expiresAt: row.qrExpiresAt } : null;
  }

  async delete(id: string): Promise<void> {
    await this.sessions.delete({ id });
  }
}
