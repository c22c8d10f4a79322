// All I/O of the audit log: an abstract class (the DI token) so the service's rules are tested with a fake.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Page } from '../core/http/pagination';
import type { AuditAction, AuditTargetType } from './audit-actions';
import { AuditEntryEntity } from './audit-entry.entity';

export type NewAuditEntry = Omit<AuditEntryEntity, 'id'>;

export interface AuditFilter {
  actorUserId?: string;
  action?: AuditAction;
  targetId?: string;
  /** Only entries about these targets of this type (an API key limited to some sessions). */
  targets?: { type: AuditTargetType; ids: readonly string[] };
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

export abstract class AuditRepository {
  abstract insert(entry: NewAuditEntry): Promise<AuditEntryEntity>;
  /** Newest first. */
  abstract list(filter: AuditFilter): Promise<Page<AuditEntryEntity>>;
  abstract pruneBefore(before: Date): Promise<number>;
}

@Injectable()
export class PostgresAuditRepository extends AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async insert(entry: NewAuditEntry): Promise<AuditEntryEntity> {
    const entries = this.dataSource.getRepository(AuditEntryEntity);
    return entries.save(entries.create(entry));
  }

  async list(filter: AuditFilter): Promise<Page<AuditEntryEntity>> {
    const query = this.dataSource.getRepository(AuditEntryEntity).createQueryBuilder('entry');
    if (filter.actorUserId !== undefined) query.andWhere('entry.actorUserId = :actor', { actor: filter.actorUserId });
    if (filter.action !== undefined) query.andWhere('entry.action = :action', { action: filter.action });
    if (filter.targetId !== undefined) query.andWhere('entry.targetId = :targetId', { targetId: filter.targetId });
    if (filter.targets !== undefined) {
      query.andWhere('entry.targetType = :targetType AND entry.targetId IN (:...targetIds)', {
        targetType: filter.targets.type,
        // IN () is a syntax error: no target matches nothing.
        targetIds: filter.targets.ids.length > 0 ? filter.targets.ids : [''],
      });
    }
    if (filter.since !== undefined) query.andWhere('entry.at >= :since', { since: filter.since });
    if (filter.until !== undefined) query.andWhere('entry.at < :until', { until: filter.until });
    const [items, total] = await query
      .orderBy('entry.at', 'DESC')
      .addOrderBy('entry.id', 'DESC')
      .take(filter.limit)
      .skip(filter.offset)
      .getManyAndCount();
    return { items, total };
  }

  async pruneBefore(before: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(AuditEntryEntity)
      .where('at < :before', { before })
      .execute();
    return result.affected ?? 0;
  }
}
