// Downloads and decrypts incoming media with Baileys: a stream of the plain file, never a buffer of it.
import { Injectable } from '@nestjs/common';
import type { MediaType } from '@whiskeysockets/baileys';
import type { Readable } from 'node:stream';
import { MediaFetcher } from '../../media/media-fetcher';
import type { MediaDownloadRef } from '../../media/media.entity';
import { loadBaileys } from './baileys';

@Injectable()
export class BaileysMediaFetcher extends MediaFetcher {
  async fetch(ref: MediaDownloadRef): Promise<Readable> {
    const baileys = await loadBaileys();
    return baileys.downloadContentFromMessage(
      { mediaKey: Buffer.from(ref.mediaKey, 'base64'), directPath: ref.directPath, url: ref.url },
      ref.type as MediaType,
    );
  }
}
