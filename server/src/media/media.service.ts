// Media files WAGO keeps: what arrived with incoming messages and what owners uploaded to send. Only the interface is
// settled here; the storage behind it (Postgres or the filesystem) is chosen by MEDIA_STORAGE.
import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';

/** One stored file. `ownerId` is the user whose sessions may use it. */
export interface MediaFile {
  id: string;
  ownerId: string;
  /** The session it arrived on; null for an upload. */
  sessionId: string | null;
  mimetype: string;
  fileName: string | null;
  size: number;
  /** Hex SHA-256 of the stored (decrypted) bytes. */
  sha256: string;
  createdAt: Date;
}

export interface StoreMedia {
  ownerId: string;
  sessionId?: string | null;
  mimetype: string;
  fileName?: string | null;
  /** Streamed into storage chunk by chunk, never held whole. */
  source: Readable;
}

/** An inclusive byte range of a file, as an HTTP `Range` names it. */
export interface ByteRange {
  start: number;
  end: number;
}

@Injectable()
export class MediaService {
  /**
   * Streams `source` into storage. Rejects with a 413 domain error once it passes MEDIA_MAX_BYTES, leaving nothing
   * behind.
   */
  store(_input: StoreMedia): Promise<MediaFile> {
    return Promise.reject(new Error('MediaService.store is not implemented yet'));
  }

  /** The owner's file; a NotFoundError for anyone else's or an unknown id. */
  findOwned(_ownerId: string, _mediaId: string): Promise<MediaFile> {
    return Promise.reject(new Error('MediaService.findOwned is not implemented yet'));
  }

  /** The file's bytes, or the given range of them, as a stream read from storage as it is consumed. */
  openStream(_mediaId: string, _range?: ByteRange): Promise<Readable> {
    return Promise.reject(new Error('MediaService.openStream is not implemented yet'));
  }
}
