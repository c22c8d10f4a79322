// Keeps the message history bounded: messages older than MESSAGE_HISTORY_RETENTION are pruned, with chats left empty.
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { RetentionTask } from '../core/retention-task';
import { HistoryRepository } from './history.repository';

@Injectable()
export class HistoryRetention extends RetentionTask {
  protected readonly subject = 'history messages';

  constructor(
    private readonly history: HistoryRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  /** 0 stores nothing: whatever an earlier setting kept goes at the next prune. */
  protected retentionSeconds(): number {
    return this.config.history.retentionSeconds;
  }

  protected pruneFinishedBefore(before: Date): Promise<number> {
    return this.history.pruneBefore(before);
  }
}
