// MEDIA_STORAGE=postgres: files as ordered bytea chunks in media_chunks, streamed in and out with binary COPY.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { CompleteWrite, MediaStorage, metered, WrittenFile } from './media-storage';
import type { ByteRange } from './media.service';
import { decodeSingleColumn, encodeChunkRows, groupIntoRows } from './pg-binary-copy';

/** Big enough that a 64 MiB file is 128 rows, small enough that a range read fetches little it does not need. */
export const CHUNK_BYTES = 512 * 1024;
/**
 * Chunks one read fetches (4 MiB). A read holds a pooled connection while its consumer takes the bytes; between
 * windows it gives it back, so a slow download never holds one for the whole file.
 */
export const CHUNKS_PER_READ = 8;

/**
 * Why COPY and not INSERT/SELECT: pg sends a parameter through a message buffer that grows to the chunk's size and is
 * reallocated per query, and reads bytea as a hex string twice its size. Every chunk became several short-lived
 * copies, enough of them alive at each collection to be promoted, and a 64 MiB file grew the process by 60–80 MiB.
 * Binary COPY moves the bytes as they are, in the stream's own pieces, with backpressure both ways.
 */
@Injectable()
export class PostgresMediaStorage extends MediaStorage {
  readonly kind = 'postgres' as const;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  /** One transaction: a failure or a file too large rolls back every chunk written so far. */
  async write(mediaId: string, source: Readable, maxBytes: number, complete: CompleteWrite): Promise<WrittenFile> {
    const file: WrittenFile = { size: 0, sha256: '' };
    try {
      await this.dataSource.transaction(async (manager) => {
        // TypeORM runs a transaction on one query runner; its connection is the pg client the COPY must use.
        if (!manager.queryRunner) throw new Error('A transaction without its query runner');
        const client = (await manager.queryRunner.connect()) as PoolClient;
        const rows = groupIntoRows(metered(source, maxBytes, file), CHUNK_BYTES);
        await pipeline(
          encodeChunkRows(mediaId, rows),
          client.query(copyFrom(`COPY media_chunks (media_id, index, "offset", data) FROM STDIN (FORMAT binary)`)),
        );
        await complete(file, manager);
      });
    } finally {
      // A rejected write may leave the source half-read (e.g. an upload cut at the limit): stop it.
      if (!source.readableEnded) source.destroy();
    }
    return file;
  }

  read(mediaId: string, size: number, range: ByteRange = { start: 0, end: size - 1 }): Readable {
    return Readable.from(this.windows(mediaId, range));
  }

  /** The range, CHUNKS_PER_READ chunks at a time. */
  private async *windows(mediaId: string, { start, end }: ByteRange): AsyncGenerator<Buffer> {
    let position = start;
    while (position <= end) {
      const before = position;
      for await (const piece of this.window(mediaId, position, end)) {
        position += piece.length;
        yield piece;
      }
      if (position === before) return;
    }
  }

  /**
   * The bytes of [start, end] held by the next CHUNKS_PER_READ chunks from `start`. COPY takes no parameters: the id
   * and the offsets are checked to be a UUID and integers before they are written into the statement.
   */
  private async *window(mediaId: string, start: number, end: number): AsyncGenerator<Buffer> {
    if (!isUUID(mediaId) || !Number.isSafeInteger(start) || !Number.isSafeInteger(end)) {
      throw new Error('A media read needs a UUID and integer offsets');
    }
    const client = await this.pool().connect();
    let finished = false;
    try {
      const copy = client.query(
        copyTo(`COPY (
          SELECT substring(data FROM (GREATEST(${start} - "offset", 0) + 1)::int
                           FOR (LEAST(${end}, "offset" + octet_length(data) - 1) - GREATEST(${start}, "offset") + 1)::int)
          FROM media_chunks
          WHERE media_id = '${mediaId}' AND "offset" <= ${end} AND "offset" + octet_length(data) > ${start}
          ORDER BY index LIMIT ${CHUNKS_PER_READ}
        ) TO STDOUT (FORMAT binary)`),
      );
      yield* decodeSingleColumn(copy);
      finished = true;
    } finally {
      // A read stopped halfway (the client went away) leaves the connection inside a COPY: close it, don't reuse it.
      client.release(!finished);
    }
  }

  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  async remove(mediaIds: string[]): Promise<void> {
    if (mediaIds.length === 0) return;
    await this.dataSource.query(`DELETE FROM media_chunks WHERE media_id = ANY($1::uuid[])`, [mediaIds]);
  }
}
