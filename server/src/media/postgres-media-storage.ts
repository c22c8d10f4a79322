// MEDIA_STORAGE=postgres: files as ordered bytea chunks in media_chunks, written in one transaction.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { CompleteWrite, MediaStorage, metered, rechunk, WrittenFile } from './media-storage';
import type { ByteRange } from './media.service';

/** Big enough that a 64 MiB file is 128 rows, small enough that a range read fetches little it does not need. */
export const CHUNK_BYTES = 512 * 1024;
/** Chunks fetched per query while streaming a file out: bounds the memory one reader holds. */
const CHUNKS_PER_READ = 4;

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

  private async *chunks(mediaId: string, { start, end }: ByteRange): AsyncGenerator<Buffer> {
    let after = -1;
    for (;;) {
      // Only the chunks that overlap the range, a few at a time.
      const rows: { index: number; offset: string; data: Buffer }[] = await this.dataSource.query(
        `SELECT index, "offset", data FROM media_chunks
         WHERE media_id = $1 AND index > $2 AND "offset" <= $4 AND "offset" + octet_length(data) > $3
         ORDER BY index LIMIT ${CHUNKS_PER_READ}`,
        [mediaId, after, start, end],
      );
      for (const row of rows) {
        const offset = Number(row.offset);
        const from = Math.max(0, start - offset);
        const to = Math.min(row.data.length, end - offset + 1);
        yield row.data.subarray(from, to);
        after = row.index;
      }
      if (rows.length < CHUNKS_PER_READ) return;
    }
  }

  async remove(mediaIds: string[]): Promise<void> {
    if (mediaIds.length === 0) return;
    await this.dataSource.query(`DELETE FROM media_chunks WHERE media_id = ANY($1::uuid[])`, [mediaIds]);
  }
}
