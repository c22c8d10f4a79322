// Baileys' descriptions of users, groups, calls and presences in WAGO's terms: group metadata as GroupInfo, and the
// socket's group, call, presence and contact events as WhatsAppEvents.
import type { BaileysEventMap, Contact, GroupMetadata, GroupParticipant } from '@whiskeysockets/baileys';
import type { CallReceived, GroupParticipantsChanged, GroupUpdated, LearnedContact, PresenceUpdated } from '../events';
import {
  GroupChanges,
  GroupInfo,
  GroupRole,
  PARTICIPANT_ACTIONS,
  ParticipantAction,
  PRESENCE_STATES,
  PresenceState,
  UserIds,
} from '../whatsapp.provider';
import type { Baileys } from './baileys';

/** A user's two identities from the JIDs WhatsApp gave (each a PN or a LID, in any order, with or without device). */
export function userIds(baileys: Baileys, ...jids: (string | null | undefined)[]): UserIds {
  const ids: UserIds = { pn: null, lid: null };
  for (const jid of jids) {
    if (!jid) continue;
    const normalised = baileys.jidNormalizedUser(jid);
    if (baileys.isLidUser(normalised)) ids.lid ??= normalised;
    else if (baileys.isPnUser(normalised)) ids.pn ??= normalised;
  }
  return ids;
}

function roleOf(participant: GroupParticipant): GroupRole {
  if (participant.admin === 'superadmin' || participant.isSuperAdmin) return 'superadmin';
  if (participant.admin === 'admin' || participant.isAdmin) return 'admin';
  return 'member';
}

function isoFromSeconds(seconds: number | undefined): string | null {
  return seconds ? new Date(seconds * 1000).toISOString() : null;
}

export function groupInfo(baileys: Baileys, metadata: GroupMetadata): GroupInfo {
  const owner = userIds(baileys, metadata.ownerPn, metadata.owner);
  return {
    jid: metadata.id,
    subject: metadata.subject,
    description: metadata.desc ?? null,
    owner: owner.pn ?? owner.lid,
    addressingMode: metadata.addressingMode === 'lid' ? 'lid' : 'pn',
    announce: metadata.announce ?? false,
    restrict: metadata.restrict ?? false,
    createdAt: isoFromSeconds(metadata.creation),
    participants: metadata.participants.map((participant) => ({
      ...userIds(baileys, participant.id, participant.phoneNumber, participant.lid),
      role: roleOf(participant),
    })),
  };
}

/** Who a contact is and what it is called, for the contacts module. */
export function learnedContact(baileys: Baileys, contact: Partial<Contact>): LearnedContact | null {
  const ids = userIds(baileys, contact.id, contact.phoneNumber, contact.lid);
  if (!ids.pn && !ids.lid) return null;
  const learned: LearnedContact = { ...ids };
  if (contact.notify !== undefined) learned.pushName = contact.notify || null;
  if (contact.verifiedName !== undefined) learned.verifiedName = contact.verifiedName || null;
  return learned;
}

/** The group members of its metadata whose two identities are both known: the mapping the contacts module keeps. */
export function contactsOfGroup(group: GroupInfo): LearnedContact[] {
  return group.participants.filter((member) => member.pn && member.lid).map(({ pn, lid }) => ({ pn, lid }));
}

/**
 * Whether a `groups.update` entry is a group's whole metadata (Baileys reports the groups groupFetchAllParticipating
 * read that way) rather than a change a notification told.
 */
export function isFullMetadata(update: Partial<GroupMetadata>): update is GroupMetadata {
  return typeof update.id === 'string' && Array.isArray(update.participants);
}

export function groupUpdated(
  baileys: Baileys,
  sessionId: string,
  update: Partial<GroupMetadata>,
  at: Date,
): GroupUpdated | null {
  if (!update.id) return null;
  const changes: GroupChanges = {};
  if (update.subject !== undefined) changes.subject = update.subject;
  if (update.desc !== undefined) changes.description = update.desc;
  if (update.announce !== undefined) changes.announce = update.announce;
  if (update.restrict !== undefined) changes.restrict = update.restrict;
  if (Object.keys(changes).length === 0) return null;
  const by = userIds(baileys, update.authorPn, update.author);
  return {
    sessionId,
    groupJid: update.id,
    changes,
    by: by.pn || by.lid ? by : null,
    at: at.toISOString(),
  };
}

export function groupParticipantsChanged(
  baileys: Baileys,
  sessionId: string,
  update: BaileysEventMap['group-participants.update'],
  at: Date,
): GroupParticipantsChanged | null {
  const action = update.action;
  if (!(PARTICIPANT_ACTIONS as readonly string[]).includes(action)) return null;
  const by = userIds(baileys, update.authorPn, update.author);
  return {
    sessionId,
    groupJid: update.id,
    action: action as ParticipantAction,
    participants: update.participants.map((participant) =>
      userIds(baileys, participant.id, participant.phoneNumber, participant.lid),
    ),
    by: by.pn || by.lid ? by : null,
    at: at.toISOString(),
  };
}

/** A call offer (ringing, accept, reject and the rest of a call's life are not events). */
export function callReceived(
  baileys: Baileys,
  sessionId: string,
  call: BaileysEventMap['call'][number],
): CallReceived | null {
  if (call.status !== 'offer') return null;
  return {
    sessionId,
    callId: call.id,
    from: userIds(baileys, call.callerPn, call.from),
    isVideo: call.isVideo ?? false,
    isGroup: call.isGroup ?? false,
    at: call.date.toISOString(),
    offline: call.offline,
  };
}

export function presencesUpdated(
  baileys: Baileys,
  sessionId: string,
  update: BaileysEventMap['presence.update'],
  mapping: (jid: string) => UserIds,
  at: Date,
): PresenceUpdated[] {
  const chatJid = baileys.jidNormalizedUser(update.id);
  return Object.entries(update.presences).flatMap(([participant, presence]) => {
    const state = presence.lastKnownPresence as string;
    if (!(PRESENCE_STATES as readonly string[]).includes(state)) return [];
    return [
      {
        sessionId,
        chatJid,
        from: mapping(participant),
        state: state as PresenceState,
        lastSeen: isoFromSeconds(presence.lastSeen),
        at: at.toISOString(),
      },
    ];
  });
}
