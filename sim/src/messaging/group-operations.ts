// What members do to groups, from a linked device (the w:g2 IQs Baileys sends) or from a sim phone (control API):
// create, leave, join by invite link, change the subject, description and settings, add, remove, promote and demote
// members. Every change reaches every device of every member (and of whoever just left) as the w:gp2 notification
// WhatsApp sends, and is refused with WhatsApp's IQ error codes when the actor may not make it.
import { randomBytes } from 'node:crypto';
import type { Account, LinkedDevice } from '../core/accounts';
import { childNode, childNodes, childrenByTag, contentBuffer, type BinaryNode } from '../core/binary-node';
import { GROUP_SERVER } from '../core/jid';
import { IqError, type DeviceStanza, type SimCore } from '../core/sim-core';
import type { Group, GroupDirectory } from './groups';
import {
  createdChange,
  descriptionChange,
  groupNode,
  groupNotification,
  inviteChange,
  memberAddModeChange,
  participantsChange,
  participantsResult,
  settingChange,
  subjectChange,
  type Addresses,
  type Addressing,
  type MemberAddMode,
  type ParticipantAction,
} from './stanzas';

/** WhatsApp's limits: a subject of 100 characters, a description of 2,048, 1,024 members. */
export const SUBJECT_MAX = 100;
export const DESCRIPTION_MAX = 2_048;
const GROUP_SIZE_MAX = 1_024;

/**
 * How many single-group metadata queries (`<query request="interactive"/>`) one device may send per window before
 * WhatsApp answers 429 rate-overlimit. WhatsApp does not publish its budget; what is known is the symptom: a client
 * that fetches its groups one by one (Baileys without `cachedGroupMetadata`) is refused, while listing them all with
 * one `participating` IQ is not limited. 20 per 10 s lets a client look up a few groups before sending, not hundreds.
 */
export const GROUP_QUERY_LIMIT = 20;
export const GROUP_QUERY_WINDOW_MS = 10_000;

/** Per-person errors in add/remove/promote/demote answers, as WhatsApp reports them. */
const PARTICIPANT_ERROR = {
  /** Not on WhatsApp (add), or not in the group (remove, promote, demote). */
  notFound: 404,
  /** The group's creator: only it can remove or demote itself. */
  creator: 403,
  alreadyMember: 409,
  groupFull: 419,
} as const;

// The IQ-level refusals, with WhatsApp's codes and texts (whatsmeow names the same ones).
const badRequest = (): IqError => new IqError(400, 'bad-request');
/** A member who is not an admin tries what only admins may do. */
const notAuthorized = (): IqError => new IqError(401, 'not-authorized');
/** The actor is not in the group. */
const forbidden = (): IqError => new IqError(403, 'forbidden');
const itemNotFound = (): IqError => new IqError(404, 'item-not-found');
/** A subject or description too long, or an invite code that never existed. */
const notAcceptable = (): IqError => new IqError(406, 'not-acceptable');
/** A description change whose `prev` is not the current description. */
const conflict = (): IqError => new IqError(409, 'conflict');
/** An invite code an admin has reset. */
const gone = (): IqError => new IqError(410, 'gone');
const groupFull = (): IqError => new IqError(419, 'resource-limit');
const rateOverlimit = (): IqError => new IqError(429, 'rate-overlimit');

const addressesOf = (account: Account): Addresses => ({ pn: account.jid, lid: account.lid });

/** Ids for descriptions and setting versions the server makes itself (a cleared description has no client id). */
const newServerId = (): string => randomBytes(8).toString('hex').toUpperCase();

export interface CreateGroupInput {
  subject: string;
  /** The other members; the creator joins as superadmin. */
  members: Account[];
  addressing: Addressing;
  /** The id the creator's client gave its request, echoed in the `<create>` notification. */
  key?: string;
  announce?: boolean;
  locked?: boolean;
  memberAddMode?: MemberAddMode;
}

export interface DescriptionInput {
  /** The text; `null` clears the description. */
  body: string | null;
  /** The id the client gave the new description; the sim makes one when it gave none. */
  id?: string;
  /**
   * What the client believes is the current description's id (`prev`), `null` for none: a stale one is refused with
   * 409. Left out (control API), it is not checked.
   */
  expectedPrevious?: string | null;
}

