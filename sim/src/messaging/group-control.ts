// Groups in the control API: a sim phone creates a group, changes it, manages its members, shares, resets or uses an
// invite link, or leaves, under the same rules and with the same notifications as a linked device's w:g2 IQs.
import { badRequest, ControlError, notFound } from '../control/control-error';
import type { ControlRoute } from '../control/router';
import {
  optionalBoolean,
  optionalString,
  parsePhoneNumber,
  rejectUnknownFields,
  requireObject,
  requireOneOf,
  requireString,
  type JsonObject,
} from '../control/validation';
import type { Account } from '../core/accounts';
import { GROUP_SERVER, normalizePhoneNumber } from '../core/jid';
import { IqError, type SimCore } from '../core/sim-core';
import { optionalAddressing, phoneNumberList } from './control-routes';
import { DESCRIPTION_MAX, SUBJECT_MAX, type GroupChanges, type GroupOperations } from './group-operations';
import type { Group } from './groups';
import type { Addressing, GroupRole, MemberAddMode, ParticipantAction } from './stanzas';

export interface CreateGroupRequest {
  subject: string;
  /** Phone numbers of sim accounts; the first one creates the group. */
  participants: string[];
  addressingMode: Addressing;
}

/** What a member changes; `description: null` (or `""`) clears it. `restrict` is WhatsApp's lock on group info. */
export interface UpdateGroupRequest {
  /** The phone number of the member making the change. */
  by: string;
  subject?: string;
  description?: string | null;
  announce?: boolean;
  restrict?: boolean;
  memberAddMode?: MemberAddMode;
}

/** Exactly one action, naming phone numbers. */
export type GroupParticipantsRequest = { by: string } & Partial<Record<ParticipantAction, string[]>>;

export interface ParsedParticipantsRequest {
  by: string;
  action: ParticipantAction;
  participants: string[];
}

/** One person of a participants request: `status` 200, or WhatsApp's per-person error code (404, 403, 409, 419). */
export interface ParticipantResult {
  phoneNumber: string;
  status: number;
}

export interface GroupView {
  jid: string;
  subject: string;
  description: string | null;
  addressingMode: Addressing;
  /** The creator's phone number. */
  creator: string;
  /** ISO 8601. */
  createdAt: string;
  announce: boolean;
  restrict: boolean;
  memberAddMode: MemberAddMode;
  participants: { phoneNumber: string; jid: string; lid: string; admin: GroupRole | null }[];
}

const PARTICIPANT_ACTIONS: readonly ParticipantAction[] = ['add', 'remove', 'promote', 'demote'];
const MEMBER_ADD_MODES: readonly MemberAddMode[] = ['admin_add', 'all_member_add'];
const INVITE_CODE_MAX = 64;

/**
 * WhatsApp's refusal as an HTTP status: a member who is not an admin (401 not-authorized) is forbidden here, a text
 * too long (406) is a bad request, a full group (419) a conflict; the others keep their code.
 */
const HTTP_STATUS_OF_IQ_ERROR: Partial<Record<number, number>> = { 401: 403, 406: 400, 419: 409 };

/** Checks a group request from HTTP or the in-process handle alike; `addressingMode` defaults to WhatsApp's `lid`. */
export function parseCreateGroup(body: unknown): CreateGroupRequest {
  const object = requireObject(body);
  rejectUnknownFields(object, ['subject', 'participants', 'addressingMode']);
  return {
    subject: requireString(object, 'subject', { maxLength: SUBJECT_MAX }),
    participants: phoneNumberList(object, 'participants', { required: true }) ?? [],
    addressingMode: optionalAddressing(object, 'addressingMode') ?? 'lid',
  };
}

