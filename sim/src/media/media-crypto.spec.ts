import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadWaLibrary, type WaLibrary } from '../core/wa-library';
import { decryptMedia, encryptMedia, MediaIntegrityError, mediaKeys, MEDIA_KINDS } from './media-crypto';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

/** Serves files over plain HTTP, so Baileys' own downloader can fetch what the sim encrypted. */
async function serveFile(file: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => createReadStream(file).pipe(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/media`, server };
}

describe('media crypto', () => {
  let baileys: WaLibrary;
  let dir: string;

  beforeAll(async () => {
    baileys = await loadWaLibrary();
    dir = mkdtempSync(path.join(tmpdir(), 'wago-media-crypto-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(MEDIA_KINDS)('expands %s media keys exactly as Baileys does', async (kind) => {
    const mediaKey = randomBytes(32);
    const theirs = await baileys.getMediaKeys(mediaKey, kind);
    const ours = mediaKeys(mediaKey, kind);
    expect(ours.iv.toString('hex')).toBe(Buffer.from(theirs.iv).toString('hex'));
    expect(ours.cipherKey.toString('hex')).toBe(Buffer.from(theirs.cipherKey).toString('hex'));
    expect(ours.macKey.toString('hex')).toBe(Buffer.from(theirs.macKey ?? []).toString('hex'));
  });

  it('expands history sync keys as Baileys does for md-msg-hist', async () => {
    const mediaKey = randomBytes(32);
    const theirs = await baileys.getMediaKeys(mediaKey, 'md-msg-hist');
    const ours = mediaKeys(mediaKey, 'history');
    expect(ours.cipherKey.toString('hex')).toBe(Buffer.from(theirs.cipherKey).toString('hex'));
    expect(ours.macKey.toString('hex')).toBe(Buffer.from(theirs.macKey ?? []).toString('hex'));
  });

  it('encrypts media that Baileys downloads and decrypts to the same bytes', async () => {
    const plaintext = randomBytes(200_003);
    const file = path.join(dir, 'ours.enc');
    const encrypted = await encryptMedia(
      Readable.from([plaintext.subarray(0, 70_001), plaintext.subarray(70_001)]),
      'video',
      file,
    );
    expect(encrypted.fileSha256.equals(sha256(plaintext))).toBe(true);
    expect(encrypted.fileEncSha256.equals(sha256(readFileSync(file)))).toBe(true);
    expect(encrypted.fileLength).toBe(plaintext.length);

    const { url, server } = await serveFile(file);
    try {
      const stream = await baileys.downloadContentFromMessage({ mediaKey: encrypted.mediaKey, url }, 'video');
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(plaintext)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('decrypts what Baileys encrypted and checks its hashes', async () => {
    const plaintext = randomBytes(65_537);
    const theirs = await baileys.encryptedStream(plaintext, 'document');
    try {
      const decrypted = await decryptMedia(createReadStream(theirs.encFilePath, { highWaterMark: 1000 }), {
        mediaKey: theirs.mediaKey,
        kind: 'document',
        fileEncSha256: theirs.fileEncSha256,
      });
      expect(decrypted.fileSha256.equals(theirs.fileSha256)).toBe(true);
      expect(decrypted.fileLength).toBe(plaintext.length);
    } finally {
      rmSync(theirs.encFilePath, { force: true });
    }
  });

  it('rejects media whose ciphertext was altered', async () => {
    const file = path.join(dir, 'tampered.enc');
    const encrypted = await encryptMedia(Readable.from([randomBytes(1000)]), 'image', file);
    const bytes = readFileSync(file);
    bytes[5] ^= 1;
    writeFileSync(file, bytes);
    await expect(decryptMedia(createReadStream(file), { mediaKey: encrypted.mediaKey, kind: 'image' })).rejects.toThrow(
      MediaIntegrityError,
    );
    await expect(
      decryptMedia(createReadStream(file), {
        mediaKey: encrypted.mediaKey,
        kind: 'image',
        fileEncSha256: encrypted.fileEncSha256,
      }),
    ).rejects.toThrow('fileEncSha256');
  });

  it('rejects media decrypted under the wrong kind of keys', async () => {
    const file = path.join(dir, 'audio.enc');
    const encrypted = await encryptMedia(Readable.from([randomBytes(100)]), 'audio', file);
    await expect(decryptMedia(createReadStream(file), { mediaKey: encrypted.mediaKey, kind: 'video' })).rejects.toThrow(
      'MAC',
    );
  });
});
