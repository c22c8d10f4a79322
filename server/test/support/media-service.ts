// A MediaService as the server has it, on a test database: both storages, the Baileys fetcher, signed links.
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../src/core/config/app-config';
import { Clock } from '../../src/core/runtime/clock';
import { FilesystemMediaStorage } from '../../src/media/filesystem-media-storage';
import { MediaLinks } from '../../src/media/media-links';
import { ConfiguredMediaStorages } from '../../src/media/media-storages';
import { MediaEntity } from '../../src/media/media.entity';
import { MediaRepository } from '../../src/media/media.repository';
import { MediaService } from '../../src/media/media.service';
import { PostgresMediaStorage } from '../../src/media/postgres-media-storage';
import { BaileysMediaFetcher } from '../../src/whatsapp/baileys/baileys-media-fetcher';

export function mediaServiceOn(dataSource: DataSource, config: AppConfig): MediaService {
  const storages = new ConfiguredMediaStorages(
    config,
    new PostgresMediaStorage(dataSource),
    new FilesystemMediaStorage(config),
  );
  return new MediaService(
    config,
    new MediaRepository(dataSource.getRepository(MediaEntity)),
    storages,
    new BaileysMediaFetcher(),
    new MediaLinks(config),
    new Clock(),
  );
}