export function parseUpdateGroup(body: unknown): UpdateGroupRequest {
  const object = requireObject(body);
  const changes = ['subject', 'description', 'announce', 'restrict', 'memberAddMode'];
  rejectUnknownFields(object, ['by', ...changes]);
  if (changes.every((field) => object[field] === undefined))
    throw badRequest(`give at least one of: ${changes.join(', ')}`);
  return {
    by: parsePhoneNumber(object.by, 'by'),
    subject: optionalString(object, 'subject', { maxLength: SUBJECT_MAX }),
    description: optionalDescription(object),
    announce: optionalBoolean(object, 'announce'),
    restrict: optionalBoolean(object, 'restrict'),
    memberAddMode:
      object.memberAddMode === undefined ? undefined : requireOneOf(object, 'memberAddMode', MEMBER_ADD_MODES),
  };
}

function optionalDescription(object: JsonObject): string | null | undefined {
  const value = object.description;
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || value.length > DESCRIPTION_MAX) {
    throw badRequest(`description must be a string of at most ${DESCRIPTION_MAX} characters, or null to clear it`);
  }
  return value;
}

export function parseParticipantsRequest(body: unknown): ParsedParticipantsRequest {
  const object = requireObject(body);
  rejectUnknownFields(object, ['by', ...PARTICIPANT_ACTIONS]);
  const given = PARTICIPANT_ACTIONS.filter((action) => object[action] !== undefined);
  if (given.length !== 1) throw badRequest(`give exactly one of: ${PARTICIPANT_ACTIONS.join(', ')}`);
  const [action] = given;
  return {
    by: parsePhoneNumber(object.by, 'by'),
    action,
    participants: phoneNumberList(object, action, { required: true }) ?? [],
  };
}

/** `{by}`: the member leaving. */
export function parseLeaveGroup(body: unknown): { by: string } {
  const object = requireObject(body);
  rejectUnknownFields(object, ['by']);
  return { by: parsePhoneNumber(object.by, 'by') };
}

/** `{by, reset?}`: the member asking for the invite code; `reset` revokes the current one first. */
export function parseInviteCodeRequest(body: unknown): { by: string; reset?: boolean } {
  const object = requireObject(body);
  rejectUnknownFields(object, ['by', 'reset']);
  return { by: parsePhoneNumber(object.by, 'by'), reset: optionalBoolean(object, 'reset') };
}

/** `{by, code}`: who joins, with which invite code. */
export function parseJoinGroup(body: unknown): { by: string; code: string } {
  const object = requireObject(body);
  rejectUnknownFields(object, ['by', 'code']);
  return {
    by: parsePhoneNumber(object.by, 'by'),
    code: requireString(object, 'code', { maxLength: INVITE_CODE_MAX }).trim(),
  };
}

/** A group JID from a path or body: `120363…@g.us`, or its digits alone. */
function parseGroupJid(value: string): string {
  const jid = value.includes('@') ? value : `${value}@${GROUP_SERVER}`;
  if (!/^\d{6,30}@g\.us$/.test(jid)) throw badRequest(`${value} is not a group JID`);
  return jid;
}

/** What sim phones do to groups, by phone number, failing with ControlError. */
export class GroupControl {
  constructor(
    private readonly core: SimCore,
    private readonly operations: GroupOperations,
  ) {}

  /** The first participant creates the group and becomes its superadmin. */
  async createGroup(request: CreateGroupRequest): Promise<{ jid: string }> {
    const [creator, ...members] = request.participants.map((phoneNumber) => this.account(phoneNumber));
    const group = await refusedAsControlError(() =>
      this.operations.create(creator, { subject: request.subject, members, addressing: request.addressingMode }),
    );
    return { jid: group.jid };
  }

  view(jid: string): GroupView {
    return viewOf(this.group(jid));
  }

  async update(jid: string, request: UpdateGroupRequest): Promise<GroupView> {
    const group = this.group(jid);
    const changes: GroupChanges = {
      subject: request.subject,
      description:
        request.description === undefined
          ? undefined
          : { body: request.description === '' ? null : request.description },
      announce: request.announce,
      locked: request.restrict,
      memberAddMode: request.memberAddMode,
    };
    await refusedAsControlError(() => this.operations.update(this.account(request.by), group, changes));
    return viewOf(group);
  }

