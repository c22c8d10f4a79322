// Fills the message history from what happens: messages in (live, offline, history sync), their reactions, edits and
// deletions, messages sent through the API and read receipts sent through WAGO.
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { MessageEvents } from '../messages/message-events';
import { WhatsAppEvents } from '../whatsapp/events';
import { HistoryService } from './history.service';

@Injectable()
export class HistoryRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    private readonly whatsappEvents: WhatsAppEvents,
    private readonly messageEvents: MessageEvents,
    private readonly history: HistoryService,
  ) {}

  onModuleInit(): void {
    this.unsubscribes.push(
      // Awaited by the provider before it acknowledges the message to WhatsApp, like the webhook outbox: a message
      // the history could not store is not acknowledged, and WhatsApp delivers it again after a reconnect.
      this.whatsappEvents.on('message.received', (message) => this.history.received(message)),
      this.whatsappEvents.on('message.reaction', (reaction) => this.history.reaction(reaction)),
      this.whatsappEvents.on('message.edited', (edit) => this.history.edited(edit)),
      this.whatsappEvents.on('message.revoked', (revoke) => this.history.revoked(revoke)),
      this.whatsappEvents.on('history.received', (history) => this.history.historyReceived(history)),
      this.messageEvents.useOutbox({
        write: (message, transaction) => this.history.sent(message, transaction),
        committed: () => undefined,
      }),
      this.messageEvents.onChatRead((sessionId, chatJid) => this.history.chatRead(sessionId, chatJid)),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
  }
}
