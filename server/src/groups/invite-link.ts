// A group's invite link: `https://chat.whatsapp.com/<code>`, taken as the link or as the code alone.

/** The code, or the link around it (http(s), with `www.` or `/invite/`, a trailing slash or query tolerated). */
export const INVITE_PATTERN =
  '^((https?://)?(www\\.)?chat\\.whatsapp\\.com/(invite/)?)?[A-Za-z0-9]{6,64}/?(\\?[^\\s]*)?$';

const CODE = /^(?:(?:https?:\/\/)?(?:www\.)?chat\.whatsapp\.com\/(?:invite\/)?)?([A-Za-z0-9]{6,64})\/?(?:\?\S*)?$/;

/** The invite code of a link or a code; null when it is neither. */
export function inviteCodeOf(invite: string): string | null {
  return CODE.exec(invite.trim())?.[1] ?? null;
}

export function inviteUrl(code: string): string {
  return `https://chat.whatsapp.com/${code}`;
}
