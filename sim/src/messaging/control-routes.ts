// The control routes of messaging: make sim accounts send, read what linked devices sent them. Groups: group-control.ts.
import { badRequest } from '../control/control-error';
import type { ControlRequest, ControlRoute } from '../control/router';
import {
  optionalBoolean,
  optionalString,
  parsePhoneNumber,
  requireNumber,
  rejectUnknownFields,
  requireObject,
  requireOneOf,
  requireString,
  type JsonObject,
} from '../control/validation';
import { MEDIA_KINDS, type MediaKind } from '../media';
import type { Messaging, ParsedSendMessage, RequestedContent } from './messaging';
import type { Addressing } from './stanzas';

const ADDRESSING: readonly Addressing[] = ['pn', 'lid'];
/** WhatsApp's own limit on a text. */
const TEXT_MAX = 65_536;
const ID_MAX = 128;

export function optionalAddressing(body: JsonObject, field: string): Addressing | undefined {
  return body[field] === undefined ? undefined : requireOneOf(body, field, ADDRESSING);
}

export function phoneNumberList(body: JsonObject, field: string, options: { required: boolean }): string[] | undefined {
  const value = body[field];
  if (value === undefined && !options.required) return undefined;
  if (!Array.isArray(value) || (options.required && value.length === 0)) {
    throw badRequest(`${field} must be ${options.required ? 'a non-empty' : 'an'} array of phone numbers`);
  }
  return value.map((item, index) => parsePhoneNumber(item, `${field}[${index}]`));
}

const CONTENT_FIELDS = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contact',
  'reaction',
  'edit',
  'revoke',
] as const;
const NAME_MAX = 255;
const VCARD_MAX = 65_536;
const EMOJI_MAX = 32;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Room for a 64 MiB file as base64 in JSON; other routes keep the server's 1 MiB. */
export const SEND_MESSAGE_BODY_MAX = 100 * 1024 * 1024;

function mediaData(object: JsonObject, field: string): Buffer {
  const value = object.data;
  if (Buffer.isBuffer(value) && value.length > 0) return value;
  if (typeof value !== 'string' || value === '' || !BASE64.test(value)) {
    throw badRequest(`${field}.data must be the file as a non-empty base64 string`);
  }
  return Buffer.from(value, 'base64');
}

function requestedMedia(kind: MediaKind, value: unknown): RequestedContent {
  const object = requireObject(value, kind);
  const allowed: Record<MediaKind, string[]> = {
    image: ['caption'],
    video: ['caption'],
    audio: ['ptt'],
    document: ['fileName', 'caption'],
    sticker: [],
  };
  rejectUnknownFields(object, ['data', 'mimetype', ...allowed[kind]], kind);
  return {
    type: kind,
    data: mediaData(object, kind),
    media: {
      mimetype: requireString(object, 'mimetype', { maxLength: NAME_MAX }, kind),
      caption: optionalString(object, 'caption', { maxLength: TEXT_MAX }, kind),
      ptt: optionalBoolean(object, 'ptt', kind),
      fileName: kind === 'document' ? requireString(object, 'fileName', { maxLength: NAME_MAX }, kind) : undefined,
    },
  };
}

