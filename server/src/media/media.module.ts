import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BaileysMediaFetcher } from '../whatsapp/baileys/baileys-media-fetcher';
import { FilesystemMediaStorage } from './filesystem-media-storage';
import { MediaController } from './media.controller';
import { MediaChunkEntity, MediaEntity } from './media.entity';
import { MediaFetcher } from './media-fetcher';
import { MediaLinks } from './media-links';
import { MediaRetention } from './media-retention';
import { ConfiguredMediaStorages } from './media-storages';
import { MediaRepository } from './media.repository';
import { MediaService, MediaStorages } from './media.service';
import { PostgresMediaStorage } from './postgres-media-storage';

/** Media files: storage, uploads, downloads of incoming media, signed links. */
@Module({
  imports: [TypeOrmModule.forFeature([MediaEntity, MediaChunkEntity])],
  controllers: [MediaController],
  providers: [
    MediaService,
    MediaRepository,
    MediaLinks,
    MediaRetention,
    PostgresMediaStorage,
    FilesystemMediaStorage,
    { provide: MediaStorages, useClass: ConfiguredMediaStorages },
    // Fetching needs Baileys but no socket: the media module uses it without depending on the WhatsApp module.
    { provide: MediaFetcher, useClass: BaileysMediaFetcher },
  ],
  exports: [MediaService, MediaLinks],
})
export class MediaModule {}
