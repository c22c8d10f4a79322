// Turns a Baileys WAMessage into WAGO's message, reaction, edit or deletion, or null for what it does not report
// (stubs, other protocol messages, status broadcasts).
import type {
  MessageUserReceiptUpdate,
  proto,
  WAMessage,
  WAMessageKey,
  WAMessageUpdate,
} from '@whiskeysockets/baileys';
import type { MediaDownloadRef } from '../../media/media.entity';
import type {
  MessageAck,
  MessageEdited,
  MessageReaction,
  MessageReceived,
  MessageRevoked,
  MessageType,
} from '../events';
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

/** Updates of other messages or chats that WAGO does not report. Reactions, edits and deletions are reported. */
const NOT_REPORTED = new Set<string>([
  'encReactionMessage',
  'pollUpdateMessage',
  'keepInChatMessage',
  'pinInChatMessage',
]);

/** Protocol messages reported as events (WhatsApp's ProtocolMessage.Type); the others are not messages. */
const REVOKE = 0;
const MESSAGE_EDIT = 14;

/** The file of a media message as it arrived: what it is, and what it takes to fetch it. */
export interface IncomingAttachment {
  mimetype: string;
  fileName: string | null;
  size: number | null;
  caption: string | null;
  ptt: boolean;
  seconds: number | null;
  width: number | null;
  height: number | null;
  /** Null when the message names no file to fetch. */
  download: MediaDownloadRef | null;
}

/** A message, or a reaction, edit or deletion of one. */
export type NormalisedMessage =
  | { kind: 'message'; message: Omit<MessageReceived, 'media'>; attachment: IncomingAttachment | null }
  | { kind: 'reaction'; reaction: MessageReaction }
  | { kind: 'edit'; edit: MessageEdited }
  | { kind: 'revoke'; revoke: MessageRevoked };

type MediaContent = {
  mimetype?: string | null;
  fileName?: string | null;
  fileLength?: Parameters<Baileys['toNumber']>[0];
  caption?: string | null;
  ptt?: boolean | null;
  seconds?: number | null;
  width?: number | null;
  height?: number | null;
  mediaKey?: Uint8Array | null;
  directPath?: string | null;
  url?: string | null;
  fileSha256?: Uint8Array | null;
};

/** Content kinds with a file, their type in the webhook, Baileys' media type, and the mimetype when none is given. */
const MEDIA_KINDS: Partial<Record<string, { type: MessageType; mediaType: string; mimetype: string }>> = {
  imageMessage: { type: 'image', mediaType: 'image', mimetype: 'image/jpeg' },
  videoMessage: { type: 'video', mediaType: 'video', mimetype: 'video/mp4' },
  ptvMessage: { type: 'video', mediaType: 'ptv', mimetype: 'video/mp4' },
  audioMessage: { type: 'audio', mediaType: 'audio', mimetype: 'audio/ogg; codecs=opus' },
  documentMessage: { type: 'document', mediaType: 'document', mimetype: 'application/octet-stream' },
  stickerMessage: { type: 'sticker', mediaType: 'sticker', mimetype: 'image/webp' },
};

type ContentWithContext = { contextInfo?: proto.IContextInfo | null; caption?: string | null; text?: string | null };

const base64 = (bytes: Uint8Array | null | undefined): string | null =>
  bytes && bytes.length > 0 ? Buffer.from(bytes).toString('base64') : null;