/** Changes to a group's info and settings; several at once are checked together and applied in this order. */
export interface GroupChanges {
  subject?: string;
  description?: DescriptionInput;
  announce?: boolean;
  locked?: boolean;
  memberAddMode?: MemberAddMode;
}

/** Someone an add/remove/promote/demote names: the account, or none when no account has that address. */
export interface ParticipantTarget {
  requested: string;
  account: Account | undefined;
}

export interface ParticipantOutcome extends ParticipantTarget {
  /** WhatsApp's per-person error code; absent when the change worked (or had nothing to change). */
  error?: number;
}

interface GroupOperationsDeps {
  core: SimCore;
  groups: GroupDirectory;
  /** Messaging's queue: a group change and its notifications take their turn with messages being encrypted. */
  exclusive: <T>(work: () => T | Promise<T>) => Promise<T>;
}

/** Single-group metadata queries each device sent in the current window, oldest first. */
class QueryBudget {
  private readonly recent = new WeakMap<LinkedDevice, number[]>();

  /** Counts one query; false, without counting it, when the device already spent the window's budget. */
  spend(device: LinkedDevice, now: number): boolean {
    const recent = (this.recent.get(device) ?? []).filter((at) => now - at < GROUP_QUERY_WINDOW_MS);
    const allowed = recent.length < GROUP_QUERY_LIMIT;
    if (allowed) recent.push(now);
    this.recent.set(device, recent);
    return allowed;
  }
}

export class GroupOperations {
  private readonly queryBudget = new QueryBudget();

  constructor(private readonly deps: GroupOperationsDeps) {}

  /** A group by JID; unknown ones are 404 item-not-found. */
  group(jid: string): Group {
    const group = this.deps.groups.get(jid);
    if (!group) throw itemNotFound();
    return group;
  }

  // ---- the w:g2 IQs of a linked device ----

  async answerIq({ device, node }: DeviceStanza): Promise<BinaryNode[]> {
    const [request] = childNodes(node);
    if (!request) throw badRequest();
    const actor = device.account;
    const to = node.attrs.to ?? '';
    // Requests about no group in particular (create, leave, invite links, the group list) go to `@g.us`.
    const toServer = to === `@${GROUP_SERVER}`;
    if (node.attrs.type === 'get') {
      switch (request.tag) {
        case 'participating': {
          const groups = this.deps.groups.of(actor).map((group) => groupNode(group.info()));
          return [{ tag: 'groups', attrs: {}, content: groups }];
        }
        case 'query': {
          if (!this.queryBudget.spend(device, this.deps.core.clock.now())) throw rateOverlimit();
          const group = this.group(to);
          if (!group.has(actor)) throw forbidden();
          return [groupNode(group.info())];
        }
        case 'invite':
          if (toServer) return [groupNode(this.inviteInfo(request.attrs.code ?? '').info(), { participants: false })];
          return [{ tag: 'invite', attrs: { code: this.inviteCode(actor, this.group(to)) } }];
      }
    } else if (node.attrs.type === 'set') {
      switch (request.tag) {
        case 'create':
          return [groupNode((await this.create(actor, this.readCreate(request))).info())];
        case 'leave':
          return [await this.answerLeave(actor, request)];
        case 'invite':
          if (toServer) {
            const joined = await this.join(actor, request.attrs.code ?? '');
            return [{ tag: 'group', attrs: { jid: joined.jid } }];
          }
          return [{ tag: 'invite', attrs: { code: await this.resetInviteCode(actor, this.group(to)) } }];
        case 'subject':
          await this.update(actor, this.group(to), { subject: contentBuffer(request)?.toString('utf8') ?? '' });
          return [];
        case 'description':
          await this.update(actor, this.group(to), { description: readDescription(request) });
          return [];
        case 'announcement':
        case 'not_announcement':
          await this.update(actor, this.group(to), { announce: request.tag === 'announcement' });
          return [];
        case 'locked':
        case 'unlocked':
          await this.update(actor, this.group(to), { locked: request.tag === 'locked' });
          return [];
        case 'member_add_mode':
          await this.update(actor, this.group(to), { memberAddMode: readMemberAddMode(request) });
          return [];
        case 'add':
        case 'remove':
        case 'promote':
        case 'demote': {
          const group = this.group(to);
          const targets = childrenByTag(request, 'participant').map((participant) => {
            const requested = participant.attrs.jid ?? '';
            return { requested, account: this.deps.core.findAccount(requested) };
          });
          const outcomes = await this.changeParticipants(actor, group, request.tag, targets);
          return [participantsResult(request.tag, outcomes.map(resultEntry), group.addressing)];
        }
      }
    }
    throw new IqError(501, 'feature-not-implemented');
  }

