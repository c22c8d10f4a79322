// The sim's media server, as WhatsApp's `mmg` hosts behave for Baileys: HTTPS uploads to `/mms/<type>/<token>` checked
// against the media_conn auth and the token (the SHA-256 of the encrypted file), and downloads of the `direct_path`
// it answered, with Range support. It also serves profile pictures, as WhatsApp's `pps` hosts do. Files live in a
// temp directory that is removed at stop.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { encryptMedia, type EncryptedMedia, type MediaKeyKind } from './media-crypto';
import type { ServerCertificate } from './sim-ca';

/** What WhatsApp accepts for a document (2 GiB); the file goes to disk, so only the disk bounds it. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;
/** How long a media_conn answer stays valid (`ttl`), as WhatsApp's. */
export const MEDIA_CONN_TTL_SECONDS = 300;
/** Where files live in URLs: encrypted message media as on `mmg` hosts, plain JPEG profile pictures as on `pps`. */
const PATHS = {
  media: { prefix: '/v/t62.7118-24/f2/m231/', suffix: '.enc', contentType: 'application/octet-stream' },
  picture: { prefix: '/v/t61.24694-24/', suffix: '.jpg', contentType: 'image/jpeg' },
} as const;
type PathKind = keyof typeof PATHS;
const URL_LIFETIME_SECONDS = 14 * 86_400;

export interface StoredMedia {
  url: string;
  directPath: string;
}

interface MediaFile {
  file: string;
  size: number;
  kind: PathKind;
}