export async function normaliseMessage(
  baileys: Baileys,
  message: WAMessage,
  context: NormaliseContext,
): Promise<NormalisedMessage | null> {
  const { getContentType, isJidGroup, isJidBroadcast, isJidNewsletter, isLidUser, isPnUser, jidNormalizedUser } =
    baileys;
  const { key } = message;
  const remoteJid = key.remoteJid;
  if (!remoteJid || !key.id || message.messageStubType || isJidBroadcast(remoteJid) || isJidNewsletter(remoteJid)) {
    return null;
  }
  const content = baileys.normalizeMessageContent(message.message);
  const kind = getContentType(content ?? undefined);
  if (!content || !kind || NOT_REPORTED.has(kind)) return null;
  const protocol = content.protocolMessage;
  if (kind === 'protocolMessage' && protocol?.type !== REVOKE && protocol?.type !== MESSAGE_EDIT) return null;

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
  const timestamp = new Date((baileys.toNumber(message.messageTimestamp) || Date.now() / 1000) * 1000).toISOString();
  const sender = { senderPn, senderLid, pushName: message.pushName || null };
  const chat = { sessionId: context.sessionId, chatJid, chatType: group ? ('group' as const) : ('direct' as const) };
  const self = [context.self.pn, context.self.lid].flatMap((jid) => (jid ? [normalise(jid)] : []));
  /**
   * Whether the message a reaction, edit or deletion is about was this account's. In groups its key names the
   * author (participant); otherwise the key's fromMe is taken as Baileys left it, in this account's perspective.
   */
  const targetIsMine = (target: proto.IMessageKey, fallback: boolean): boolean => {
    const author = normalise(target.participant);
    return author ? self.includes(author) : fallback;
  };

  if (kind === 'reactionMessage') {
    const reaction = content.reactionMessage;
    if (!reaction?.key?.id) return null;
    return {
      kind: 'reaction',
      reaction: {
        ...chat,
        ...sender,
        reactionId: key.id,
        targetMessageId: reaction.key.id,
        targetFromMe: targetIsMine(reaction.key, Boolean(reaction.key.fromMe)),
        emoji: reaction.text ?? '',
        fromMe,
        timestamp,
      },
    };
  }
  if (protocol) {
    if (!protocol.key?.id) return null;
    // Only a message's own sender edits it, and deletes it outside groups (where admins may delete others').
    const targetFromMe = targetIsMine(protocol.key, fromMe);
    if (protocol.type === REVOKE) {
      return {
        kind: 'revoke',
        revoke: {
          ...chat,
          ...sender,
          revokeId: key.id,
          targetMessageId: protocol.key.id,
          targetFromMe,
          fromMe,
          timestamp,
        },
      };
    }
    const edited = baileys.normalizeMessageContent(protocol.editedMessage);
    const editedKind = getContentType(edited ?? undefined);
    const editedInner = (editedKind && editedKind !== 'conversation' ? edited?.[editedKind] : undefined) as
      ContentWithContext | null | undefined;
    const millis = baileys.toNumber(protocol.timestampMs);
    return {
      kind: 'edit',
      edit: {
        ...chat,
        ...sender,
        editId: key.id,
        targetMessageId: protocol.key.id,
        targetFromMe,
        text: edited?.conversation || editedInner?.text || editedInner?.caption || null,
        editedAt: millis ? new Date(millis).toISOString() : timestamp,
        fromMe,
      },
    };
  }

  const inner = (kind === 'conversation' ? undefined : content[kind]) as ContentWithContext | null | undefined;
  const contextInfo = inner?.contextInfo ?? undefined;
  const text = content.conversation || inner?.text || inner?.caption || null;
  const media = MEDIA_KINDS[kind];
  const type: MessageType =
    kind === 'conversation' || kind === 'extendedTextMessage'
      ? 'text'
      : kind === 'locationMessage' || kind === 'liveLocationMessage'
        ? 'location'
        : kind === 'contactMessage'
          ? 'contact'
          : (media?.type ?? 'unsupported');
  const place = content.locationMessage ?? content.liveLocationMessage;
  const location =
    type === 'location' && place
      ? {
          latitude: place.degreesLatitude ?? 0,
          longitude: place.degreesLongitude ?? 0,
          name: content.locationMessage?.name || null,
          address: content.locationMessage?.address || null,
        }
      : null;
  const contact =
    type === 'contact'
      ? { displayName: content.contactMessage?.displayName || null, vcard: content.contactMessage?.vcard || null }
      : null;
  return {
    kind: 'message',
    message: {
      ...chat,
      ...sender,
      messageId: key.id,
      type,
      unsupported: type === 'unsupported' ? kind : null,
      text,
      location,
      contact,
      mentionedJids: (contextInfo?.mentionedJid ?? []).map((jid) => normalise(jid) ?? jid),
      quotedMessageId: contextInfo?.stanzaId || null,
      quotedSender: normalise(contextInfo?.participant),
      timestamp,
      fromMe,
      offline: context.offline,
    },
    attachment: media ? attachmentOf(baileys, content[kind] as MediaContent, media.mediaType, media.mimetype) : null,
  };
}

function attachmentOf(baileys: Baileys, file: MediaContent, mediaType: string, mimetype: string): IncomingAttachment {
  const mediaKey = base64(file.mediaKey);
  const size = file.fileLength === null || file.fileLength === undefined ? null : baileys.toNumber(file.fileLength);
  return {
    mimetype: file.mimetype || mimetype,
    fileName: file.fileName || null,
    size,
    caption: file.caption || null,
    ptt: Boolean(file.ptt),
    seconds: file.seconds ?? null,
    width: file.width ?? null,
    height: file.height ?? null,
    download:
      mediaKey && (file.directPath || file.url)
        ? {
            type: mediaType,
            directPath: file.directPath || null,
            url: file.url || null,
            mediaKey,
            fileSha256: base64(file.fileSha256),
          }
        : null,
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
