// Media storage on the real Postgres and filesystem: whole files and ranges come back byte for byte, a file too large
// leaves nothing, retention prunes records and bytes, and an incoming file that cannot be fetched stays pending.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { AppConfig, loadAppConfig } from '../../src/core/config/app-config';
import { Clock } from '../../src/core/runtime/clock';
import { FilesystemMediaStorage } from '../../src/media/filesystem-media-storage';
import { MediaFetcher } from '../../src/media/media-fetcher';
import { MediaLinks } from '../../src/media/media-links';
import { MediaRetention } from '../../src/media/media-retention';
import { ConfiguredMediaStorages } from '../../src/media/media-storages';
import { MediaEntity } from '../../src/media/media.entity';
import { MediaTooLargeError } from '../../src/media/media.errors';
import { MediaRepository } from '../../src/media/media.repository';
import { MediaService } from '../../src/media/media.service';
import { CHUNK_BYTES, CHUNKS_PER_READ, PostgresMediaStorage } from '../../src/media/postgres-media-storage';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_JWT_SECRET } from '../support/server-process';
import { insertSession } from '../support/session-rows';

/** Serves files from memory as WhatsApp's media servers would, after decryption; or fails. */
class FakeFetcher extends MediaFetcher {
  readonly files = new Map<string, Buffer>();
  fetches = 0;

