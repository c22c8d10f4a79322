// MEDIA_STORAGE=filesystem: one file per media under MEDIA_DIR, written under a temporary name and renamed when whole.
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppConfig } from '../core/config/app-config';
import { CompleteWrite, MediaStorage, metered, WrittenFile } from './media-storage';
import type { ByteRange } from './media.service';

@Injectable()
export class FilesystemMediaStorage extends MediaStorage {
  readonly kind = 'filesystem' as const;

  constructor(private readonly config: AppConfig) {
    super();
  }

  /** Files are spread over 256 directories by their id's first two hex digits. */
  private pathOf(mediaId: string): string {
    return path.join(this.config.media.dir, mediaId.slice(0, 2), mediaId);
  }

  async write(mediaId: string, source: Readable, maxBytes: number, complete: CompleteWrite): Promise<WrittenFile> {
    const file: WrittenFile = { size: 0, sha256: '' };
    const target = this.pathOf(mediaId);
    const temporary = path.join(this.config.media.dir, 'tmp', `${mediaId}.${randomUUID()}.part`);
    await mkdir(path.dirname(temporary), { recursive: true });
    await mkdir(path.dirname(target), { recursive: true });
    let renamed = false;
    try {
      await pipeline(metered(source, maxBytes, file), createWriteStream(temporary, { mode: 0o600 }));
      await rename(temporary, target);
      renamed = true;
      await complete(file);
      return file;
    } catch (error) {
      await rm(renamed ? target : temporary, { force: true });
      throw error;
    } finally {
      if (!source.readableEnded) source.destroy();
    }
  }

  read(mediaId: string, size: number, range?: ByteRange): Readable {
    if (size === 0) return Readable.from([]);
    return createReadStream(this.pathOf(mediaId), range ? { start: range.start, end: range.end } : {});
  }

  async remove(mediaIds: string[]): Promise<void> {
    await Promise.all(mediaIds.map((mediaId) => rm(this.pathOf(mediaId), { force: true })));
  }
}
