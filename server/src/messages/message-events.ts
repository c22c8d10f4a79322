// In-process notifications of the messages module (the webhooks module turns them into `message.sent` and
// `message.ack` events for subscribers).
import { Injectable, Logger } from '@nestjs/common';

export interface MessageSent {
  sessionId: string;
  messageId: string;
  chatJid: string;
  chatType: 'direct' | 'group';
  text: string;
  mentions: string[];
  replyTo: string | null;
  /** ISO 8601. */
  timestamp: string;
}

type Listener = (event: MessageSent) => void | Promise<void>;

@Injectable()
export class MessageEvents {
  private readonly logger = new Logger(MessageEvents.name);
  private readonly listeners = new Set<Listener>();

  /** Returns the unsubscribe function. */
  onSent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves once every listener has handled the event (a failing listener is logged, not thrown). */
  async emitSent(event: MessageSent): Promise<void> {
    await Promise.all(
      [...this.listeners].map(async (listener) => {
        try {
          await listener(event);
        } catch (error) {
          this.logger.error({ err: error, sessionId: event.sessionId }, 'A message.sent listener failed');
        }
      }),
    );
  }
}
