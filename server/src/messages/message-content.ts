// The kinds of message the send API takes, the rules WhatsApp puts on combining them, and what a row stores of each.
import { createHash } from 'node:crypto';
import { BadRequestError } from '../core/errors/domain-errors';
import { MEDIA_TYPES, type MediaType } from '../whatsapp/events';

export { MEDIA_TYPES, type MediaType };

/** The kinds the send API takes: what WhatsApp describes, plus reactions. */
export const OUTGOING_MESSAGE_TYPES = ['text', ...MEDIA_TYPES, 'location', 'contact', 'reaction'] as const;
export type OutgoingMessageType = (typeof OUTGOING_MESSAGE_TYPES)[number];

/** Kinds WhatsApp shows a caption with (and so mentions in it, and edits of it). */
export const CAPTIONED_TYPES: readonly OutgoingMessageType[] = ['image', 'video', 'document'];

/** A media message's file: exactly one of an uploaded file, a URL to fetch or base64 bytes. */
export interface MediaInput {
  mediaId?: string;
  url?: string;
  data?: string;
  mimetype?: string;
  caption?: string;
  fileName?: string;
  ptt?: boolean;
}

export interface LocationInput {
  latitude: number;
  longitude: number;
  name?: string;
  address?: string;
}

export interface ContactInput {
  displayName: string;
  vcard: string;
}

export interface ReactionInput {
  messageId: string;
  /** '' removes the reaction. */
  emoji: string;
}

/** A send request: `to` and exactly one kind. */
export interface SendRequest {
  to: string;
  text?: string;
  replyTo?: string;
  mentions?: string[];
  image?: MediaInput;
  video?: MediaInput;
  audio?: MediaInput;
  document?: MediaInput;
  sticker?: MediaInput;
  location?: LocationInput;
  contact?: ContactInput;
  reaction?: ReactionInput;
}

/** What a row keeps of its kind (`outgoing_messages.content`), enough to send it again after a restart. */
export interface MessageContent {
  media?: { mimetype: string; fileName: string | null; ptt: boolean };
  location?: { latitude: number; longitude: number; name: string | null; address: string | null };
  contact?: { displayName: string; vcard: string };
  /** `fromMe` and `sender` identify the reacted message to WhatsApp (the sender matters in groups). */
  reaction?: { messageId: string; emoji: string; fromMe: boolean; sender: string | null };
}

export const MEDIA_SOURCES = ['mediaId', 'url', 'data'] as const;
export type MediaSource =
  { kind: 'mediaId'; mediaId: string } | { kind: 'url'; url: string } | { kind: 'data'; data: string };

/** The request's kind; a 400 naming the choices unless there is exactly one. */
export function messageType(request: SendRequest): OutgoingMessageType {
  const present = OUTGOING_MESSAGE_TYPES.filter((type) => request[type] !== undefined);
  if (present.length !== 1) {
    throw new BadRequestError(
      `A message needs exactly one of ${OUTGOING_MESSAGE_TYPES.join(', ')}` +
        (present.length > 1 ? ` (got ${present.join(' and ')})` : ''),
    );
  }
  return present[0];
}

/** Where a media message's file comes from; a 400 naming the choices unless there is exactly one. */
export function mediaSource(type: MediaType, input: MediaInput): MediaSource {
  const present = MEDIA_SOURCES.filter((source) => input[source] !== undefined);
  if (present.length !== 1) {
    throw new BadRequestError(`${type} needs exactly one of ${MEDIA_SOURCES.join(', ')}`);
  }
  if (input.mediaId !== undefined) return { kind: 'mediaId', mediaId: input.mediaId };
  if (input.url !== undefined) return { kind: 'url', url: input.url };
  return { kind: 'data', data: input.data as string };
}

/**
 * What WhatsApp allows besides the kind itself: mentions live in a text or caption (so only with one), and a reaction
 * quotes nothing. Captions on audio and stickers and `ptt` elsewhere are unknown fields of those kinds (the DTOs
 * refuse them).
 */
export function checkCombination(type: OutgoingMessageType, request: SendRequest): void {
  const caption = CAPTIONED_TYPES.includes(type) ? request[type as MediaType]?.caption : undefined;
  const hasText = type === 'text' || Boolean(caption);
  if (request.mentions && request.mentions.length > 0 && !hasText) {
    throw new BadRequestError(`mentions need a text or a caption (${type} has none)`);
  }
  if (request.text !== undefined && type !== 'text') {
    throw new BadRequestError(`text is its own kind of message; a ${type} takes a caption instead`);
  }
  if (type === 'reaction' && request.replyTo !== undefined) {
    throw new BadRequestError('A reaction cannot reply to a message: reaction.messageId names the message');
  }
}

/** The caption or text a row stores ('' for kinds without one). */
export function textOf(type: OutgoingMessageType, request: SendRequest): string {
  if (type === 'text') return request.text ?? '';
  return CAPTIONED_TYPES.includes(type) ? (request[type as MediaType]?.caption ?? '') : '';
}

/**
 * SHA-256 of what the request asks for, to refuse an Idempotency-Key reused for another message. A text message
 * hashes as it always did (so a retry across an upgrade still matches); base64 data is hashed by its digest.
 */
export function requestHash(
  type: OutgoingMessageType,
  request: SendRequest,
  normalised: { to: string; replyTo: string | null; mentions: string[] },
): string {
  const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
  if (type === 'text') {
    return sha256(
      JSON.stringify({ to: normalised.to, text: request.text, ...pick(normalised, 'replyTo', 'mentions') }),
    );
  }
  const kind: object = { ...request[type] };
  if (MEDIA_TYPES.includes(type as MediaType)) {
    const media = request[type as MediaType] as MediaInput;
    if (media.data !== undefined) Object.assign(kind, { data: sha256(media.data) });
  }
  return sha256(JSON.stringify({ ...normalised, type, [type]: sorted(kind) }));
}

function pick<T extends object, K extends keyof T>(value: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Pick<T, K>;
}

/** The same fields in any order hash the same. */
function sorted(value: object): object {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
