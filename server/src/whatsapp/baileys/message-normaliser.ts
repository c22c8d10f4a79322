// Turns a Baileys WAMessage into WAGO's MessageReceived, or null for what is not a message (stubs, protocol, status).
import type {
  MessageUserReceiptUpdate,
  proto,
  WAMessage,
  WAMessageKey,
  WAMessageUpdate,
} from '@whiskeysockets/baileys';
import type { MessageAck, MessageReceived } from '../events';
import type { Baileys } from './baileys';

/** The session's LID↔PN mapping (Baileys' LID mapping store). */
export interface LidMapping {
  pnForLid(lid: string): Promise<string | null>;
  lidForPn(pn: string): Promise<string | null>;
}

export interface NormaliseContext {
  sessionId: string;
  /** Delivered as `append` (the offline queue) rather than `notify`. */
  offline: boolean;
  /** This account's own JIDs, the sender of fromMe messages. */
  self: { pn: string | null; lid: string | null };
  mapping: LidMapping;
}

/** Content that updates another message or the chat instead of being a message of its own. */
const NOT_MESSAGES = new Set<string>([
  'protocolMessage',
  'reactionMessage',
  'encReactionMessage',
  'pollUpdateMessage',
  'keepInChatMessage',
  'pinInChatMessage',
]);

type ContentWithContext = { contextInfo?: proto.IContextInfo | null; caption?: string | null; text?: string | null };

export async function normaliseMessage(
  baileys: Baileys,
  message: WAMessage,
  context: NormaliseContext,
): Promise<MessageReceived | null> {
  const { getContentType, isJidGroup, isJidBroadcast, isJidNewsletter, isLidUser, isPnUser, jidNormalizedUser } =
    baileys;
  const { key } = message;
  const remoteJid = key.remoteJid;
  if (!remoteJid || !key.id || message.messageStubType || isJidBroadcast(remoteJid) || isJidNewsletter(remoteJid)) {
    return null;
  }
  const content = baileys.normalizeMessageContent(message.message);
  const type = getContentType(content ?? undefined);
  if (!content || !type || NOT_MESSAGES.has(type)) return null;

  const group = Boolean(isJidGroup(remoteJid));
  const fromMe = Boolean(key.fromMe);
  const normalise = (jid: string | null | undefined): string | null => (jid ? jidNormalizedUser(jid) || null : null);
  const candidates = fromMe
    ? [context.self.pn, context.self.lid]
    : group
      ? [key.participant, key.participantAlt]
      : [remoteJid, key.remoteJidAlt];
  let senderPn = normalise(candidates.find((jid) => isPnUser(jid ?? undefined)));
  let senderLid = normalise(candidates.find((jid) => isLidUser(jid ?? undefined)));
  if (!senderPn && senderLid) senderPn = normalise(await context.mapping.pnForLid(senderLid));
  if (!senderLid && senderPn) senderLid = normalise(await context.mapping.lidForPn(senderPn));

  let chatJid = normalise(remoteJid) ?? remoteJid;
  if (!group && isLidUser(chatJid)) {
    chatJid = (fromMe ? normalise(await context.mapping.pnForLid(chatJid)) : senderPn) ?? chatJid;
  }

  const inner = (type === 'conversation' ? undefined : content[type]) as ContentWithContext | null | undefined;
  const contextInfo = inner?.contextInfo ?? undefined;
  const text = content.conversation || inner?.text || inner?.caption || null;
  return {
    sessionId: context.sessionId,
    messageId: key.id,
    chatJid,
    chatType: group ? 'group' : 'direct',
    senderPn,
    senderLid,
    pushName: message.pushName || null,
    text,
    mentionedJids: (contextInfo?.mentionedJid ?? []).map((jid) => normalise(jid) ?? jid),
    quotedMessageId: contextInfo?.stanzaId || null,
    quotedSender: normalise(contextInfo?.participant),
    timestamp: new Date((baileys.toNumber(message.messageTimestamp) || Date.now() / 1000) * 1000).toISOString(),
    fromMe,
    offline: context.offline,
  };
}

/** WebMessageInfo.Status values a receipt can carry for a sent message. */
const ACK_STATUSES: Partial<Record<number, MessageAck['status']>> = {
  2: 'server',
  3: 'delivered',
  4: 'read',
  5: 'read',
};

/**
 * The placeholder Baileys upserts for a message it could not decrypt (it has sent the retry receipt that makes the
 * sender send it again). A message that arrived with nothing to decrypt gets the same stub type but is no failure.
 */
export function isDecryptionFailure(baileys: Baileys, message: WAMessage): boolean {
  return (
    message.messageStubType === baileys.proto.WebMessageInfo.StubType.CIPHERTEXT &&
    message.messageStubParameters?.[0] !== baileys.NO_MESSAGE_FOUND_ERROR_TEXT
  );
}

function ackBase(baileys: Baileys, sessionId: string, key: WAMessageKey) {
  if (!key.fromMe || !key.id || !key.remoteJid) return null;
  const group = Boolean(baileys.isJidGroup(key.remoteJid));
  return {
    sessionId,
    messageId: key.id,
    chatJid: baileys.jidNormalizedUser(key.remoteJid) || key.remoteJid,
    chatType: group ? ('group' as const) : ('direct' as const),
  };
}

/** A status change of a message this account sent in a direct chat (server, delivered, read), or null. */
export function ackFromUpdate(
  baileys: Baileys,
  sessionId: string,
  { key, update }: WAMessageUpdate,
): MessageAck | null {
  const base = ackBase(baileys, sessionId, key);
  const status = typeof update.status === 'number' ? ACK_STATUSES[update.status] : undefined;
  if (!base || !status) return null;
  return { ...base, recipient: null, status, at: new Date().toISOString() };
}

/** A group member's device received or read a message this account sent, or null. */
export function ackFromReceipt(
  baileys: Baileys,
  sessionId: string,
  { key, receipt }: MessageUserReceiptUpdate,
): MessageAck | null {
  const base = ackBase(baileys, sessionId, key);
  if (!base) return null;
  const read = receipt.readTimestamp ?? receipt.playedTimestamp;
  const seconds = baileys.toNumber(read ?? receipt.receiptTimestamp);
  return {
    ...base,
    recipient: receipt.userJid ? baileys.jidNormalizedUser(receipt.userJid) : null,
    status: read ? 'read' : 'delivered',
    at: new Date(seconds ? seconds * 1000 : Date.now()).toISOString(),
  };
}
