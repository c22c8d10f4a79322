// What `to` and `mentions` may be: a phone number, a PN JID, a LID or (for `to`) a group JID, normalised to a JID.
import { randomBytes } from 'node:crypto';
import { BadRequestError } from '../core/errors/domain-errors';

/**
 * The forms `parseRecipient` takes, for the OpenAPI document: a phone number, a PN JID, a LID or a group JID (the
 * parser also tolerates spaces, brackets and dashes inside a phone number).
 */
export const RECIPIENT_PATTERN =
  '^(\\+?\\d{6,15}|\\d{6,15}@(s\\.whatsapp\\.net|c\\.us)|\\d{6,20}@lid|\\d{6,30}(-\\d{6,15})?@g\\.us)$';

/** The forms `userJid` takes (a person, not a group), for the OpenAPI document. */
export const PERSON_PATTERN = '^(\\+?\\d{6,15}|\\d{6,15}@(s\\.whatsapp\\.net|c\\.us)|\\d{6,20}@lid)$';

export interface Recipient {
  jid: string;
  type: 'direct' | 'group';
}

const PHONE_NUMBER = /^\+?\d{6,15}$/;
const PN_JID = /^(\d{6,15})@(s\.whatsapp\.net|c\.us)$/;
const LID = /^\d{6,20}@lid$/;
const GROUP_JID = /^\d{6,30}(-\d{6,15})?@g\.us$/;

/** A person's JID from a phone number, a PN JID (`@c.us` tolerated) or a LID; null when it is none of them. */
export function userJid(value: string): string | null {
  const compact = value.trim().replace(/[\s()-]/g, '');
  if (PHONE_NUMBER.test(compact)) return `${compact.replace('+', '')}@s.whatsapp.net`;
  const pn = PN_JID.exec(compact);
  if (pn) return `${pn[1]}@s.whatsapp.net`;
  if (LID.test(compact)) return compact;
  return null;
}

export function parseRecipient(to: string): Recipient {
  const person = userJid(to);
  if (person) return { jid: person, type: 'direct' };
  const group = to.trim();
  if (GROUP_JID.test(group)) return { jid: group, type: 'group' };
  throw new BadRequestError(
    'to must be a phone number, a PN JID (…@s.whatsapp.net), a LID (…@lid) or a group JID (…@g.us)',
  );
}

export function parseMentions(mentions: string[]): string[] {
  return mentions.map((mention) => {
    const jid = userJid(mention);
    if (!jid) throw new BadRequestError(`mentions must be phone numbers, PN JIDs or LIDs: ${mention}`);
    return jid;
  });
}

/** The shape of a WhatsApp message id. */
export const WHATSAPP_MESSAGE_ID = /^[A-Za-z0-9]{1,64}$/;

/** A WhatsApp message id chosen before sending (the shape WhatsApp Web uses), so a queued message has its id. */
export function newMessageId(): string {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
}
