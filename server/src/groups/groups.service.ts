import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { BadRequestError } from '../core/errors/domain-errors';
import type { Page } from '../core/http/pagination';
import { Clock } from '../core/runtime/clock';
import { KeyedSerialQueue } from '../core/runtime/keyed-serial-queue';
import { TaskTracker } from '../core/runtime/task-tracker';
import { userJid } from '../messages/recipient';
import { SessionConnections } from '../sessions/session-connections';
import type { SessionEntity } from '../sessions/session.entity';
import { SessionsRepository } from '../sessions/sessions.repository';
import { SessionsService } from '../sessions/sessions.service';
import { GroupParticipantsChanged, GroupUpdated, GroupsSeen, WhatsAppEvents } from '../whatsapp/events';
import {
  PARTICIPANT_ACTIONS,
  type GroupChanges,
  type GroupInfo,
  type ParticipantAction,
  type ParticipantChangeResult,
  type UserIds,
} from '../whatsapp/whatsapp.provider';
import { needsSync, samePerson, withChanges, withParticipantsChanged } from './group-cache';
import { GroupListQuery, GroupsRepository, GroupStore, GroupSummary } from './groups.repository';
import { inviteCodeOf, inviteUrl } from './invite-link';

/**
 * How long a session's group list is served from the cache before it is read again in full (one query). The group
 * notifications keep it true meanwhile; this only bounds what a missed notification (WhatsApp keeps them 30 days
 * for a device that is away) can leave wrong.
 */
export const GROUPS_FRESH_MS = 60 * 60 * 1000;

export type ParticipantsChange = Partial<Record<ParticipantAction, string[]>>;

export interface GroupInvite {
  code: string;
  url: string;
}

/** Who the session is, to recognise it among a group's members. */
function accountOf(session: Pick<SessionEntity, 'jid' | 'lid'>): UserIds {
  return { pn: session.jid, lid: session.lid };
}

function participantJids(participants: string[]): string[] {
  return participants.map((participant) => {
    const jid = userJid(participant);
    if (!jid) throw new BadRequestError(`Not a phone number, PN JID or LID: ${participant}`);
    return jid;
  });
}

/**
 * The groups of a session: served from a cache that one `participating` query fills (WhatsApp rate-limits asking
 * per group, a known cause of bans) and the group notifications keep true, and the operations an admin runs on them.
 * Every write to a session's cache runs in its turn on one queue, so a notification never interleaves with a refresh.
 */