  private readCreate(request: BinaryNode): CreateGroupInput {
    const members = childrenByTag(request, 'participant').flatMap((participant) => {
      // Numbers that are not on WhatsApp are left out of the new group.
      const account = participant.attrs.jid ? this.deps.core.findAccount(participant.attrs.jid) : undefined;
      return account ? [account] : [];
    });
    const addMode = childNode(request, 'member_add_mode');
    return {
      subject: request.attrs.subject ?? '',
      members,
      // WhatsApp creates LID groups today.
      addressing: 'lid',
      key: request.attrs.key,
      announce: childNode(request, 'announcement') !== undefined,
      locked: childNode(request, 'locked') !== undefined,
      memberAddMode: addMode ? readMemberAddMode(addMode) : undefined,
    };
  }

  private async answerLeave(actor: Account, request: BinaryNode): Promise<BinaryNode> {
    const ids = childrenByTag(request, 'group').map((group) => group.attrs.id ?? '');
    if (ids.length === 0) throw badRequest();
    const groups = ids.map((id) => this.group(id.includes('@') ? id : `${id}@${GROUP_SERVER}`));
    await this.leave(actor, groups);
    return { tag: 'leave', attrs: {}, content: groups.map((group) => ({ tag: 'group', attrs: { id: group.jid } })) };
  }

  // ---- what members do (linked devices and sim phones alike) ----

  create(creator: Account, input: CreateGroupInput): Promise<Group> {
    checkSubject(input.subject);
    if (new Set([creator, ...input.members]).size > GROUP_SIZE_MAX) throw notAcceptable();
    return this.deps.exclusive(() => {
      const group = this.deps.groups.create({
        subject: input.subject,
        creator,
        members: input.members,
        addressing: input.addressing,
        creation: this.now(),
      });
      group.announce = input.announce ?? false;
      group.locked = input.locked ?? false;
      group.memberAddMode = input.memberAddMode ?? group.memberAddMode;
      this.notify(group, group.members, createdChange(group.info(), 'create', input.key), creator);
      return group;
    });
  }

  /**
   * Subject and description: any member, unless the group is locked (then admins only). Settings: admins only. All
   * the changes are checked before any is made; each one is announced on its own, as separate IQs would be.
   */
  update(actor: Account, group: Group, changes: GroupChanges): Promise<void> {
    if (changes.subject !== undefined) checkSubject(changes.subject);
    const description = changes.description?.body;
    if (description !== undefined && description !== null && description.length > DESCRIPTION_MAX) {
      throw notAcceptable();
    }
    return this.deps.exclusive(() => {
      if (!group.has(actor)) throw forbidden();
      const editsInfo = changes.subject !== undefined || changes.description !== undefined;
      const editsSettings =
        changes.announce !== undefined || changes.locked !== undefined || changes.memberAddMode !== undefined;
      if (!group.isAdmin(actor) && (editsSettings || (editsInfo && group.locked))) throw notAuthorized();
      const expectedPrevious = changes.description?.expectedPrevious;
      if (expectedPrevious !== undefined && expectedPrevious !== (group.description?.id ?? null)) throw conflict();

      const now = this.now();
      const announced: BinaryNode[] = [];
      if (changes.subject !== undefined) {
        group.subject = changes.subject;
        group.subjectOwner = actor;
        group.subjectTime = now;
        announced.push(subjectChange(group.info()));
      }
      if (changes.description !== undefined) {
        const id = changes.description.id ?? newServerId();
        const body = changes.description.body ?? undefined;
        group.description = body === undefined ? undefined : { id, body, author: actor, time: now };
        announced.push(descriptionChange(id, body));
      }
      if (changes.announce !== undefined && changes.announce !== group.announce) {
        group.announce = changes.announce;
        announced.push(settingChange(group.announce ? 'announcement' : 'not_announcement', newServerId()));
      }
      if (changes.locked !== undefined && changes.locked !== group.locked) {
        group.locked = changes.locked;
        announced.push(settingChange(group.locked ? 'locked' : 'unlocked', newServerId()));
      }
      if (changes.memberAddMode !== undefined && changes.memberAddMode !== group.memberAddMode) {
        group.memberAddMode = changes.memberAddMode;
        announced.push(memberAddModeChange(group.memberAddMode));
      }
      for (const change of announced) this.notify(group, group.members, change, actor);
    });
  }