function requestedContent(field: (typeof CONTENT_FIELDS)[number], value: unknown): RequestedContent {
  if (field === 'text') {
    return { type: 'text', text: requireString({ text: value }, 'text', { maxLength: TEXT_MAX }) };
  }
  if ((MEDIA_KINDS as readonly string[]).includes(field)) return requestedMedia(field as MediaKind, value);
  const object = requireObject(value, field);
  switch (field) {
    case 'location':
      rejectUnknownFields(object, ['latitude', 'longitude', 'name', 'address'], field);
      return {
        type: 'location',
        location: {
          latitude: requireNumber(object, 'latitude', { min: -90, max: 90 }, field),
          longitude: requireNumber(object, 'longitude', { min: -180, max: 180 }, field),
          name: optionalString(object, 'name', { maxLength: NAME_MAX }, field),
          address: optionalString(object, 'address', { maxLength: NAME_MAX }, field),
        },
      };
    case 'contact':
      rejectUnknownFields(object, ['displayName', 'vcard'], field);
      return {
        type: 'contact',
        contact: {
          displayName: requireString(object, 'displayName', { maxLength: NAME_MAX }, field),
          vcard: requireString(object, 'vcard', { maxLength: VCARD_MAX }, field),
        },
      };
    case 'reaction': {
      rejectUnknownFields(object, ['messageId', 'emoji'], field);
      const emoji = object.emoji;
      if (typeof emoji !== 'string' || emoji.length > EMOJI_MAX) {
        throw badRequest('reaction.emoji must be a string (empty removes the reaction)');
      }
      return { type: 'reaction', messageId: requireString(object, 'messageId', { maxLength: ID_MAX }, field), emoji };
    }
    case 'edit':
      rejectUnknownFields(object, ['messageId', 'text'], field);
      return {
        type: 'edit',
        messageId: requireString(object, 'messageId', { maxLength: ID_MAX }, field),
        text: requireString(object, 'text', { maxLength: TEXT_MAX }, field),
      };
    default:
      rejectUnknownFields(object, ['messageId'], field);
      return { type: 'revoke', messageId: requireString(object, 'messageId', { maxLength: ID_MAX }, field) };
  }
}

/** Checks a send request from HTTP or the in-process handle alike: `to` and exactly one kind of content. */
export function parseSendMessage(body: unknown): ParsedSendMessage {
  const object = requireObject(body);
  rejectUnknownFields(object, [
    'to',
    ...CONTENT_FIELDS,
    'mentions',
    'mentionBy',
    'quotedId',
    'senderAddressing',
    'corruptFirstCopy',
  ]);
  const given = CONTENT_FIELDS.filter((field) => object[field] !== undefined);
  if (given.length !== 1) throw badRequest(`give exactly one of: ${CONTENT_FIELDS.join(', ')}`);
  const content = requestedContent(given[0], object[given[0]]);
  const request: ParsedSendMessage = {
    to: requireString(object, 'to', { maxLength: ID_MAX }).trim(),
    content,
    mentions: phoneNumberList(object, 'mentions', { required: false }),
    mentionBy: optionalAddressing(object, 'mentionBy'),
    quotedId: optionalString(object, 'quotedId', { maxLength: ID_MAX }),
    senderAddressing: optionalAddressing(object, 'senderAddressing'),
    corruptFirstCopy: optionalBoolean(object, 'corruptFirstCopy'),
  };
  const refersToMessage = content.type === 'reaction' || content.type === 'edit' || content.type === 'revoke';
  if (refersToMessage && (request.mentions !== undefined || request.quotedId !== undefined)) {
    throw badRequest(`${content.type} takes neither mentions nor quotedId`);
  }
  return request;
}

export function messagingRoutes(messaging: Messaging): ControlRoute[] {
  const phoneNumber = (request: ControlRequest) => parsePhoneNumber(request.params.phoneNumber);
  return [
    {
      method: 'POST',
      path: '/control/accounts/:phoneNumber/messages',
      maxBodyBytes: SEND_MESSAGE_BODY_MAX,
      handle: async (request) => ({
        status: 201,
        body: await messaging.sendMessage(phoneNumber(request), parseSendMessage(request.body)),
      }),
    },
    {
      method: 'GET',
      path: '/control/accounts/:phoneNumber/inbox',
      handle: (request) => ({ status: 200, body: messaging.inbox(phoneNumber(request)) }),
    },
    {
      method: 'GET',
      path: '/control/accounts/:phoneNumber/receipts',
      handle: (request) => ({ status: 200, body: messaging.receipts(phoneNumber(request)) }),
    },
    {
      method: 'GET',
      path: '/control/accounts/:phoneNumber/presence',
      handle: (request) => ({ status: 200, body: messaging.presence(phoneNumber(request)) }),
    },
  ];
}
