// The last messages each session received, per chat, kept in memory: WAGO stores no incoming history, but reacting
// to a group message needs its sender and "mark the chat read" needs the ids of what arrived. Bounded per chat and
// per session; it holds what this process received since it started (the node holding the session's connection).
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MessageReceived, WhatsAppEvents } from '../whatsapp/events';
import type { MessageRef } from '../whatsapp/whatsapp.provider';

/** Messages remembered per chat; an older one can still be named by id (in direct chats, or by its sender). */
const PER_CHAT = 256;
/** Chats remembered per session, the least recently active forgotten first. */
const CHATS_PER_SESSION = 1000;

interface Remembered {
  ref: MessageRef;
  read: boolean;
}

@Injectable()
export class RecentIncoming implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Session → chat → message id, in arrival order (Maps keep insertion order, which is what bounds them). */
  private readonly sessions = new Map<string, Map<string, Map<string, Remembered>>>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly events: WhatsAppEvents) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.events.on('message.received', (message) => this.remember(message));
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  remember(message: MessageReceived): void {
    let chats = this.sessions.get(message.sessionId);
    if (!chats) {
      chats = new Map();
      this.sessions.set(message.sessionId, chats);
    }
    const chat = chats.get(message.chatJid) ?? new Map<string, Remembered>();
    chats.delete(message.chatJid);
    chats.set(message.chatJid, chat);
    if (chats.size > CHATS_PER_SESSION) chats.delete(chats.keys().next().value as string);
    // Bot replies quote the sender the same way: the PN when known, else the LID.
    const sender = message.chatType === 'group' && !message.fromMe ? (message.senderPn ?? message.senderLid) : null;
    chat.set(message.messageId, {
      ref: { chatJid: message.chatJid, messageId: message.messageId, fromMe: message.fromMe, sender },
      // Own messages (from the phone) need no read receipt.
      read: message.fromMe,
    });
    if (chat.size > PER_CHAT) chat.delete(chat.keys().next().value as string);
  }

  find(sessionId: string, chatJid: string, messageId: string): MessageRef | undefined {
    return this.sessions.get(sessionId)?.get(chatJid)?.get(messageId)?.ref;
  }

  /** The chat's messages from others not marked read yet, oldest first. */
  unread(sessionId: string, chatJid: string): MessageRef[] {
    const chat = this.sessions.get(sessionId)?.get(chatJid);
    return [...(chat?.values() ?? [])].filter((entry) => !entry.read).map((entry) => entry.ref);
  }

  markedRead(sessionId: string, chatJid: string, messageIds: string[]): void {
    const chat = this.sessions.get(sessionId)?.get(chatJid);
    for (const messageId of messageIds) {
      const entry = chat?.get(messageId);
      if (entry) entry.read = true;
    }
  }
}