  /**
   * Admins add (any member too when the group lets all members add), remove, promote and demote. Each person gets
   * an outcome of their own; those that worked are announced together: `<add>` to the members who were there and
   * `<create>` to the newcomers, `<remove>` to the members and to the removed, `<promote>`/`<demote>` to everyone.
   */
  changeParticipants(
    actor: Account,
    group: Group,
    action: ParticipantAction,
    targets: ParticipantTarget[],
  ): Promise<ParticipantOutcome[]> {
    return this.deps.exclusive(() => {
      if (!group.has(actor)) throw forbidden();
      const membersMayAdd = action === 'add' && group.memberAddMode === 'all_member_add';
      if (!group.isAdmin(actor) && !membersMayAdd) throw notAuthorized();
      const before = group.members;
      const outcomes: ParticipantOutcome[] = [];
      const changed: Account[] = [];
      for (const target of targets) {
        const error = participantError(group, actor, action, target.account);
        outcomes.push(error === undefined ? target : { ...target, error });
        if (error !== undefined || !target.account) continue;
        if (applyParticipantChange(group, action, target.account)) changed.push(target.account);
      }
      if (changed.length === 0) return outcomes;

      const change = participantsChange(action, changed.map(addressesOf), group.addressing);
      if (action === 'add') {
        this.notify(group, before, change, actor);
        this.notify(group, changed, createdChange(group.info(), 'add'), actor);
      } else {
        this.notify(group, action === 'remove' ? before : group.members, change, actor);
      }
      if (action === 'remove') this.promoteSuccessor(group);
      return outcomes;
    });
  }

  /** Leaves each group; leaving shows as the member removing itself, which Baileys reports as a leave. */
  leave(account: Account, groups: Group[]): Promise<void> {
    return this.deps.exclusive(() => {
      if (groups.some((group) => !group.has(account))) throw forbidden();
      for (const group of groups) {
        const before = group.members;
        group.remove(account);
        this.notify(group, before, participantsChange('remove', [addressesOf(account)], group.addressing), account);
        this.promoteSuccessor(group);
      }
    });
  }

  /** Admins see the invite code, and so does every member of a group where all members may add. */
  inviteCode(actor: Account, group: Group): string {
    if (!group.has(actor)) throw forbidden();
    if (!group.isAdmin(actor) && group.memberAddMode !== 'all_member_add') throw notAuthorized();
    return this.deps.groups.inviteCode(group);
  }

  /** A new invite code (the old one answers 410 from now on), announced to the admins, who alone can share it. */
  resetInviteCode(actor: Account, group: Group): Promise<string> {
    return this.deps.exclusive(() => {
      if (!group.has(actor)) throw forbidden();
      if (!group.isAdmin(actor)) throw notAuthorized();
      const code = this.deps.groups.resetInviteCode(group);
      const admins = group.members.filter((member) => group.isAdmin(member));
      this.notify(group, admins, inviteChange(code), actor);
      return code;
    });
  }

  /** What an invite link shows before joining: the group without its member list. */
  inviteInfo(code: string): Group {
    const target = this.deps.groups.byInviteCode(code);
    if (target === 'revoked') throw gone();
    if (!target) throw notAcceptable();
    return target.group;
  }