export class MediaHost {
  /** The `auth` of every media_conn answer; an upload without it is refused, as WhatsApp refuses a stale one. */
  readonly auth = randomBytes(24).toString('base64');
  private readonly server: Server;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'wago-sim-media-'));
  private readonly files = new Map<string, MediaFile>();
  /** Signs the `oh` of direct paths, so only paths this host handed out are served. */
  private readonly pathSecret = randomBytes(32);
  private hostname = '';

  constructor(
    certificate: ServerCertificate,
    private readonly logger: Logger,
  ) {
    this.server = createServer(
      { cert: certificate.certificatePem, key: certificate.privateKeyPem },
      (request, response) => void this.serve(request, response),
    );
  }

  /** Listens and answers the `host:port` devices are told (e.g. `127.0.0.1:44123`). */
  async listen(port: number, host: string, advertisedHost: string): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.hostname = `${advertisedHost.includes(':') ? `[${advertisedHost}]` : advertisedHost}:${address.port}`;
    return this.hostname;
  }

  /** A phone's own upload: encrypts the plaintext straight into the store. */
  async storeEncrypted(plaintext: AsyncIterable<Buffer>, kind: MediaKeyKind): Promise<EncryptedMedia & StoredMedia> {
    const id = randomBytes(20).toString('hex');
    const file = path.join(this.dir, id);
    const encrypted = await encryptMedia(plaintext, kind, file);
    this.files.set(id, { file, size: (await stat(file)).size, kind: 'media' });
    return { ...encrypted, ...this.addresses(id, 'media') };
  }

  /** A profile picture: served as is (pictures are not end-to-end encrypted), under a `pps`-style path. */
  async storePicture(image: Buffer): Promise<StoredMedia> {
    const id = randomBytes(20).toString('hex');
    const file = path.join(this.dir, id);
    await writeFile(file, image);
    this.files.set(id, { file, size: image.length, kind: 'picture' });
    return this.addresses(id, 'picture');
  }

  /** The stored file a `url` or `directPath` of this host names, to read as a phone downloading it would. */
  open(directPathOrUrl: string): Readable | undefined {
    const found = this.lookup(new URL(directPathOrUrl, `https://${this.hostname}`));
    return found ? createReadStream(found.file) : undefined;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', `https://${this.hostname}`);
      if (request.method === 'POST' && url.pathname.startsWith('/mms/')) await this.upload(request, response, url);
      else if ((request.method === 'GET' || request.method === 'HEAD') && url.pathname.startsWith('/v/')) {
        this.download(request, response, url);
      } else answer(response, 404, { error: 'not found' });
    } catch (error) {
      this.logger.error({ err: error, url: request.url }, 'media request failed');
      if (!response.headersSent) answer(response, 500, { error: 'internal simulator error' });
      else response.destroy();
    }
  }

  /** `POST /mms/<type>/<token>?auth=…&token=<token>`: the body is the encrypted file, its SHA-256 the token. */
  private async upload(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const token = url.pathname.split('/')[3] ?? '';
    const auth = url.searchParams.get('auth') ?? '';
    if (!sameText(auth, this.auth)) return answer(response, 401, { error: 'bad auth' }, request);
    if (token === '' || url.searchParams.get('token') !== token) {
      return answer(response, 400, { error: 'token missing or not the one in the path' }, request);
    }
    if (Number(request.headers['content-length'] ?? 0) > MAX_UPLOAD_BYTES) {
      return answer(response, 413, { error: 'too large' }, request);
    }
    const id = randomBytes(20).toString('hex');
    const file = path.join(this.dir, id);
    const written = await this.receiveFile(request, file);
    if (written === 'too-large') return answer(response, 413, { error: 'too large' }, request);
    if (!written.sha256.equals(Buffer.from(token, 'base64url'))) {
      await rm(file, { force: true });
      return answer(response, 400, { error: 'the upload does not hash to its token' });
    }
    this.files.set(id, { file, size: written.size, kind: 'media' });
    const { url: mediaUrl, directPath } = this.addresses(id, 'media');
    answer(response, 200, { url: mediaUrl, direct_path: directPath });
  }

  private async receiveFile(
    request: IncomingMessage,
    file: string,
  ): Promise<{ sha256: Buffer; size: number } | 'too-large'> {
    const hash = createHash('sha256');
    const output = createWriteStream(file);
    let size = 0;
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_UPLOAD_BYTES) {
          output.destroy();
          await rm(file, { force: true });
          return 'too-large';
        }
        hash.update(chunk);
        if (!output.write(chunk)) await once(output, 'drain');
      }
      output.end();
      await once(output, 'finish');
    } catch (error) {
      output.destroy();
      await rm(file, { force: true });
      throw error;
    }
    return { sha256: hash.digest(), size };
  }

  private download(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const found = this.lookup(url);
    if (!found) return answer(response, 404, { error: 'no such media' });
    const range = parseRange(request.headers.range, found.size);
    if (range === 'unsatisfiable') {
      response.writeHead(416, { 'content-range': `bytes */${found.size}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: found.size - 1 };
    response.writeHead(range ? 206 : 200, {
      'content-type': PATHS[found.kind].contentType,
      'content-length': end - start + 1,
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${end}/${found.size}` } : {}),
    });
    if (request.method === 'HEAD' || found.size === 0) {
      response.end();
      return;
    }
    const stream = createReadStream(found.file, { start, end });
    stream.on('error', (error) => {
      this.logger.error({ err: error }, 'media file could not be read');
      response.destroy();
    });
    stream.pipe(response);
  }

  /** Paths look like WhatsApp's: `/v/t62.7118-24/f2/m231/<id>.enc?ccb=11-4&oh=<mac>&oe=<expiry>&_nc_sid=5e03e0`. */
  private addresses(id: string, kind: PathKind): StoredMedia {
    const expiry = (Math.floor(Date.now() / 1000) + URL_LIFETIME_SECONDS).toString(16).toUpperCase();
    const { prefix, suffix } = PATHS[kind];
    const directPath = `${prefix}${id}${suffix}?ccb=11-4&oh=${this.pathMac(id)}&oe=${expiry}&_nc_sid=5e03e0`;
    return { directPath, url: `https://${this.hostname}${directPath}${kind === 'media' ? '&mms3=true' : ''}` };
  }

  private lookup(url: URL): MediaFile | undefined {
    for (const [kind, { prefix, suffix }] of Object.entries(PATHS) as [PathKind, (typeof PATHS)[PathKind]][]) {
      if (!url.pathname.startsWith(prefix) || !url.pathname.endsWith(suffix)) continue;
      const id = url.pathname.slice(prefix.length, -suffix.length);
      if (!sameText(url.searchParams.get('oh') ?? '', this.pathMac(id))) return undefined;
      const found = this.files.get(id);
      return found?.kind === kind ? found : undefined;
    }
    return undefined;
  }

  private pathMac(id: string): string {
    return createHmac('sha256', this.pathSecret).update(id).digest('base64url').slice(0, 22);
  }
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A single `bytes=start-end`, `bytes=start-` or `bytes=-suffix` range; anything else is served whole. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}

/** A JSON answer; an upload refused early drains its body first so the client reads the answer, not a reset. */
function answer(response: ServerResponse, status: number, body: unknown, unreadRequest?: IncomingMessage): void {
  unreadRequest?.resume();
  const json = JSON.stringify(body);
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
    .end(json);
}
