// What the sim remembers of conversations: each account's inbox of messages linked devices sent it, and recent
// messages by id so a later message can quote them. Both are bounded: a long demo must not grow without end.
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { Account } from '../core/accounts';
import type { ReadContent } from './message-content';

/**
 * A message a sim account received from a linked device, decrypted (`GET /control/accounts/:phone/inbox`): `type`,
 * `text` (a caption for media), `mentions` (JIDs exactly as the sender wrote them), `quotedId`, and by type `media`,
 * `location`, `contact`, `reaction`, `edit` or `revoke`.
 */
export interface InboxMessage extends ReadContent {
  id: string;
  /** The group JID, or the sender's PN JID for a 1:1 chat. */
  chat: string;
  /** The sender's PN JID. */
  from: string;
  /** ISO 8601, when the sim received it. */
  at: string;
}

export interface RememberedMessage {
  id: string;
  author: Account;
  /** What a reply quotes. */
  message: proto.IMessage;
}

const INBOX_LIMIT = 1_000;
const REMEMBERED_LIMIT = 10_000;

export class History {
  private readonly inboxes = new Map<Account, InboxMessage[]>();
  private readonly remembered = new Map<string, RememberedMessage>();

  /**
   * A message with an id the inbox already holds from the same sender in the same chat is a resend of it (a client
   * that lost track of whether its send went through sends it again under the same id): a phone shows it once.
   */
  deliver(account: Account, message: InboxMessage): void {
    const inbox = this.inboxes.get(account) ?? [];
    const resend = inbox.some(
      (held) => held.id === message.id && held.from === message.from && held.chat === message.chat,
    );
    if (resend) return;
    inbox.push(message);
    if (inbox.length > INBOX_LIMIT) inbox.shift();
    this.inboxes.set(account, inbox);
  }

  inbox(account: Account): InboxMessage[] {
    return [...(this.inboxes.get(account) ?? [])];
  }

  remember(message: RememberedMessage): void {
    this.remembered.set(message.id, message);
    // A Map iterates in insertion order, so the first key is the oldest.
    if (this.remembered.size > REMEMBERED_LIMIT) this.remembered.delete(this.remembered.keys().next().value as string);
  }

  find(id: string): RememberedMessage | undefined {
    return this.remembered.get(id);
  }
}