  /**
   * Joins by invite code: the members get `<add reason="invite">` naming the newcomer as actor, the newcomer's
   * devices `<create reason="invite">`. A member joining again changes nothing.
   */
  join(account: Account, code: string): Promise<Group> {
    return this.deps.exclusive(() => {
      const group = this.inviteInfo(code);
      if (group.has(account)) return group;
      if (group.size >= GROUP_SIZE_MAX) throw groupFull();
      const before = group.members;
      group.admit(account);
      this.notify(
        group,
        before,
        participantsChange('add', [addressesOf(account)], group.addressing, 'invite'),
        account,
      );
      this.notify(group, [account], createdChange(group.info(), 'invite'), account);
      return group;
    });
  }

  // ---- notifications ----

  /** A group never stays without an admin: when the last one left, WhatsApp promotes the longest-standing member. */
  private promoteSuccessor(group: Group): void {
    const { members } = group;
    if (members.length === 0 || members.some((member) => group.isAdmin(member))) return;
    const successor = members[0];
    group.admit(successor, 'admin');
    this.notify(group, members, participantsChange('promote', [addressesOf(successor)], group.addressing));
  }

  private notify(group: Group, recipients: Account[], change: BinaryNode, actor?: Account): void {
    const node = groupNotification({
      groupJid: group.jid,
      addressing: group.addressing,
      id: this.deps.core.nextStanzaId(),
      t: this.now(),
      actor: actor && addressesOf(actor),
      change,
    });
    for (const account of recipients) {
      for (const device of account.devices.values()) this.deps.core.sendNode(device, node);
    }
  }

  private now(): number {
    return Math.floor(this.deps.core.clock.now() / 1000);
  }
}

function checkSubject(subject: string): void {
  if (subject.trim() === '') throw badRequest();
  if (subject.length > SUBJECT_MAX) throw notAcceptable();
}

/** Why a change cannot be made for one person, as WhatsApp's per-person error code; undefined when it can. */
function participantError(
  group: Group,
  actor: Account,
  action: ParticipantAction,
  account: Account | undefined,
): number | undefined {
  if (!account) return PARTICIPANT_ERROR.notFound;
  if (action === 'add') {
    if (group.has(account)) return PARTICIPANT_ERROR.alreadyMember;
    return group.size >= GROUP_SIZE_MAX ? PARTICIPANT_ERROR.groupFull : undefined;
  }
  if (!group.has(account)) return PARTICIPANT_ERROR.notFound;
  const againstCreator = action === 'remove' || action === 'demote';
  if (againstCreator && group.roleOf(account) === 'superadmin' && account !== actor) return PARTICIPANT_ERROR.creator;
  return undefined;
}

/** Makes the change; false when there was nothing to change (promoting an admin, demoting a plain member). */
function applyParticipantChange(group: Group, action: ParticipantAction, account: Account): boolean {
  switch (action) {
    case 'add':
      group.admit(account);
      return true;
    case 'remove':
      group.remove(account);
      return true;
    case 'promote':
      if (group.isAdmin(account)) return false;
      group.admit(account, 'admin');
      return true;
    case 'demote':
      if (!group.isAdmin(account)) return false;
      group.admit(account);
      return true;
  }
}

function resultEntry(outcome: ParticipantOutcome): Parameters<typeof participantsResult>[1][number] {
  const participant = outcome.account ? addressesOf(outcome.account) : { jid: outcome.requested };
  return outcome.error === undefined ? { participant } : { participant, error: outcome.error };
}

/** `<description id prev><body>…</body></description>`, or `delete="true"` without a body to clear it. */
function readDescription(request: BinaryNode): DescriptionInput {
  const expectedPrevious = request.attrs.prev ?? null;
  if (request.attrs.delete === 'true') return { body: null, id: request.attrs.id, expectedPrevious };
  const body = contentBuffer(childNode(request, 'body'))?.toString('utf8');
  if (body === undefined) throw badRequest();
  return { body, id: request.attrs.id, expectedPrevious };
}

function readMemberAddMode(node: BinaryNode | undefined): MemberAddMode {
  const mode = contentBuffer(node)?.toString('utf8');
  if (mode !== 'admin_add' && mode !== 'all_member_add') throw badRequest();
  return mode;
}
