// Keeps media bounded: files older than MEDIA_RETENTION are deleted, their bytes first, then their records.
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { RetentionTask } from '../core/retention-task';
import { MediaStorages } from './media.service';
import { MediaRepository } from './media.repository';

const PRUNE_BATCH = 500;

@Injectable()
export class MediaRetention extends RetentionTask {
  protected readonly subject = 'media files';

  constructor(
    private readonly media: MediaRepository,
    private readonly storages: MediaStorages,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected retentionSeconds(): number {
    return this.config.media.retentionSeconds;
  }

  protected async pruneFinishedBefore(before: Date): Promise<number> {
    let pruned = 0;
    for (;;) {
      const batch = await this.media.createdBefore(before, PRUNE_BATCH);
      if (batch.length === 0) return pruned;
      // Files go before their records: a crash in between leaves a record whose removal is simply repeated.
      const onDisk = batch.filter((media) => media.storage === 'filesystem').map((media) => media.id);
      await this.storages.of('filesystem').remove(onDisk);
      await this.media.delete(batch.map((media) => media.id));
      pruned += batch.length;
      if (batch.length < PRUNE_BATCH) return pruned;
    }
  }
}
