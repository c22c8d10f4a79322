import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, LessThan, Repository } from 'typeorm';
import type { Page } from '../core/http/pagination';
import type { LearnedContact } from '../whatsapp/events';
import { ContactCheckEntity, ContactEntity } from './contact.entity';
import type { ContactRow, MergeOutcome } from './contact-merge';

/** How what a session learned becomes rows, given the rows it touches (the merge rules, injected by the caller). */
export type MergeRules = (sessionId: string, existing: ContactRow[], learned: LearnedContact[]) => MergeOutcome;

export interface ContactSearch {
  /** Part of a name, or digits of a number. */
  q?: string;
  limit: number;
  offset: number;
}

/** One check result as kept. */
export type ContactCheck = Pick<ContactCheckEntity, 'phoneNumber' | 'exists' | 'jid' | 'lid' | 'checkedAt'>;

const CONTACT_COLUMNS = [
  'pn',
  'lid',
  'push_name',
  'verified_name',
  'profile_picture_url',
  'profile_picture_checked_at',
  'blocked',
  'updated_at',
] as const;

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** All contact I/O: the PN↔LID map with names, pictures and blocks, and the cache of number checks. */
@Injectable()
export class ContactsRepository {
  constructor(
    @InjectRepository(ContactEntity) private readonly contacts: Repository<ContactEntity>,
    @InjectRepository(ContactCheckEntity) private readonly checks: Repository<ContactCheckEntity>,
  ) {}

  /**
   * Writes what sessions learned, one transaction for the whole batch: for each session, the rows holding any of
   * the learned identities are read (locked), `rules` decides, and its outcome is written.
   */
  async learn(bySession: Map<string, LearnedContact[]>, rules: MergeRules): Promise<MergeOutcome[]> {
    return this.contacts.manager.transaction(async (manager) => {
      const outcomes: MergeOutcome[] = [];
      for (const [sessionId, learned] of bySession) {
        const pns = [...new Set(learned.flatMap((contact) => (contact.pn ? [contact.pn] : [])))];
        const lids = [...new Set(learned.flatMap((contact) => (contact.lid ? [contact.lid] : [])))];
        const existing = await manager
          .getRepository(ContactEntity)
          .createQueryBuilder('contact')
          .where('contact.session_id = :sessionId', { sessionId })
          .andWhere(
            new Brackets((either) =>
              either.where('contact.pn = ANY(:pns)', { pns }).orWhere('contact.lid = ANY(:lids)', { lids }),
            ),
          )
          .setLock('pessimistic_write')
          .getMany();
        const outcome = rules(sessionId, existing, learned);
        if (outcome.remove.length > 0) await manager.getRepository(ContactEntity).delete({ id: In(outcome.remove) });
        if (outcome.save.length > 0) {
          await manager
            .createQueryBuilder()
            .insert()
            .into(ContactEntity)
            .values(outcome.save)
            .orUpdate([...CONTACT_COLUMNS], ['id'])
            .execute();
        }
        outcomes.push(outcome);
      }
      return outcomes;
    });
  }

  /** The contact holding this PN JID or LID in the session. */
  findByIdentity(sessionId: string, jid: string): Promise<ContactEntity | null> {
    return this.contacts.findOne({
      where: [
        { sessionId, pn: jid },
        { sessionId, lid: jid },
      ],
    });
  }

  /** Most recently updated first; `q` matches names (any case) and the digits of either identity. */
  async search(sessionId: string, search: ContactSearch): Promise<Page<ContactEntity>> {
    const query = this.contacts.createQueryBuilder('contact').where('contact.session_id = :sessionId', { sessionId });
    const text = search.q?.trim();
    if (text) {
      const digits = text.replace(/[\s()+-]/g, '');
      query.andWhere(
        new Brackets((match) => {
          match
            .where('contact.push_name ILIKE :name', { name: likePattern(text) })
            .orWhere('contact.verified_name ILIKE :name');
          if (/^\d+$/.test(digits)) {
            match
              .orWhere('contact.pn LIKE :digits', { digits: likePattern(digits) })
              .orWhere('contact.lid LIKE :digits');
          }
        }),
      );
    }
    const [items, total] = await query
      .orderBy('contact.updated_at', 'DESC')
      .addOrderBy('contact.id', 'ASC')
      .take(search.limit)
      .skip(search.offset)
      .getManyAndCount();
    return { items, total };
  }

  async setProfilePicture(id: string, url: string | null, checkedAt: Date): Promise<void> {
    await this.contacts.update({ id }, { profilePictureUrl: url, profilePictureCheckedAt: checkedAt });
  }

  /** Marks the contact holding this identity blocked or not; answers whether there was one. */
  async setBlocked(sessionId: string, jid: string, blocked: boolean, at: Date): Promise<boolean> {
    const result = await this.contacts
      .createQueryBuilder()
      .update()
      .set({ blocked, updatedAt: at })
      .where('session_id = :sessionId AND (pn = :jid OR lid = :jid)', { sessionId, jid })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The session's answers for these numbers checked at `since` or later. */
  findChecks(sessionId: string, phoneNumbers: string[], since: Date): Promise<ContactCheck[]> {
    return this.checks
      .createQueryBuilder('check')
      .where('check.session_id = :sessionId', { sessionId })
      .andWhere('check.phone_number = ANY(:phoneNumbers)', { phoneNumbers })
      .andWhere('check.checked_at >= :since', { since })
      .getMany();
  }

  async saveChecks(sessionId: string, checks: ContactCheck[]): Promise<void> {
    if (checks.length === 0) return;
    await this.checks
      .createQueryBuilder()
      .insert()
      .values(checks.map((check) => ({ ...check, sessionId })))
      .orUpdate(['exists', 'jid', 'lid', 'checked_at'], ['session_id', 'phone_number'])
      .execute();
  }

  async pruneChecks(before: Date): Promise<number> {
    const result = await this.checks.delete({ checkedAt: LessThan(before) });
    return result.affected ?? 0;
  }
}
