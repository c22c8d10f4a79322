// MEDIA_STORAGE=postgres: files as ordered bytea chunks in media_chunks, written in one transaction.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { CompleteWrite, MediaStorage, metered, rechunk, WrittenFile } from './media-storage';
import type { ByteRange } from './media.service';

/** Big enough that a 64 MiB file is 128 rows, small enough that a range read fetches little it does not need. */
export const CHUNK_BYTES = 512 * 1024;
/** Read slice: its hex form (twice the size) stays below V8's large-object threshold. */
const SLICE_BYTES = 48 * 1024;
/** Slices fetched per query while streaming a file out (2 MiB): bounds the memory one reader holds. */
const SLICES_PER_READ = 43;

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
        let index = 0;
        let offset = 0;
        for await (const chunk of rechunk(metered(source, maxBytes, file), CHUNK_BYTES)) {
          await manager.query(`INSERT INTO media_chunks (media_id, index, "offset", data) VALUES ($1, $2, $3, $4)`, [
            mediaId,
            index,
            offset,
            chunk,
          ]);
          index += 1;
          offset += chunk.length;
        }
        await complete(file, manager);
      });
    } finally {
      // A rejected write may leave the source half-read (e.g. an upload cut at the limit): stop it.
      if (!source.readableEnded) source.destroy();
    }
    return file;
  }

  read(mediaId: string, size: number, range: ByteRange = { start: 0, end: size - 1 }): Readable {
    return Readable.from(this.chunks(mediaId, range));
  }

  /**
   * Reads the range in slices of SLICE_BYTES. pg hands bytea over as a hex string twice its size; a whole chunk's
   * string would be a large object that only a full collection frees, while a slice's is short-lived young garbage.
   */
  private async *chunks(mediaId: string, { start, end }: ByteRange): AsyncGenerator<Buffer> {
    let position = start;
    while (position <= end) {
      // The slices overlapping [position, end], a few chunks' worth at a time.
      const rows: { position: string; data: Buffer }[] = await this.dataSource.query(
        `SELECT c."offset" + s.start - 1 AS position, substring(c.data FROM s.start FOR ${SLICE_BYTES}) AS data
         FROM media_chunks c, generate_series(1, octet_length(c.data), ${SLICE_BYTES}) AS s(start)
         WHERE c.media_id = $1 AND c."offset" <= $3 AND c."offset" + octet_length(c.data) > $2
           AND c."offset" + s.start - 1 + ${SLICE_BYTES} > $2
         ORDER BY c.index, s.start LIMIT ${SLICES_PER_READ}`,
        [mediaId, position, end],
      );
      if (rows.length === 0) return;
      for (const row of rows) {
        const offset = Number(row.position);
        const from = Math.max(0, position - offset);
        const to = Math.min(row.data.length, end - offset + 1);
        if (to > from) yield row.data.subarray(from, to);
        position = offset + to;
      }
    }
  }

  async remove(mediaIds: string[]): Promise<void> {
    if (mediaIds.length === 0) return;
    await this.dataSource.query(`DELETE FROM media_chunks WHERE media_id = ANY($1::uuid[])`, [mediaIds]);
  }
}
