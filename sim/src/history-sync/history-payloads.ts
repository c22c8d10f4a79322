// What a phone's history sync carries, built from an account's seeded chats: conversations of WebMessageInfos
// (newest message first, as WhatsApp orders them), split into chunks so a long history arrives in several
// notifications, then the push names of the people in it.
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { Account } from '../core/accounts';
import { encodeJid, PN_SERVER } from '../core/jid';
import type { SeededChat, SeededMessage } from './history-seed';

/** How many messages one notification carries at most. */
const MESSAGES_PER_CHUNK = 100;

export type HistorySyncKind = 'INITIAL_BOOTSTRAP' | 'RECENT' | 'PUSH_NAME';

export interface HistoryChunk {
  kind: HistorySyncKind;
  /** The HistorySync, its `syncType` left to the caller (Baileys' enums are loaded at run time). */
  payload: Omit<proto.IHistorySync, 'syncType'>;
  /** Unix seconds of the oldest message in the chunk (none for push names). */
  oldestTimestamp: number | undefined;
}

export interface HistoryDirectory {
  /** The account whose phone syncs. */
  owner: Account;
  /** Sim accounts by phone number: their LIDs and push names go along. */
  accountByPhone(phoneNumber: string): Account | undefined;
}

interface Slice {
  chat: SeededChat;
  /** Newest first, each with its position in the chat (1 for the oldest). */
  messages: { message: SeededMessage; order: number }[];
}

const pnJid = (phoneNumber: string): string => encodeJid(phoneNumber, PN_SERVER);
const lastTimestamp = (chat: SeededChat): number => chat.messages[chat.messages.length - 1]?.timestamp ?? 0;

/**
 * The chunks in the order a phone sends them: the most recent chats first, the first chunk as INITIAL_BOOTSTRAP
 * (with the PN↔LID mappings of everyone in the history), the rest as RECENT with `progress` reaching 100, and
 * PUSH_NAME last when anyone in the history has a push name.
 */
export function historyChunks(chats: SeededChat[], directory: HistoryDirectory): HistoryChunk[] {
  const slices = sliceIntoChunks([...chats].sort((a, b) => lastTimestamp(b) - lastTimestamp(a)));
  const total = chats.reduce((sum, chat) => sum + chat.messages.length, 0);
  const people = peopleIn(chats, directory);
  let sent = 0;
  const chunks = slices.map((chunk, index): HistoryChunk => {
    const messages = chunk.flatMap((slice) => slice.messages);
    sent += messages.length;
    return {
      kind: index === 0 ? 'INITIAL_BOOTSTRAP' : 'RECENT',
      payload: {
        conversations: chunk.map((slice) => conversation(slice, directory)),
        chunkOrder: index,
        progress: Math.floor((sent * 100) / total),
        ...(index === 0 && people.length > 0
          ? { phoneNumberToLidMappings: people.map((person) => ({ pnJid: person.jid, lidJid: person.lid })) }
          : {}),
      },
      oldestTimestamp: Math.min(...messages.map(({ message }) => message.timestamp)),
    };
  });
  if (people.length > 0) {
    chunks.push({
      kind: 'PUSH_NAME',
      payload: { pushnames: people.map((person) => ({ id: person.jid, pushname: person.pushName })) },
      oldestTimestamp: undefined,
    });
  }
  return chunks;
}

/** Fills chunks of MESSAGES_PER_CHUNK, newest messages first; a long chat continues in the next chunk. */
function sliceIntoChunks(chats: SeededChat[]): Slice[][] {
  const chunks: Slice[][] = [];
  let current: Slice[] = [];
  let room = MESSAGES_PER_CHUNK;
  for (const chat of chats) {
    const newestFirst = chat.messages.map((message, index) => ({ message, order: index + 1 })).reverse();
    while (newestFirst.length > 0) {
      const taken = newestFirst.splice(0, room);
      current.push({ chat, messages: taken });
      room -= taken.length;
      if (room === 0) {
        chunks.push(current);
        current = [];
        room = MESSAGES_PER_CHUNK;
      }
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function conversation(slice: Slice, directory: HistoryDirectory): proto.IConversation {
  const { chat } = slice;
  const partner = chat.isGroup ? undefined : directory.accountByPhone(chat.jid.split('@')[0]);
  return {
    id: chat.jid,
    messages: slice.messages.map(({ message, order }) => ({
      message: webMessageInfo(chat, message, directory),
      msgOrderId: order,
    })),
    conversationTimestamp: lastTimestamp(chat),
    ...(partner ? { lidJid: partner.lid } : {}),
  };
}

function webMessageInfo(chat: SeededChat, message: SeededMessage, directory: HistoryDirectory): proto.IWebMessageInfo {
  const author = message.author === undefined ? undefined : pnJid(message.author);
  const participant = chat.isGroup && author ? { participant: author } : {};
  const pushName = message.author === undefined ? undefined : directory.accountByPhone(message.author)?.pushName;
  return {
    key: { remoteJid: chat.jid, fromMe: author === undefined, id: message.id, ...participant },
    message: { conversation: message.text },
    messageTimestamp: message.timestamp,
    ...participant,
    ...(pushName ? { pushName } : {}),
  };
}

/** The sim accounts the history mentions (chat partners and authors), the owner left out. */
function peopleIn(chats: SeededChat[], directory: HistoryDirectory): Account[] {
  const phoneNumbers = new Set<string>();
  for (const chat of chats) {
    if (!chat.isGroup) phoneNumbers.add(chat.jid.split('@')[0]);
    for (const message of chat.messages) if (message.author !== undefined) phoneNumbers.add(message.author);
  }
  phoneNumbers.delete(directory.owner.phoneNumber);
  return [...phoneNumbers].flatMap((phoneNumber) => directory.accountByPhone(phoneNumber) ?? []);
}
