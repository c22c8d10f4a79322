// Whether a group message addresses this account, and which subscriptions want it (WAGO's mention-aware default).

export const GROUP_POLICIES = ['mentions', 'all', 'none'] as const;
export type GroupPolicy = (typeof GROUP_POLICIES)[number];

export type MentionedBy = 'pn' | 'lid' | 'reply';

/** The account's own identities; either may be unknown before the first connection told us. */
export interface AccountIdentity {
  pn: string | null;
  lid: string | null;
}

export interface AddressedMessage {
  mentionedJids: readonly string[];
  quotedSender: string | null;
}

export interface Mention {
  mentioned: boolean;
  mentionedBy: MentionedBy | null;
}

/** `user@server` without the device part, lower-cased: `15551234567:12@s.whatsapp.net` → `15551234567@s.whatsapp.net`. */
export function bareJid(jid: string): string {
  const at = jid.indexOf('@');
  if (at < 0) return jid.toLowerCase();
  const user = jid.slice(0, at).split(':')[0];
  return `${user}@${jid.slice(at + 1)}`.toLowerCase();
}

/** How the message addresses the account: a mention by phone-number JID first, then by LID, then a reply to us. */
export function mentionOf(message: AddressedMessage, account: AccountIdentity): Mention {
  const pn = account.pn ? bareJid(account.pn) : null;
  const lid = account.lid ? bareJid(account.lid) : null;
  const mentioned = new Set(message.mentionedJids.map(bareJid));
  if (pn && mentioned.has(pn)) return { mentioned: true, mentionedBy: 'pn' };
  if (lid && mentioned.has(lid)) return { mentioned: true, mentionedBy: 'lid' };
  const quoted = message.quotedSender ? bareJid(message.quotedSender) : null;
  if (quoted && (quoted === pn || quoted === lid)) return { mentioned: true, mentionedBy: 'reply' };
  return { mentioned: false, mentionedBy: null };
}

/** Direct messages always go out; group messages as the subscription's policy says. */
export function forwardsMessage(policy: GroupPolicy, chatType: 'direct' | 'group', mentioned: boolean): boolean {
  if (chatType === 'direct') return true;
  if (policy === 'all') return true;
  if (policy === 'none') return false;
  return mentioned;
}

/** What a reaction, edit or deletion in a group is about, as far as the `mentions` policy cares. */
export interface UpdateConcerns {
  /** The message it is about was sent by this account (from any device, or through the API). */
  accountsMessage: boolean;
  /** The message it is about was forwarded to this subscription. */
  forwardedHere: boolean;
}

/**
 * Reactions, edits and deletions: in direct chats always; in groups under `all`, and under `mentions` when they
 * concern this account's message or one the subscription was sent (so its receiver can make sense of them).
 */
export function forwardsUpdate(policy: GroupPolicy, chatType: 'direct' | 'group', concerns: UpdateConcerns): boolean {
  if (chatType === 'direct') return true;
  if (policy === 'all') return true;
  if (policy === 'none') return false;
  return concerns.accountsMessage || concerns.forwardedHere;
}
