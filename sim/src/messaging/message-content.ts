// Text messages as WhatsApp phones encode them, and the fields the inbox reads back out of what devices send.
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };

export interface QuotedMessage {
  id: string;
  /** The quoted message's author as the chat addresses them. */
  author: string;
  text: string;
}

export interface TextContent {
  text: string;
  mentionedJids: string[];
  quoted?: QuotedMessage;
}

/**
 * Plain text travels as `conversation`; a phone switches to `extendedTextMessage` as soon as the text carries
 * context (mentions, a quote), which is where clients look for `contextInfo`.
 */
export function textMessage({ text, mentionedJids, quoted }: TextContent): proto.IMessage {
  if (mentionedJids.length === 0 && !quoted) return { conversation: text };
  const contextInfo: proto.IContextInfo = {};
  if (mentionedJids.length > 0) contextInfo.mentionedJid = mentionedJids;
  if (quoted) {
    contextInfo.stanzaId = quoted.id;
    contextInfo.participant = quoted.author;
    contextInfo.quotedMessage = { conversation: quoted.text };
  }
  return { extendedTextMessage: { text, contextInfo } };
}

export interface ReadText {
  text: string | null;
  mentions: string[];
  quotedId: string | null;
}

/** Reads text, mentions and the quoted id; a message in a chat with disappearing messages on comes wrapped. */
export function readText(message: proto.IMessage): ReadText {
  const inner = message.ephemeralMessage?.message ?? message;
  const extended = inner.extendedTextMessage;
  return {
    text: inner.conversation ?? extended?.text ?? null,
    mentions: extended?.contextInfo?.mentionedJid ?? [],
    quotedId: extended?.contextInfo?.stanzaId ?? null,
  };
}
