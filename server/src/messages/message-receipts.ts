// Receipts move sent messages forward (delivered, read), so a message's status answers "did it arrive?".
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../core/runtime/clock';
import { TaskTracker } from '../core/runtime/task-tracker';
import { MessageAck, WhatsAppEvents } from '../whatsapp/events';
import { OutgoingMessagesRepository } from './outgoing-messages.repository';

/** Receipts still being written at shutdown get this long; each is one short UPDATE. */
const SHUTDOWN_GRACE_MS = 5000;

@Injectable()
export class MessageReceipts implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageReceipts.name);
  private readonly writes: TaskTracker;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly whatsappEvents: WhatsAppEvents,
    private readonly messages: OutgoingMessagesRepository,
    clock: Clock,
  ) {
    this.writes = new TaskTracker(clock);
  }

  onModuleInit(): void {
    this.unsubscribe = this.whatsappEvents.on('message.ack', (ack) => this.writes.track(this.apply(ack)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.writes.drain(SHUTDOWN_GRACE_MS);
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