  async changeParticipants(
    jid: string,
    request: ParsedParticipantsRequest,
  ): Promise<{ participants: ParticipantResult[] }> {
    const group = this.group(jid);
    const targets = request.participants.map((phoneNumber) => ({
      requested: phoneNumber,
      account: this.core.accounts.byPhone(phoneNumber),
    }));
    const outcomes = await refusedAsControlError(() =>
      this.operations.changeParticipants(this.account(request.by), group, request.action, targets),
    );
    return {
      participants: outcomes.map((outcome) => ({ phoneNumber: outcome.requested, status: outcome.error ?? 200 })),
    };
  }

  async leave(jid: string, request: { by: string }): Promise<void> {
    const group = this.group(jid);
    await refusedAsControlError(() => this.operations.leave(this.account(request.by), [group]));
  }

  async inviteCode(jid: string, request: { by: string; reset?: boolean }): Promise<{ code: string }> {
    const group = this.group(jid);
    const actor = this.account(request.by);
    const code = await refusedAsControlError(async () =>
      request.reset ? this.operations.resetInviteCode(actor, group) : this.operations.inviteCode(actor, group),
    );
    return { code };
  }

  async join(request: { by: string; code: string }): Promise<{ jid: string }> {
    const group = await refusedAsControlError(() => this.operations.join(this.account(request.by), request.code));
    return { jid: group.jid };
  }

  private group(jid: string): Group {
    try {
      return this.operations.group(parseGroupJid(jid));
    } catch (error) {
      if (error instanceof IqError) throw notFound(`no group ${jid}`);
      throw error;
    }
  }

  private account(phoneNumber: string): Account {
    const normalized = normalizePhoneNumber(phoneNumber);
    const account = normalized ? this.core.accounts.byPhone(normalized) : undefined;
    if (!account) throw notFound(`no account ${phoneNumber}`);
    return account;
  }
}

async function refusedAsControlError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof IqError)) throw error;
    throw new ControlError(HTTP_STATUS_OF_IQ_ERROR[error.code] ?? error.code, `WhatsApp refused: ${error.message}`);
  }
}

function viewOf(group: Group): GroupView {
  return {
    jid: group.jid,
    subject: group.subject,
    description: group.description?.body ?? null,
    addressingMode: group.addressing,
    creator: group.creator.phoneNumber,
    createdAt: new Date(group.creation * 1000).toISOString(),
    announce: group.announce,
    restrict: group.locked,
    memberAddMode: group.memberAddMode,
    participants: group.members.map((member) => ({
      phoneNumber: member.phoneNumber,
      jid: member.jid,
      lid: member.lid,
      admin: group.roleOf(member) ?? null,
    })),
  };
}

export function groupRoutes(control: GroupControl): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/control/groups',
      handle: async ({ body }) => ({ status: 201, body: await control.createGroup(parseCreateGroup(body)) }),
    },
    {
      method: 'POST',
      path: '/control/groups/join',
      handle: async ({ body }) => ({ status: 200, body: await control.join(parseJoinGroup(body)) }),
    },
    {
      method: 'GET',
      path: '/control/groups/:jid',
      handle: ({ params }) => ({ status: 200, body: control.view(params.jid) }),
    },
    {
      method: 'PATCH',
      path: '/control/groups/:jid',
      handle: async ({ params, body }) => ({
        status: 200,
        body: await control.update(params.jid, parseUpdateGroup(body)),
      }),
    },
    {
      method: 'POST',
      path: '/control/groups/:jid/participants',
      handle: async ({ params, body }) => ({
        status: 200,
        body: await control.changeParticipants(params.jid, parseParticipantsRequest(body)),
      }),
    },
    {
      method: 'POST',
      path: '/control/groups/:jid/invite',
      handle: async ({ params, body }) => ({
        status: 200,
        body: await control.inviteCode(params.jid, parseInviteCodeRequest(body)),
      }),
    },
    {
      method: 'POST',
      path: '/control/groups/:jid/leave',
      handle: async ({ params, body }) => {
        await control.leave(params.jid, parseLeaveGroup(body));
        return { status: 204 };
      },
    },
  ];
}
