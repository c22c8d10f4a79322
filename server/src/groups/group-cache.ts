// How a cached group follows WhatsApp's group notifications: the rules, apart from where the groups are kept.
import type { GroupChanges, GroupInfo, GroupMember, ParticipantAction, UserIds } from '../whatsapp/whatsapp.provider';

/** Two descriptions of one user: they share the phone-number JID or the LID. */
export function samePerson(a: UserIds, b: UserIds): boolean {
  return (a.pn !== null && a.pn === b.pn) || (a.lid !== null && a.lid === b.lid);
}

/** A member described again: identities WhatsApp told only now are kept, known ones stay. */
function merged(member: GroupMember, ids: UserIds): GroupMember {
  return { pn: member.pn ?? ids.pn, lid: member.lid ?? ids.lid, role: member.role };
}

/**
 * The group after members were added, removed, promoted or demoted; null when the account itself was removed (or
 * left): it is no longer in the group and knows nothing more of it. Applying a change twice changes nothing more
 * (the notification of the account's own change follows the answer that was already applied).
 */
export function withParticipantsChanged(
  group: GroupInfo,
  action: ParticipantAction,
  participants: UserIds[],
  account: UserIds,
): GroupInfo | null {
  const named = participants.filter((ids) => ids.pn !== null || ids.lid !== null);
  let members = group.participants;
  switch (action) {
    case 'add':
      for (const ids of named) {
        members = members.some((member) => samePerson(member, ids))
          ? members.map((member) => (samePerson(member, ids) ? merged(member, ids) : member))
          : [...members, { pn: ids.pn, lid: ids.lid, role: 'member' }];
      }
      break;
    case 'remove':
      if (named.some((ids) => samePerson(ids, account))) return null;
      members = members.filter((member) => !named.some((ids) => samePerson(member, ids)));
      break;
    case 'promote':
    case 'demote':
      members = members.map((member) => {
        const ids = named.find((candidate) => samePerson(member, candidate));
        if (!ids) return member;
        // The creator stays superadmin when promoted; a demotion makes anyone a member.
        const role = action === 'demote' ? 'member' : member.role === 'superadmin' ? 'superadmin' : 'admin';
        return { ...merged(member, ids), role };
      });
      break;
  }
  return { ...group, participants: members };
}

/** The group after its subject, description or settings changed (an empty description clears it). */
export function withChanges(group: GroupInfo, changes: GroupChanges): GroupInfo {
  return {
    ...group,
    subject: changes.subject ?? group.subject,
    description: changes.description === undefined ? group.description : changes.description || null,
    announce: changes.announce ?? group.announce,
    restrict: changes.restrict ?? group.restrict,
  };
}

/** Whether a session's groups must be read again in full: never read, or read longer than `freshMs` ago. */
export function needsSync(syncedAt: Date | null, now: Date, freshMs: number): boolean {
  return syncedAt === null || now.getTime() - syncedAt.getTime() >= freshMs;
}
