// WhatsApp addresses: `<user>[:<device>]@<server>`, with phone-number (PN) and LID servers for people.
export const PN_SERVER = 's.whatsapp.net';
export const LID_SERVER = 'lid';
export const GROUP_SERVER = 'g.us';

export interface DecodedJid {
  user: string;
  device: number;
  server: string;
}

export function decodeJid(jid: string): DecodedJid | undefined {
  const at = jid.indexOf('@');
  if (at <= 0) return undefined;
  const server = jid.slice(at + 1);
  const [userWithAgent, device] = jid.slice(0, at).split(':');
  const user = userWithAgent.split('_')[0];
  if (!user || !server) return undefined;
  return { user, device: device ? Number(device) : 0, server };
}

export function encodeJid(user: string, server: string, device = 0): string {
  return device ? `${user}:${device}@${server}` : `${user}@${server}`;
}

/** Phone numbers travel as digits only; a leading `+`, spaces and dashes are tolerated on input. */
export function normalizePhoneNumber(input: string): string | undefined {
  const digits = input.trim().replace(/^\+/, '').replace(/[\s-]/g, '');
  return /^\d{6,15}$/.test(digits) ? digits : undefined;
}
