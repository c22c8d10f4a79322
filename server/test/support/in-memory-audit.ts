// The audit log in memory, for unit tests of the services that record into it (and of its own rules).
import { randomUUID } from 'node:crypto';
import type { AuditEntryEntity } from '../../src/audit/audit-entry.entity';
import { AuditFilter, AuditRepository, NewAuditEntry } from '../../src/audit/audit.repository';
import { AuditService } from '../../src/audit/audit.service';
import type { Page } from '../../src/core/http/pagination';
import { Clock } from '../../src/core/runtime/clock';

export class InMemoryAuditRepository extends AuditRepository {
  readonly entries: AuditEntryEntity[] = [];
  /** The filters list() was called with, in order. */
  readonly filters: AuditFilter[] = [];

  async insert(entry: NewAuditEntry): Promise<AuditEntryEntity> {
    const stored = { id: randomUUID(), ...entry };
    this.entries.push(stored);
    return stored;
  }

  async list(filter: AuditFilter): Promise<Page<AuditEntryEntity>> {
    this.filters.push(filter);
    const matching = this.entries
      .filter(
        (entry) =>
          (filter.actorUserId === undefined || entry.actorUserId === filter.actorUserId) &&
          (filter.action === undefined || entry.action === filter.action) &&
          (filter.targetId === undefined || entry.targetId === filter.targetId) &&
          (filter.targets === undefined ||
            (entry.targetType === filter.targets.type && filter.targets.ids.includes(entry.targetId ?? ''))) &&
          (filter.since === undefined || entry.at >= filter.since) &&
          (filter.until === undefined || entry.at < filter.until),
      )
      .reverse();
    return { items: matching.slice(filter.offset, filter.offset + filter.limit), total: matching.length };
  }

  async pruneBefore(before: Date): Promise<number> {
    const kept = this.entries.filter((entry) => entry.at >= before);
    const pruned = this.entries.length - kept.length;
    this.entries.splice(0, this.entries.length, ...kept);
    return pruned;
  }
}

/** A real AuditService over an in-memory log: `entries` holds what the code under test recorded. */
export function recordingAudit(clock: Clock = new Clock()): { audit: AuditService; entries: AuditEntryEntity[] } {
  const repository = new InMemoryAuditRepository();
  return { audit: new AuditService(repository, clock), entries: repository.entries };
}
