import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { FilesystemMediaStorage } from './filesystem-media-storage';
import type { MediaStorage } from './media-storage';
import type { MediaEntity } from './media.entity';
import { MediaStorages } from './media.service';
import { PostgresMediaStorage } from './postgres-media-storage';

/** Both storages: new files go to MEDIA_STORAGE's, older ones are read where they were written. */
@Injectable()
export class ConfiguredMediaStorages extends MediaStorages {
  readonly current: MediaStorage;

  constructor(
    config: AppConfig,
    private readonly postgres: PostgresMediaStorage,
    private readonly filesystem: FilesystemMediaStorage,
  ) {
    super();
    this.current = config.media.storage === 'filesystem' ? filesystem : postgres;
  }

  of(kind: MediaEntity['storage']): MediaStorage {
    if (kind === 'postgres') return this.postgres;
    if (kind === 'filesystem') return this.filesystem;
    return this.current;
  }
}
