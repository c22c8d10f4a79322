// The rules that keep one contact per person when WhatsApp tells a session about people piece by piece: a phone
// number here, a LID there, and later the pair that shows they are the same person.
import type { LearnedContact } from '../whatsapp/events';
import type { ContactEntity } from './contact.entity';

/** A contact row as the rules see it (what is stored, without the relation and the insert time). */
export type ContactRow = Omit<ContactEntity, 'session' | 'createdAt'>;

export interface MergeOutcome {
  /** New and changed rows (unchanged ones are left out, so a known sender's next message writes nothing). */
  save: ContactRow[];
  /** Ids of stored rows merged into another one. */
  remove: string[];
  /** A stored row lost an identity or was merged away: what was learned before may no longer be true as stored. */
  reshaped: boolean;
}

function newer(a: ContactRow, b: ContactRow): [ContactRow, ContactRow] {
  return a.updatedAt >= b.updatedAt ? [a, b] : [b, a];
}

/** What two rows of the same person know together; the survivor keeps its id. */
function absorb(survivor: ContactRow, other: ContactRow): void {
  const [recent, older] = newer(survivor, other);
  survivor.pushName = recent.pushName ?? older.pushName;
  survivor.verifiedName = recent.verifiedName ?? older.verifiedName;
  const otherPictureNewer =
    other.profilePictureCheckedAt !== null &&
    (survivor.profilePictureCheckedAt === null || other.profilePictureCheckedAt > survivor.profilePictureCheckedAt);
  if (otherPictureNewer) {
    survivor.profilePictureUrl = other.profilePictureUrl;
    survivor.profilePictureCheckedAt = other.profilePictureCheckedAt;
  }
  // WhatsApp blocks a person, not an identity: blocked under either means blocked.
  survivor.blocked = survivor.blocked || other.blocked;
}

function sameRow(a: ContactRow, b: ContactRow): boolean {
  return (
    a.pn === b.pn &&
    a.lid === b.lid &&
    a.pushName === b.pushName &&
    a.verifiedName === b.verifiedName &&
    a.profilePictureUrl === b.profilePictureUrl &&
    a.profilePictureCheckedAt?.getTime() === b.profilePictureCheckedAt?.getTime() &&
    a.blocked === b.blocked
  );
}

/**
 * Applies what a session learned, in order, to its stored rows (those holding any of the learned identities):
 * - an identity not stored yet makes a new contact;
 * - a PN and a LID learned together that are stored as two contacts become one: the PN's row survives with both
 *   identities, the names of the more recently updated row (else the other's), the newer picture, blocked if either
 *   was, and the LID's row is removed;
 * - the newest pair wins: an identity a row held that contradicts the learned pair (a number that moved to another
 *   person) is dropped from that row;
 * - a name told (even as null) replaces the stored one; a name not told (undefined) keeps it.
 */
export function mergeLearned(
  sessionId: string,
  existing: ContactRow[],
  learned: LearnedContact[],
  now: Date,
  newId: () => string,
): MergeOutcome {
  const rows = new Map(existing.map((row) => [row.id, { ...row }]));
  const original = new Map(existing.map((row) => [row.id, row]));
  const byPn = new Map<string, ContactRow>();
  const byLid = new Map<string, ContactRow>();
  for (const row of rows.values()) {
    if (row.pn) byPn.set(row.pn, row);
    if (row.lid) byLid.set(row.lid, row);
  }
  const remove: string[] = [];
  let reshaped = false;

  const setPn = (row: ContactRow, pn: string): void => {
    if (row.pn === pn) return;
    if (row.pn) {
      byPn.delete(row.pn);
      reshaped = true;
    }
    row.pn = pn;
    byPn.set(pn, row);
  };
  const setLid = (row: ContactRow, lid: string): void => {
    if (row.lid === lid) return;
    if (row.lid) {
      byLid.delete(row.lid);
      reshaped = true;
    }
    row.lid = lid;
    byLid.set(lid, row);
  };

  for (const contact of learned) {
    if (!contact.pn && !contact.lid) continue;
    const withPn = contact.pn ? byPn.get(contact.pn) : undefined;
    const withLid = contact.lid ? byLid.get(contact.lid) : undefined;
    let target = withPn ?? withLid;
    if (withPn && withLid && withPn !== withLid) {
      absorb(withPn, withLid);
      if (withLid.pn) byPn.delete(withLid.pn);
      if (withLid.lid) byLid.delete(withLid.lid);
      rows.delete(withLid.id);
      if (original.has(withLid.id)) {
        remove.push(withLid.id);
        reshaped = true;
      }
    }
    if (!target) {
      target = {
        id: newId(),
        sessionId,
        pn: null,
        lid: null,
        pushName: null,
        verifiedName: null,
        profilePictureUrl: null,
        profilePictureCheckedAt: null,
        blocked: false,
        updatedAt: now,
      };
      rows.set(target.id, target);
    }
    if (contact.pn) setPn(target, contact.pn);
    if (contact.lid) setLid(target, contact.lid);
    if (contact.pushName !== undefined) target.pushName = contact.pushName;
    if (contact.verifiedName !== undefined) target.verifiedName = contact.verifiedName;
  }

  const save: ContactRow[] = [];
  for (const row of rows.values()) {
    const before = original.get(row.id);
    if (before && sameRow(before, row)) continue;
    row.updatedAt = now;
    save.push(row);
  }
  return { save, remove, reshaped };
}
