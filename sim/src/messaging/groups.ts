// The groups the sim's accounts are in: who is a member, and whether the group addresses members by PN or by LID.
import { randomInt } from 'node:crypto';
import type { Account } from '../core/accounts';
import type { Addressing, GroupInfo } from './stanzas';

export class Group {
  constructor(
    readonly jid: string,
    readonly subject: string,
    readonly addressing: Addressing,
    /** The first member: the creator and only superadmin. */
    readonly members: readonly Account[],
    /** Unix seconds. */
    readonly creation: number,
  ) {}

  get creator(): Account {
    return this.members[0];
  }

  has(account: Account): boolean {
    return this.members.includes(account);
  }

  /** How a member is addressed in this group: its LID in a LID group, its PN otherwise. */
  addressOf(account: Account): string {
    return this.addressing === 'lid' ? account.lid : account.jid;
  }

  info(): GroupInfo {
    const addresses = (account: Account) => ({ pn: account.jid, lid: account.lid });
    return {
      jid: this.jid,
      subject: this.subject,
      addressing: this.addressing,
      creator: addresses(this.creator),
      creation: this.creation,
      participants: this.members.map((member) => ({
        ...addresses(member),
        ...(member === this.creator ? { admin: 'superadmin' as const } : {}),
      })),
    };
  }
}

export class GroupDirectory {
  private readonly groups = new Map<string, Group>();

  create(subject: string, members: Account[], addressing: Addressing, creation: number): Group {
    const group = new Group(this.newJid(), subject, addressing, [...new Set(members)], creation);
    this.groups.set(group.jid, group);
    return group;
  }

  get(jid: string): Group | undefined {
    return this.groups.get(jid);
  }

  of(account: Account): Group[] {
    return [...this.groups.values()].filter((group) => group.has(account));
  }

  /** Group ids as WhatsApp issues them today: `120363` and twelve more digits. */
  private newJid(): string {
    for (;;) {
      const jid = `120363${String(randomInt(0, 1e6)).padStart(6, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}@g.us`;
      if (!this.groups.has(jid)) return jid;
    }
  }
}
