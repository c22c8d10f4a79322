// Keeps the sent-message record bounded: finished messages (and their Idempotency-Keys) older than MESSAGE_RETENTION
// are pruned.
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { RetentionTask } from '../core/retention-task';
import { OutgoingMessagesRepository } from './outgoing-messages.repository';

@Injectable()
export class MessageRetention extends RetentionTask {
  protected readonly subject = 'sent messages';

  constructor(
    private readonly messages: OutgoingMessagesRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected retentionSeconds(): number {
    return this.config.messaging.retentionSeconds;
  }

  protected pruneFinishedBefore(before: Date): Promise<number> {
    return this.messages.pruneFinished(before);
  }
}
