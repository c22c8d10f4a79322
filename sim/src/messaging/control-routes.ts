// The control routes of messaging: create groups, make sim accounts send, read what linked devices sent them.
import { badRequest } from '../control/control-error';
import type { ControlRequest, ControlRoute } from '../control/router';
import {
  optionalBoolean,
  optionalString,
  parsePhoneNumber,
  rejectUnknownFields,
  requireObject,
  requireOneOf,
  requireString,
  type JsonObject,
} from '../control/validation';
import type { CreateGroupRequest, Messaging, SendMessageRequest } from './messaging';
import type { Addressing } from './stanzas';

const ADDRESSING: readonly Addressing[] = ['pn', 'lid'];
/** WhatsApp's own limits: a group subject of 100 characters, a text of 65,536. */
const SUBJECT_MAX = 100;
const TEXT_MAX = 65_536;
const ID_MAX = 128;

function optionalAddressing(body: JsonObject, field: string): Addressing | undefined {
  return body[field] === undefined ? undefined : requireOneOf(body, field, ADDRESSING);
}

function phoneNumberList(body: JsonObject, field: string, options: { required: boolean }): string[] | undefined {
  const value = body[field];
  if (value === undefined && !options.required) return undefined;
  if (!Array.isArray(value) || (options.required && value.length === 0)) {
    throw badRequest(`${field} must be ${options.required ? 'a non-empty' : 'an'} array of phone numbers`);
  }
  return value.map((item, index) => parsePhoneNumber(item, `${field}[${index}]`));
}

/** Checks a group request from HTTP or the in-process handle alike; `addressingMode` defaults to WhatsApp's `lid`. */
export function parseCreateGroup(body: unknown): CreateGroupRequest {
  const object = requireObject(body);
  rejectUnknownFields(object, ['subject', 'participants', 'addressingMode']);
  return {
    subject: requireString(object, 'subject', { maxLength: SUBJECT_MAX }),
    participants: phoneNumberList(object, 'participants', { required: true }) ?? [],
    addressingMode: optionalAddressing(object, 'addressingMode') ?? 'lid',
  };
}

export function parseSendMessage(body: unknown): SendMessageRequest {
  const object = requireObject(body);
  rejectUnknownFields(object, [
    'to',
    'text',
    'mentions',
    'mentionBy',
    'quotedId',
    'senderAddressing',
    'corruptFirstCopy',
  ]);
  return {
    to: requireString(object, 'to', { maxLength: ID_MAX }).trim(),
    text: requireString(object, 'text', { maxLength: TEXT_MAX }),
    mentions: phoneNumberList(object, 'mentions', { required: false }),
    mentionBy: optionalAddressing(object, 'mentionBy'),
    quotedId: optionalString(object, 'quotedId', { maxLength: ID_MAX }),
    senderAddressing: optionalAddressing(object, 'senderAddressing'),
    corruptFirstCopy: optionalBoolean(object, 'corruptFirstCopy'),
  };
}

export function messagingRoutes(messaging: Messaging): ControlRoute[] {
  const phoneNumber = (request: ControlRequest) => parsePhoneNumber(request.params.phoneNumber);
  return [
    {
      method: 'POST',
      path: '/control/groups',
      handle: async (request) => ({ status: 201, body: await messaging.createGroup(parseCreateGroup(request.body)) }),
    },
    {
      method: 'POST',
      path: '/control/accounts/:phoneNumber/messages',
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
  ];
}
