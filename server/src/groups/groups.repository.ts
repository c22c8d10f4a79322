import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, Not, In } from 'typeorm';
import type { Page } from '../core/http/pagination';
import type { GroupInfo } from '../whatsapp/whatsapp.provider';
import { GroupEntity, GroupSyncEntity } from './group.entity';

/** A group without its members, as a list shows it. */
export type GroupSummary = Omit<GroupInfo, 'participants'> & { participantsCount: number };

export interface GroupListQuery {
  /** Part of the subject, any case. */
  q?: string;
  limit: number;
  offset: number;
}

/** What the groups service needs kept: the interface its tests fake. */
export interface GroupStore {
  /** When the session's groups were last read in full; null when never (or forgotten since). */
  syncedAt(sessionId: string): Promise<Date | null>;
  /** The session's groups are exactly these now (read in full at `at`). */
  replaceAll(sessionId: string, groups: GroupInfo[], at: Date): Promise<void>;
  /** The next list reads the groups from WhatsApp again (a notification named a group not kept here). */
  forgetSync(sessionId: string): Promise<void>;
  list(sessionId: string, query: GroupListQuery): Promise<Page<GroupSummary>>;
  find(sessionId: string, groupJid: string): Promise<GroupInfo | null>;
  save(sessionId: string, groups: GroupInfo[], at: Date): Promise<void>;
  delete(sessionId: string, groupJid: string): Promise<void>;
}

/** Rows of a full refresh written per statement: 500 groups of 1,024 members stay well under Postgres' limits. */
const SAVE_BATCH = 100;

/** All group-cache I/O. */
@Injectable()
export class GroupsRepository implements GroupStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async syncedAt(sessionId: string): Promise<Date | null> {
    const sync = await this.dataSource.getRepository(GroupSyncEntity).findOneBy({ sessionId });
    return sync?.syncedAt ?? null;
  }

  async replaceAll(sessionId: string, groups: GroupInfo[], at: Date): Promise<void> {
    await this.dataSource.transaction(async (transaction) => {
      const jids = groups.map((group) => group.jid);
      await transaction
        .getRepository(GroupEntity)
        .delete(jids.length > 0 ? { sessionId, jid: Not(In(jids)) } : { sessionId });
      await this.upsert(transaction, sessionId, groups, at);
      await transaction.getRepository(GroupSyncEntity).upsert({ sessionId, syncedAt: at }, ['sessionId']);
    });
  }

  async forgetSync(sessionId: string): Promise<void> {
    await this.dataSource.getRepository(GroupSyncEntity).delete({ sessionId });
  }

  async list(sessionId: string, query: GroupListQuery): Promise<Page<GroupSummary>> {
    const builder = this.dataSource
      .getRepository(GroupEntity)
      .createQueryBuilder('g')
      .select([
        'g.jid',
        'g.subject',
        'g.description',
        'g.owner',
        'g.addressingMode',
        'g.announce',
        'g.restrict',
        'g.createdAt',
        'g.participantsCount',
      ])
      .where('g.sessionId = :sessionId', { sessionId })
      .orderBy('lower(g.subject)', 'ASC')
      .addOrderBy('g.jid', 'ASC')
      .limit(query.limit)
      .offset(query.offset);
    if (query.q) builder.andWhere(`g.subject ILIKE :q ESCAPE '\\'`, { q: `%${escapeLike(query.q)}%` });
    const [rows, total] = await builder.getManyAndCount();
    return {
      items: rows.map((row) => ({ ...describedBy(row), participantsCount: row.participantsCount })),
      total,
    };
  }

  async find(sessionId: string, groupJid: string): Promise<GroupInfo | null> {
    const row = await this.dataSource.getRepository(GroupEntity).findOneBy({ sessionId, jid: groupJid });
    return row && groupOf(row);
  }

  async save(sessionId: string, groups: GroupInfo[], at: Date): Promise<void> {
    await this.upsert(this.dataSource.manager, sessionId, groups, at);
  }

  async delete(sessionId: string, groupJid: string): Promise<void> {
    await this.dataSource.getRepository(GroupEntity).delete({ sessionId, jid: groupJid });
  }

  private async upsert(manager: EntityManager, sessionId: string, groups: GroupInfo[], at: Date): Promise<void> {
    const rows = groups.map((group) => rowOf(sessionId, group, at));
    for (let start = 0; start < rows.length; start += SAVE_BATCH) {
      await manager.getRepository(GroupEntity).upsert(rows.slice(start, start + SAVE_BATCH), ['sessionId', 'jid']);
    }
  }
}

function rowOf(sessionId: string, group: GroupInfo, at: Date): GroupEntity {
  return Object.assign(new GroupEntity(), {
    sessionId,
    jid: group.jid,
    subject: group.subject,
    description: group.description,
    owner: group.owner,
    addressingMode: group.addressingMode,
    announce: group.announce,
    restrict: group.restrict,
    createdAt: group.createdAt ? new Date(group.createdAt) : null,
    participants: group.participants,
    participantsCount: group.participants.length,
    refreshedAt: at,
  });
}

function groupOf(row: GroupEntity): GroupInfo {
  return { ...describedBy(row), participants: row.participants };
}

/** What a row says of its group besides its members (a listed row holds no members). */
function describedBy(row: GroupEntity): Omit<GroupInfo, 'participants'> {
  return {
    jid: row.jid,
    subject: row.subject,
    description: row.description,
    owner: row.owner,
    addressingMode: row.addressingMode,
    announce: row.announce,
    restrict: row.restrict,
    createdAt: row.createdAt?.toISOString() ?? null,
  };
}

/** `%`, `_` and `\` of a search taken literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
