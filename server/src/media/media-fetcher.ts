import type { Readable } from 'node:stream';
import type { MediaDownloadRef } from './media.entity';

/** Fetches an incoming file from WhatsApp's media servers and decrypts it, as a stream (Baileys behind it). */
export abstract class MediaFetcher {
  abstract fetch(ref: MediaDownloadRef): Promise<Readable>;
}