  fetch(ref: { directPath: string | null }): Promise<Readable> {
    this.fetches += 1;
    const file = this.files.get(ref.directPath ?? '');
    return file ? Promise.resolve(Readable.from([file])) : Promise.reject(new Error('media server answered 404'));
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.each(['postgres', 'filesystem'] as const)('media storage: %s', (storage) => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let mediaDir: string;
  let config: AppConfig;
  let fetcher: FakeFetcher;
  let repository: MediaRepository;
  let storages: ConfiguredMediaStorages;
  let service: MediaService;
  let ownerId: string;
  let sessionId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.dataSource();
    mediaDir = await mkdtemp(path.join(tmpdir(), 'wago-media-'));
    config = loadAppConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: database.url,
      MEDIA_STORAGE: storage,
      MEDIA_DIR: mediaDir,
      MEDIA_MAX_BYTES: String(3 * CHUNK_BYTES),
    });
    fetcher = new FakeFetcher();
    repository = new MediaRepository(dataSource.getRepository(MediaEntity));
    storages = new ConfiguredMediaStorages(
      config,
      new PostgresMediaStorage(dataSource),
      new FilesystemMediaStorage(config),
    );
    service = new MediaService(config, repository, storages, fetcher, new MediaLinks(config), new Clock());
    sessionId = await insertSession(dataSource);
    ownerId = (
      await dataSource.query<{ owner_id: string }[]>(`SELECT owner_id FROM sessions WHERE id = $1`, [sessionId])
    )[0].owner_id;
  });

  afterAll(async () => {
    await database?.drop();
    await rm(mediaDir, { recursive: true, force: true });
  });

  /** What is left of files in storage: chunk rows, or files and temporaries on disk. */
  async function leftovers(): Promise<number> {
    if (storage === 'postgres') {
      return Number((await dataSource.query<{ count: string }[]>(`SELECT count(*) FROM media_chunks`))[0].count);
    }
    const entries = await readdir(mediaDir, { recursive: true, withFileTypes: true });
    return entries.filter((entry) => entry.isFile()).length;
  }

  it('stores a file of several chunks streamed in odd pieces and gives it back byte for byte', async () => {
    const data = randomBytes(2 * CHUNK_BYTES + 12_345);
    const source = Readable.from(
      Array.from({ length: 40 }, (_, i) => data.subarray(i * 13_421, (i + 1) * 13_421)).concat(
        data.subarray(40 * 13_421),
      ),
    );
    const file = await service.store({ ownerId, mimetype: 'application/pdf', fileName: 'a.pdf', source });
    expect(file).toMatchObject({
      ownerId,
      sessionId: null,
      size: data.length,
      sha256: sha256(data),
      fileName: 'a.pdf',
    });
    expect(await readAll(await service.openStream(file.id))).toEqual(data);
    if (storage === 'postgres') {
      const rows = await dataSource.query(`SELECT count(*)::int AS n FROM media_chunks WHERE media_id = $1`, [file.id]);
      expect(rows[0].n).toBe(3);
    }
  });

  it('reads ranges inside a chunk, across chunk borders and up to the last byte', async () => {
    const data = randomBytes(2 * CHUNK_BYTES + 100);
    const file = await service.store({ ownerId, mimetype: 'video/mp4', source: Readable.from([data]) });
    for (const [start, end] of [
      [0, 0],
      [10, 20],
      [CHUNK_BYTES - 5, CHUNK_BYTES + 5],
      [CHUNK_BYTES, 2 * CHUNK_BYTES - 1],
      [100, 2 * CHUNK_BYTES + 50],
      [2 * CHUNK_BYTES + 99, 2 * CHUNK_BYTES + 99],
    ]) {
      expect(await readAll(await service.openStream(file.id, { start, end }))).toEqual(data.subarray(start, end + 1));
    }
  });

  describe('a file longer than one read', () => {
    // Postgres reads CHUNKS_PER_READ chunks per query; the file system has no such windows but must give the same bytes.
    const data = randomBytes((CHUNKS_PER_READ + 1) * CHUNK_BYTES + 777);
    let fileId: string;

    beforeAll(async () => {
      const roomy = new MediaService(
        loadAppConfig({
          JWT_SECRET: TEST_JWT_SECRET,
          DATABASE_URL: database.url,
          MEDIA_STORAGE: storage,
          MEDIA_DIR: mediaDir,
          MEDIA_MAX_BYTES: String(data.length),
        }),
        repository,
        storages,
        fetcher,
        new MediaLinks(config),
        new Clock(),
      );
      const source = Readable.from(Array.from({ length: 100 }, (_, i) => data.subarray(i * 50_000, (i + 1) * 50_000)));
      fileId = (await roomy.store({ ownerId, mimetype: 'video/mp4', source })).id;
    });

    it('is read whole and in ranges across the border between reads', async () => {
      const border = CHUNKS_PER_READ * CHUNK_BYTES;
      expect(sha256(await readAll(await service.openStream(fileId)))).toBe(sha256(data));
      for (const [start, end] of [
        [border - 3, border + 3],
        [1, data.length - 2],
        [border, data.length - 1],
      ]) {
        const range = await readAll(await service.openStream(fileId, { start, end }));
        expect(sha256(range)).toBe(sha256(data.subarray(start, end + 1)));
      }
    });

    it('gives back what a reader stopped halfway held, so later reads still get a connection', async () => {
      // More abandoned reads than the pool has connections: a leaked connection would leave the last read waiting.
      for (let i = 0; i < 25; i++) {
        const stream = await service.openStream(fileId);
        await new Promise((resolve) => stream.once('data', resolve));
        stream.destroy();
      }
      expect(sha256(await readAll(await service.openStream(fileId)))).toBe(sha256(data));
    });
  });

  it('refuses a file past MEDIA_MAX_BYTES with a 413 and leaves nothing of it', async () => {
    const before = await leftovers();
    const records = await repository.createdBefore(new Date(Date.now() + 60_000), 1000);
    const source = Readable.from(Array.from({ length: 8 }, () => randomBytes(CHUNK_BYTES / 2)));
    await expect(service.store({ ownerId, mimetype: 'image/png', source })).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(await leftovers()).toBe(before);
    expect(await repository.createdBefore(new Date(Date.now() + 60_000), 1000)).toHaveLength(records.length);
  });

  it('is the owner’s alone: anyone else gets a 404', async () => {
    const file = await service.store({ ownerId, mimetype: 'text/plain', source: Readable.from([Buffer.from('hi')]) });
    await expect(service.findOwned(ownerId, file.id)).resolves.toMatchObject({ id: file.id, size: 2 });
    const other = (
      await dataSource.query<{ owner_id: string }[]>(`SELECT owner_id FROM sessions WHERE id = $1`, [
        await insertSession(dataSource),
      ])
    )[0].owner_id;
    await expect(service.findOwned(other, file.id)).rejects.toMatchObject({ status: 404 });
  });

  it('downloads an incoming file, checks it against the SHA-256 its sender announced, and records it once', async () => {
    const data = randomBytes(CHUNK_BYTES + 1);
    fetcher.files.set('/in/1', data);
    const incoming = {
      sessionId,
      messageId: `IN1-${storage}`,
      mimetype: 'image/jpeg',
      fileName: null,
      size: data.length,
      download: {
        type: 'image',
        directPath: '/in/1',
        url: null,
        mediaKey: 'a2V5',
        fileSha256: createHash('sha256').update(data).digest('base64'),
      },
    };
    const received = await service.receive(incoming);
    expect(received).toMatchObject({ status: 'stored', size: data.length, sha256: sha256(data) });
    const fetches = fetcher.fetches;
    expect(await service.receive(incoming)).toEqual(received);
    expect(fetcher.fetches).toBe(fetches);
    expect(await readAll(await service.openStream(received.id))).toEqual(data);
    const row = await repository.findById(received.id);
    expect(row?.download).toBeNull();
  });

  it('leaves an incoming file it cannot fetch or verify pending, and fetches it at the first request', async () => {
    const data = randomBytes(1000);
    const incoming = {
      sessionId,
      messageId: `IN2-${storage}`,
      mimetype: 'audio/ogg',
      fileName: null,
      size: null,
      download: { type: 'audio', directPath: '/in/2', url: null, mediaKey: 'a2V5', fileSha256: null },
    };
    const received = await service.receive(incoming);
    expect(received).toMatchObject({ status: 'pending', sha256: null });
    fetcher.files.set('/in/2', data);
    await expect(service.findOwned(ownerId, received.id)).resolves.toMatchObject({ size: 1000, sha256: sha256(data) });
    expect(await readAll(await service.openStream(received.id))).toEqual(data);

    fetcher.files.set('/in/3', data);
    const tampered = await service.receive({
      ...incoming,
      messageId: `IN3-${storage}`,
      download: { ...incoming.download, directPath: '/in/3', fileSha256: Buffer.alloc(32).toString('base64') },
    });
    expect(tampered.status).toBe('pending');
  });

  it('records an incoming file over MEDIA_MAX_BYTES as unavailable without fetching it', async () => {
    const fetches = fetcher.fetches;
    const received = await service.receive({
      sessionId,
      messageId: `IN4-${storage}`,
      mimetype: 'video/mp4',
      fileName: null,
      size: 10 * CHUNK_BYTES,
      download: { type: 'video', directPath: '/in/4', url: null, mediaKey: 'a2V5', fileSha256: null },
    });
    expect(received).toMatchObject({ status: 'unavailable', unavailableReason: 'too_large' });
    expect(fetcher.fetches).toBe(fetches);
    await expect(service.findOwned(ownerId, received.id)).rejects.toMatchObject({ status: 410 });
  });

  it('prunes files older than MEDIA_RETENTION, records and bytes, and keeps newer ones', async () => {
    const old = await service.store({ ownerId, mimetype: 'text/plain', source: Readable.from([randomBytes(10)]) });
    const fresh = await service.store({ ownerId, mimetype: 'text/plain', source: Readable.from([randomBytes(10)]) });
    await dataSource.query(`UPDATE media SET created_at = now() - interval '8 days' WHERE id = $1`, [old.id]);
    const before = await leftovers();
    await new MediaRetention(repository, storages, config).prune();
    expect(await repository.findById(old.id)).toBeNull();
    expect(await repository.findById(fresh.id)).not.toBeNull();
    expect(await leftovers()).toBe(before - 1);
  });
});
