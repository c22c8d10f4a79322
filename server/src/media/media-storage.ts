// Where media bytes live, behind one interface: Postgres chunks or files, chosen by MEDIA_STORAGE.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { MediaStorageKind } from '../core/config/app-config';
import { noteStreamedBytes } from '../core/memory/garbage-pacer';
import { MediaTooLargeError } from './media.errors';
import type { ByteRange } from './media.service';

/** What was written: the byte count and the hex SHA-256 of the bytes. */
export interface WrittenFile {
  size: number;
  sha256: string;
}

/**
 * Runs once every byte is written and before the file counts as stored; in Postgres inside the transaction that
 * wrote the chunks (its `transaction`), so the record and its bytes commit together. A rejection undoes the write.
 */
export type CompleteWrite = (file: WrittenFile, transaction?: EntityManager) => Promise<void>;

export abstract class MediaStorage {
  abstract readonly kind: MediaStorageKind;

  /**
   * Streams `source` in under `mediaId`, never holding the whole file. Past `maxBytes` it rejects with
   * MediaTooLargeError; on any failure nothing of the file remains.
   */
  abstract write(mediaId: string, source: Readable, maxBytes: number, complete: CompleteWrite): Promise<WrittenFile>;

  /** The file's bytes (or the inclusive `range` of them), read as the stream is consumed. */
  abstract read(mediaId: string, size: number, range?: ByteRange): Readable;

  /** Removes the files; ids without one are ignored. */
  abstract remove(mediaIds: string[]): Promise<void>;
}

/** Passes `source` through, hashing and counting it, and fails as soon as it passes `maxBytes`. */
export async function* metered(
  source: AsyncIterable<Buffer | string>,
  maxBytes: number,
  result: WrittenFile,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  for await (const piece of source) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    result.size += chunk.length;
    if (result.size > maxBytes) throw new MediaTooLargeError(maxBytes);
    hash.update(chunk);
    noteStreamedBytes(chunk.length);
    yield chunk;
  }
  result.sha256 = hash.digest('hex');
}
