// Messages as WhatsApp phones encode them (text, media, location, contact, reaction, edit, revoke), and what the
// inbox reads back out of the messages linked devices send.
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { EncryptedMedia, MediaKind, StoredMedia } from '../media';

/** protocolMessage types (WAProto's ProtocolMessage.Type), named here to keep this module free of the runtime proto. */
const PROTOCOL_REVOKE = 0;
const PROTOCOL_MESSAGE_EDIT = 14;

export type MessageType = 'text' | MediaKind | 'location' | 'contact' | 'reaction' | 'edit' | 'revoke';

export interface MediaDetails {
  mimetype: string;
  caption?: string;
  /** Audio only: a voice note. */
  ptt?: boolean;
  /** Documents only. */
  fileName?: string;
}

export interface LocationContent {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

export interface ContactContent {
  displayName: string;
  vcard: string;
}

/** What a sim phone sends, once the request is checked and any media is uploaded. */
export type OutgoingContent =
  | { type: 'text'; text: string }
  | { type: MediaKind; media: MediaDetails; upload: EncryptedMedia & StoredMedia }
  | { type: 'location'; location: LocationContent }
  | { type: 'contact'; contact: ContactContent }
  | { type: 'reaction'; key: proto.IMessageKey; emoji: string }
  | { type: 'edit'; key: proto.IMessageKey; text: string }
  | { type: 'revoke'; key: proto.IMessageKey };

export interface QuotedMessage {
  id: string;
  /** The quoted message's author as the chat addresses them. */
  author: string;
  message: proto.IMessage;
}

export interface MessageContext {
  mentionedJids: string[];
  quoted?: QuotedMessage;
}

export interface TextContent extends MessageContext {
  text: string;
}

const MEDIA_FIELD = {
  image: 'imageMessage',
  video: 'videoMessage',
  audio: 'audioMessage',
  document: 'documentMessage',
  sticker: 'stickerMessage',
} as const satisfies Record<MediaKind, keyof proto.IMessage>;

function contextInfo({ mentionedJids, quoted }: MessageContext): proto.IContextInfo | undefined {
  if (mentionedJids.length === 0 && !quoted) return undefined;
  const context: proto.IContextInfo = {};
  if (mentionedJids.length > 0) context.mentionedJid = mentionedJids;
  if (quoted) {
    context.stanzaId = quoted.id;
    context.participant = quoted.author;
    context.quotedMessage = quoted.message;
  }
  return context;
}

/**
 * Plain text travels as `conversation`; a phone switches to `extendedTextMessage` as soon as the text carries
 * context (mentions, a quote), which is where clients look for `contextInfo`.
 */
export function textMessage({ text, ...context }: TextContent): proto.IMessage {
  const info = contextInfo(context);
  return info ? { extendedTextMessage: { text, contextInfo: info } } : { conversation: text };
}

/** The proto a phone sends for any content; mentions and a quote ride in the content's `contextInfo`. */
export function outgoingMessage(content: OutgoingContent, context: MessageContext, nowMs: number): proto.IMessage {
  const info = contextInfo(context);
  switch (content.type) {
    case 'text':
      return textMessage({ text: content.text, ...context });
    case 'location': {
      const { latitude, longitude, name, address } = content.location;
      return {
        locationMessage: { degreesLatitude: latitude, degreesLongitude: longitude, name, address, contextInfo: info },
      };
    }
    case 'contact':
      return { contactMessage: { ...content.contact, contextInfo: info } };
    case 'reaction':
      return { reactionMessage: { key: content.key, text: content.emoji, senderTimestampMs: nowMs } };
    case 'edit':
      return {
        protocolMessage: {
          key: content.key,
          type: PROTOCOL_MESSAGE_EDIT,
          editedMessage: { conversation: content.text },
          timestampMs: nowMs,
        },
      };
    case 'revoke':
      return { protocolMessage: { key: content.key, type: PROTOCOL_REVOKE } };
    default: {
      const { upload, media } = content;
      const fields = {
        url: upload.url,
        directPath: upload.directPath,
        mediaKey: upload.mediaKey,
        fileEncSha256: upload.fileEncSha256,
        fileSha256: upload.fileSha256,
        fileLength: upload.fileLength,
        mimetype: media.mimetype,
        mediaKeyTimestamp: Math.floor(nowMs / 1000),
        contextInfo: info,
      };
      switch (content.type) {
        case 'audio':
          return { audioMessage: { ...fields, ptt: media.ptt ?? false } };
        case 'document':
          return { documentMessage: { ...fields, fileName: media.fileName, caption: media.caption } };
        case 'sticker':
          return { stickerMessage: { ...fields, isAnimated: false } };
        default:
          return { [MEDIA_FIELD[content.type]]: { ...fields, caption: media.caption } };
      }
    }
  }
}

/** Where a device's media message says its file is, and the keys to check and decrypt it. */
export interface MediaReference {
  kind: MediaKind;
  mediaKey: Buffer;
  /** The directPath, else the url. */
  location: string;
  fileEncSha256: Buffer | undefined;
}

export interface InboxMedia {
  mimetype: string | null;
  fileName: string | null;
  /** Bytes of the decrypted file (the message's fileLength until it is downloaded). */
  size: number | null;
  /** Hex SHA-256 of the decrypted bytes the phone downloaded; null when it could not get them. */
  sha256: string | null;
  caption: string | null;
  ptt: boolean | null;
}

/** What the inbox shows of a message, by type; `text` is the caption of media. */
export interface ReadContent {
  type: MessageType;
  text: string | null;
  mentions: string[];
  quotedId: string | null;
  media?: InboxMedia;
  location?: { latitude: number; longitude: number; name: string | null; address: string | null };
  contact?: ContactContent;
  reaction?: { messageId: string; emoji: string };
  edit?: { messageId: string; text: string | null };
  revoke?: { messageId: string };
}

/** The message inside the wrappers WhatsApp puts around content (disappearing, view once, captioned documents). */
function unwrap(message: proto.IMessage): proto.IMessage {
  const inner =
    message.ephemeralMessage?.message ??
    message.viewOnceMessage?.message ??
    message.viewOnceMessageV2?.message ??
    message.documentWithCaptionMessage?.message;
  return inner ? unwrap(inner) : message;
}

function readContext(info: proto.IContextInfo | null | undefined): Pick<ReadContent, 'mentions' | 'quotedId'> {
  return { mentions: info?.mentionedJid ?? [], quotedId: info?.stanzaId ?? null };
}

/** protobufjs gives 64-bit fields as numbers or Long objects; both print as decimal. */
const toNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(String(value));

function mediaOf(message: proto.IMessage): { kind: MediaKind; media: proto.Message.IImageMessage } | undefined {
  for (const [kind, field] of Object.entries(MEDIA_FIELD) as [MediaKind, (typeof MEDIA_FIELD)[MediaKind]][]) {
    const media = message[field];
    if (media) return { kind, media };
  }
  return undefined;
}

/** What a reply quotes of a message: its content without its own context (no quote of a quote). */
export function quotable(message: proto.IMessage): proto.IMessage {
  const inner = unwrap(message);
  return inner.extendedTextMessage ? { conversation: inner.extendedTextMessage.text ?? '' } : inner;
}

/** Reads a message a linked device sent; undefined for what a phone shows nothing of (key distribution, sync). */
export function readContent(message: proto.IMessage): (ReadContent & { mediaReference?: MediaReference }) | undefined {
  const inner = unwrap(message);
  if (inner.conversation !== null && inner.conversation !== undefined) {
    return { type: 'text', text: inner.conversation, mentions: [], quotedId: null };
  }
  if (inner.extendedTextMessage) {
    const { text, contextInfo: info } = inner.extendedTextMessage;
    return { type: 'text', text: text ?? null, ...readContext(info) };
  }
  const found = mediaOf(inner);
  if (found) {
    const media = found.media as proto.Message.IDocumentMessage & proto.Message.IAudioMessage;
    const caption = media.caption ?? null;
    const location = media.directPath ?? media.url;
    return {
      type: found.kind,
      text: caption,
      ...readContext(media.contextInfo),
      media: {
        mimetype: media.mimetype ?? null,
        fileName: media.fileName ?? null,
        size: toNumber(media.fileLength),
        sha256: null,
        caption,
        ptt: found.kind === 'audio' ? (media.ptt ?? false) : null,
      },
      mediaReference:
        media.mediaKey && location
          ? {
              kind: found.kind,
              mediaKey: Buffer.from(media.mediaKey),
              location,
              fileEncSha256: media.fileEncSha256 ? Buffer.from(media.fileEncSha256) : undefined,
            }
          : undefined,
    };
  }
  if (inner.locationMessage) {
    const location = inner.locationMessage;
    return {
      type: 'location',
      text: null,
      ...readContext(location.contextInfo),
      location: {
        latitude: location.degreesLatitude ?? 0,
        longitude: location.degreesLongitude ?? 0,
        name: location.name ?? null,
        address: location.address ?? null,
      },
    };
  }
  if (inner.contactMessage) {
    const contact = inner.contactMessage;
    return {
      type: 'contact',
      text: null,
      ...readContext(contact.contextInfo),
      contact: { displayName: contact.displayName ?? '', vcard: contact.vcard ?? '' },
    };
  }
  const none = { text: null, mentions: [], quotedId: null };
  if (inner.reactionMessage?.key?.id) {
    return {
      type: 'reaction',
      ...none,
      reaction: { messageId: inner.reactionMessage.key.id, emoji: inner.reactionMessage.text ?? '' },
    };
  }
  const protocol = inner.protocolMessage;
  if (protocol?.key?.id && protocol.type === PROTOCOL_MESSAGE_EDIT) {
    const edited = protocol.editedMessage ? readContent(protocol.editedMessage) : undefined;
    return { type: 'edit', ...none, edit: { messageId: protocol.key.id, text: edited?.text ?? null } };
  }
  if (protocol?.key?.id && protocol.type === PROTOCOL_REVOKE) {
    return { type: 'revoke', ...none, revoke: { messageId: protocol.key.id } };
  }
  return undefined;
}