@Injectable()
export class GroupsService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(GroupsService.name);
  private readonly writes = new KeyedSerialQueue();
  /** A running full refresh per session, shared by the requests that need it meanwhile. */
  private readonly syncs = new Map<string, Promise<void>>();
  private readonly pending: TaskTracker;
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    @Inject(SessionsService) private readonly sessions: Pick<SessionsService, 'get'>,
    @Inject(SessionsRepository) private readonly sessionRows: Pick<SessionsRepository, 'findById'>,
    private readonly connections: SessionConnections,
    @Inject(GroupsRepository) private readonly groups: GroupStore,
    private readonly events: WhatsAppEvents,
    private readonly clock: Clock,
  ) {
    this.pending = new TaskTracker(clock);
  }

  onModuleInit(): void {
    this.unsubscribes.push(
      this.events.on('groups.seen', (seen) => this.track(this.groupsSeen(seen))),
      this.events.on('group.updated', (update) => this.track(this.groupUpdated(update))),
      this.events.on('group.participants', (change) => this.track(this.participantsChanged(change))),
    );
  }

  /** Notifications already received are applied before the database goes away. */
  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
    await this.pending.idle();
  }

  async list(user: AuthUser, sessionId: string, query: GroupListQuery): Promise<Page<GroupSummary>> {
    const session = await this.sessions.get(user, sessionId);
    await this.syncIfStale(session);
    return this.groups.list(session.id, query);
  }

  /** From the cache; a group not in it (yet) is asked of WhatsApp once (403/404 when the account is not in it). */
  async get(user: AuthUser, sessionId: string, groupJid: string): Promise<GroupInfo> {
    const session = await this.sessions.get(user, sessionId);
    await this.syncIfStale(session);
    return (await this.groups.find(session.id, groupJid)) ?? this.describe(session, groupJid);
  }

  async create(user: AuthUser, sessionId: string, subject: string, participants: string[]): Promise<GroupInfo> {
    const session = await this.sessions.get(user, sessionId);
    const group = await this.connections.call(session, 'createGroup', subject.trim(), participantJids(participants));
    await this.writes.run(session.id, () => this.groups.save(session.id, [group], this.clock.now()));
    return group;
  }

  async update(user: AuthUser, sessionId: string, groupJid: string, changes: GroupChanges): Promise<GroupInfo> {
    if (Object.values(changes).every((value) => value === undefined)) {
      throw new BadRequestError('Give at least one of subject, description, announce, restrict');
    }
    const session = await this.sessions.get(user, sessionId);
    const wanted = { ...changes, ...(changes.subject !== undefined ? { subject: changes.subject.trim() } : {}) };
    await this.connections.call(session, 'updateGroup', groupJid, wanted);
    const updated = await this.applyToCache(session.id, groupJid, (group) => withChanges(group, wanted));
    return updated ?? this.describe(session, groupJid);
  }

  /** WhatsApp answers for each person; the cache takes the changes it made. */
  async changeParticipants(
    user: AuthUser,
    sessionId: string,
    groupJid: string,
    change: ParticipantsChange,
  ): Promise<ParticipantChangeResult[]> {
    const asked = PARTICIPANT_ACTIONS.filter((action) => change[action] !== undefined);
    if (asked.length !== 1) throw new BadRequestError('Give exactly one of add, remove, promote, demote');
    const [action] = asked;
    const session = await this.sessions.get(user, sessionId);
    const jids = participantJids(change[action] ?? []);
    const results = await this.connections.call(session, 'updateGroupParticipants', groupJid, action, jids);
    const done = results.filter((result) => result.status === 200).map(({ pn, lid }) => ({ pn, lid }));
    if (done.length > 0) {
      await this.applyToCache(session.id, groupJid, (group) =>
        withParticipantsChanged(group, action, done, accountOf(session)),
      );
    }
    return results;
  }

  /** `revoke`: a new link, the old one stops working. */
  async invite(user: AuthUser, sessionId: string, groupJid: string, revoke: boolean): Promise<GroupInvite> {
    const session = await this.sessions.get(user, sessionId);
    const code = await this.connections.call(session, 'groupInviteCode', groupJid, revoke);
    return { code, url: inviteUrl(code) };
  }

  async join(user: AuthUser, sessionId: string, invite: string): Promise<GroupInfo> {
    const code = inviteCodeOf(invite);
    if (!code) throw new BadRequestError('invite must be an invite link (https://chat.whatsapp.com/…) or code');
    const session = await this.sessions.get(user, sessionId);
    const groupJid = await this.connections.call(session, 'joinGroup', code);
    return (await this.groups.find(session.id, groupJid)) ?? this.describe(session, groupJid);
  }

  async leave(user: AuthUser, sessionId: string, groupJid: string): Promise<void> {
    const session = await this.sessions.get(user, sessionId);
    await this.connections.call(session, 'leaveGroup', groupJid);
    await this.writes.run(session.id, () => this.groups.delete(session.id, groupJid));
  }

  /** Groups WhatsApp described in full (created, joined, added to): kept as described. */
  async groupsSeen(seen: GroupsSeen): Promise<void> {
    await this.writes.run(seen.sessionId, () => this.groups.save(seen.sessionId, seen.groups, this.clock.now()));
  }

  async groupUpdated(update: GroupUpdated): Promise<void> {
    await this.applyToCache(update.sessionId, update.groupJid, (group) => withChanges(group, update.changes));
  }

  /** Applied to the cached group; the account's own removal (or leave) drops the group. */
  async participantsChanged(change: GroupParticipantsChanged): Promise<void> {
    const session = await this.sessionRows.findById(change.sessionId);
    if (!session) return;
    const account = accountOf(session);
    // Added itself: WhatsApp describes the whole group to it too (groups.seen), which the cache keeps.
    const joined = change.action === 'add' && change.participants.some((ids) => samePerson(ids, account));
    await this.applyToCache(
      change.sessionId,
      change.groupJid,
      (group) => withParticipantsChanged(group, change.action, change.participants, account),
      { forgetWhenMissing: !joined },
    );
  }

  /**
   * Changes the cached group in the session's turn; answers it changed, or null when it is gone or was not kept. A
   * change to a group not kept means the cache missed something: the next list reads the groups again.
   */
  private applyToCache(
    sessionId: string,
    groupJid: string,
    change: (group: GroupInfo) => GroupInfo | null,
    options: { forgetWhenMissing: boolean } = { forgetWhenMissing: true },
  ): Promise<GroupInfo | null> {
    return this.writes.run(sessionId, async () => {
      const cached = await this.groups.find(sessionId, groupJid);
      if (!cached) {
        if (options.forgetWhenMissing) await this.groups.forgetSync(sessionId);
        return null;
      }
      const changed = change(cached);
      if (changed) await this.groups.save(sessionId, [changed], this.clock.now());
      else await this.groups.delete(sessionId, groupJid);
      return changed;
    });
  }

  /** One group asked of WhatsApp (rate-limited there), kept for the next time. */
  private async describe(session: SessionEntity, groupJid: string): Promise<GroupInfo> {
    const group = await this.connections.call(session, 'group', groupJid);
    await this.writes.run(session.id, () => this.groups.save(session.id, [group], this.clock.now()));
    return group;
  }

  /**
   * Reads the session's groups in full when the cache was never filled or is older than GROUPS_FRESH_MS. A session
   * that is not connected is served what was known; one never read answers 409 (SessionNotConnected).
   */
  private async syncIfStale(session: SessionEntity): Promise<void> {
    const syncedAt = await this.groups.syncedAt(session.id);
    if (!needsSync(syncedAt, this.clock.now(), GROUPS_FRESH_MS)) return;
    if (syncedAt && session.status !== 'connected') return;
    let sync = this.syncs.get(session.id);
    if (!sync) {
      sync = this.writes
        .run(session.id, async () => {
          const groups = await this.connections.call(session, 'groups');
          await this.groups.replaceAll(session.id, groups, this.clock.now());
        })
        .finally(() => this.syncs.delete(session.id));
      this.syncs.set(session.id, sync);
    }
    await sync;
  }

  /** Owns a notification's cache write until shutdown; a failure is logged (the bus has nobody to report it to). */
  private track(task: Promise<void>): Promise<void> {
    return this.pending.track(
      task.catch((error: unknown) => {
        this.logger.error({ err: error }, 'A group notification could not be applied to the group cache');
      }),
    );
  }
}
