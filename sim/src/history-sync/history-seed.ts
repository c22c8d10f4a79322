// The chats an account's phone already holds when it is created (`POST /control/accounts {history}`): what the phone
// syncs to each device linked to it afterwards. Checked and bounded here, kept per account.
import { badRequest } from '../control/control-error';
import {
  parsePhoneNumber,
  rejectUnknownFields,
  requireNumber,
  requireObject,
  requireString,
  type JsonObject,
} from '../control/validation';
import type { Account } from '../core/accounts';
import { decodeJid, encodeJid, GROUP_SERVER, PN_SERVER } from '../core/jid';
import { newMessageId } from '../messaging/messaging';

/** A chat as given: `chat` a phone number or a group JID, its messages oldest first. */
export interface HistoryChatInput {
  chat: string;
  messages: {
    /** `"me"` (the account's phone sent it) or the author's phone number. */
    from: string;
    text: string;
    /** Unix seconds; defaults to a minute after the message before it. */
    timestamp?: number;
    /** Defaults to an iPhone-style id (`3A` and 18 hex digits). */
    id?: string;
  }[];
}

export interface SeededMessage {
  id: string;
  /** The author's phone number, or undefined for the account itself. */
  author: string | undefined;
  text: string;
  /** Unix seconds. */
  timestamp: number;
}

export interface SeededChat {
  /** The chat's JID: a person's PN JID or a group JID. */
  jid: string;
  isGroup: boolean;
  /** Oldest first. */
  messages: SeededMessage[];
}

const HISTORY_MAX_CHATS = 50;
const HISTORY_MAX_MESSAGES = 1_000;
const TEXT_MAX = 65_536;
const ID_MAX = 128;
const MAX_TIMESTAMP = 2 ** 32 - 1;
const DEFAULT_GAP_SECONDS = 60;
const GROUP_JID = /^\d+(-\d+)?@g\.us$/;

/**
 * Checks a history from HTTP or the in-process handle alike. `now` (Unix seconds) anchors default timestamps: a chat
 * whose first message has none starts as many minutes before now as it has messages.
 */
export function parseHistory(value: unknown, owner: { phoneNumber: string; now: number }): SeededChat[] {
  if (!Array.isArray(value)) throw badRequest('history must be an array of chats');
  if (value.length > HISTORY_MAX_CHATS) throw badRequest(`history takes at most ${HISTORY_MAX_CHATS} chats`);
  let total = 0;
  const seen = new Set<string>();
  return value.map((item, index) => {
    const within = `history[${index}]`;
    const chat = parseChat(requireObject(item, within), within, owner);
    if (seen.has(chat.jid)) throw badRequest(`${within}.chat: ${chat.jid} appears twice in history`);
    seen.add(chat.jid);
    total += chat.messages.length;
    if (total > HISTORY_MAX_MESSAGES) throw badRequest(`history takes at most ${HISTORY_MAX_MESSAGES} messages`);
    return chat;
  });
}

function parseChat(input: JsonObject, within: string, owner: { phoneNumber: string; now: number }): SeededChat {
  rejectUnknownFields(input, ['chat', 'messages'], within);
  const chat = requireString(input, 'chat', { maxLength: ID_MAX }, within).trim();
  const isGroup = decodeJid(chat)?.server === GROUP_SERVER;
  if (isGroup && !GROUP_JID.test(chat)) throw badRequest(`${within}.chat must be a phone number or a group JID`);
  const partner = isGroup ? undefined : parsePhoneNumber(chat, `${within}.chat`);
  const list = input.messages;
  if (!Array.isArray(list) || list.length === 0) throw badRequest(`${within}.messages must be a non-empty array`);
  let previous = owner.now - list.length * DEFAULT_GAP_SECONDS;
  const ids = new Set<string>();
  const messages = list.map((item, index): SeededMessage => {
    const at = `${within}.messages[${index}]`;
    const message = requireObject(item, at);
    rejectUnknownFields(message, ['from', 'text', 'timestamp', 'id'], at);
    const from = requireString(message, 'from', { maxLength: ID_MAX }, at).trim();
    const author = from === 'me' ? undefined : parsePhoneNumber(from, `${at}.from`);
    if (author === owner.phoneNumber) throw badRequest(`${at}.from: the account's own messages are from "me"`);
    if (partner !== undefined && author !== undefined && author !== partner) {
      throw badRequest(`${at}.from must be "me" or ${partner} in a chat with ${partner}`);
    }
    const timestamp =
      message.timestamp === undefined
        ? previous + (index === 0 ? 0 : DEFAULT_GAP_SECONDS)
        : Math.floor(requireNumber(message, 'timestamp', { min: 1, max: MAX_TIMESTAMP }, at));
    if (timestamp < previous && index > 0) throw badRequest(`${at}.timestamp: messages must be oldest first`);
    previous = timestamp;
    const id = message.id === undefined ? undefined : requireString(message, 'id', { maxLength: ID_MAX }, at);
    if (id !== undefined && ids.has(id)) throw badRequest(`${at}.id: ${id} appears twice in this chat`);
    if (id !== undefined) ids.add(id);
    const text = requireString(message, 'text', { maxLength: TEXT_MAX }, at);
    return { id: id ?? newMessageId(), author, text, timestamp };
  });
  return { jid: partner === undefined ? chat : encodeJid(partner, PN_SERVER), isGroup, messages };
}

/** The history each account was created with, until the account is gone. */
export class HistorySeeds {
  private readonly seeds = new WeakMap<Account, SeededChat[]>();

  set(account: Account, history: SeededChat[]): void {
    if (history.length > 0) this.seeds.set(account, history);
  }

  get(account: Account): SeededChat[] | undefined {
    return this.seeds.get(account);
  }
}
