// Receipts move sent messages forward (delivered, read), so a message's status answers "did it arrive?".
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MessageAck, WhatsAppEvents } from '../whatsapp/events';
import { OutgoingMessagesRepository } from './outgoing-messages.repository';

@Injectable()
export class MessageReceipts implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageReceipts.name);
  private readonly pending = new Set<Promise<void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly whatsappEvents: WhatsAppEvents,
    private readonly messages: OutgoingMessagesRepository,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.whatsappEvents.on('message.ack', (ack) => {
      const task = this.apply(ack).finally(() => this.pending.delete(task));
      this.pending.add(task);
      return task;
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.pending]);
  }

  async apply(ack: MessageAck): Promise<void> {
    if (ack.status === 'server') return;
    try {
      await this.messages.acknowledge(ack.sessionId, ack.messageId, ack.status);
    } catch (error) {
      this.logger.error({ err: error, sessionId: ack.sessionId }, `Receipt not recorded: ${ack.messageId}`);
    }
  }
}
