// The groups the sim's accounts are in: members and their admin roles, the subject, description and settings
// WhatsApp keeps for a group, and the invite links that lead into it.
import { randomInt } from 'node:crypto';
import type { Account } from '../core/accounts';
import type { Addresses, Addressing, GroupInfo, GroupRole, MemberAddMode } from './stanzas';

export interface GroupDescription {
  /** The id the author's client gave it; the next change names it as `prev`. */
  id: string;
  body: string;
  author: Account;
  /** Unix seconds. */
  time: number;
}

const addressesOf = (account: Account): Addresses => ({ pn: account.jid, lid: account.lid });

export class Group {
  subjectOwner: Account;
  /** Unix seconds. */
  subjectTime: number;
  description: GroupDescription | undefined;
  /** Only admins send messages (Baileys' `announce`). */
  announce = false;
  /** Only admins edit the subject and description (Baileys' `restrict`). */
  locked = false;
  /** Who may add members: WhatsApp's default for a new group is admins only. */
  memberAddMode: MemberAddMode = 'admin_add';
  /** Members in the order they joined, with their admin role if they have one. */
  private readonly roles = new Map<Account, GroupRole | undefined>();

  constructor(
    readonly jid: string,
    public subject: string,
    readonly addressing: Addressing,
    /** Named as the creator for the group's whole life, even once it has left. */
    readonly creator: Account,
    /** Unix seconds. */
    readonly creation: number,
  ) {
    this.subjectOwner = creator;
    this.subjectTime = creation;
  }

  get members(): Account[] {
    return [...this.roles.keys()];
  }

  get size(): number {
    return this.roles.size;
  }

  has(account: Account): boolean {
    return this.roles.has(account);
  }

  roleOf(account: Account): GroupRole | undefined {
    return this.roles.get(account);
  }

  isAdmin(account: Account): boolean {
    return this.roles.get(account) !== undefined;
  }

  /** Adds a member, or changes the role of one already in. */
  admit(account: Account, role?: GroupRole): void {
    this.roles.set(account, role);
  }

  remove(account: Account): void {
    this.roles.delete(account);
  }

  /** How a member is addressed in this group: its LID in a LID group, its PN otherwise. */
  addressOf(account: Account): string {
    return this.addressing === 'lid' ? account.lid : account.jid;
  }

  info(): GroupInfo {
    return {
      jid: this.jid,
      subject: this.subject,
      subjectOwner: addressesOf(this.subjectOwner),
      subjectTime: this.subjectTime,
      description: this.description && {
        id: this.description.id,
        body: this.description.body,
        author: addressesOf(this.description.author),
        time: this.description.time,
      },
      addressing: this.addressing,
      creator: addressesOf(this.creator),
      creation: this.creation,
      announce: this.announce,
      locked: this.locked,
      memberAddMode: this.memberAddMode,
      participants: [...this.roles].map(([member, role]) => ({
        ...addressesOf(member),
        ...(role ? { admin: role } : {}),
      })),
    };
  }
}

/** What an invite code leads to: its group, or nothing any more because an admin reset the link. */
export type InviteTarget = { group: Group } | 'revoked' | undefined;

const INVITE_CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** WhatsApp's invite codes (the tail of `https://chat.whatsapp.com/<code>`) are 22 letters and digits. */
const INVITE_CODE_LENGTH = 22;

export class GroupDirectory {
  private readonly groups = new Map<string, Group>();
  private readonly inviteCodes = new Map<string, Group>();
  /** Codes an admin reset: joining with one is refused as `gone`, not as an unknown code. */
  private readonly revokedCodes = new Set<string>();
  private readonly currentCodes = new Map<Group, string>();

  /** The creator becomes the group's superadmin; the other members join as plain members. */
  create(input: {
    subject: string;
    creator: Account;
    members: Account[];
    addressing: Addressing;
    creation: number;
  }): Group {
    const group = new Group(this.newJid(), input.subject, input.addressing, input.creator, input.creation);
    group.admit(input.creator, 'superadmin');
    for (const member of input.members) if (!group.has(member)) group.admit(member);
    this.groups.set(group.jid, group);
    return group;
  }

  get(jid: string): Group | undefined {
    return this.groups.get(jid);
  }

  of(account: Account): Group[] {
    return [...this.groups.values()].filter((group) => group.has(account));
  }

  /** The group's invite code, made on first request as WhatsApp does. */
  inviteCode(group: Group): string {
    return this.currentCodes.get(group) ?? this.resetInviteCode(group);
  }

  /** A new code for the group; the old one stops working. */
  resetInviteCode(group: Group): string {
    const previous = this.currentCodes.get(group);
    if (previous) {
      this.inviteCodes.delete(previous);
      this.revokedCodes.add(previous);
    }
    const code = this.newInviteCode();
    this.inviteCodes.set(code, group);
    this.currentCodes.set(group, code);
    return code;
  }

  byInviteCode(code: string): InviteTarget {
    const group = this.inviteCodes.get(code);
    if (group) return { group };
    return this.revokedCodes.has(code) ? 'revoked' : undefined;
  }

  /** Group ids as WhatsApp issues them today: `120363` and twelve more digits. */
  private newJid(): string {
    for (;;) {
      const jid = `120363${String(randomInt(0, 1e6)).padStart(6, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}@g.us`;
      if (!this.groups.has(jid)) return jid;
    }
  }

  private newInviteCode(): string {
    for (;;) {
      const code = Array.from(
        { length: INVITE_CODE_LENGTH },
        () => INVITE_CODE_ALPHABET[randomInt(INVITE_CODE_ALPHABET.length)],
      ).join('');
      if (!this.inviteCodes.has(code) && !this.revokedCodes.has(code)) return code;
    }
  }
}
