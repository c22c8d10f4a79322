// Media files WAGO keeps: what arrived with incoming messages and what owners uploaded to send. The bytes live in
// the storage MEDIA_STORAGE chose when they were written; the records in `media`.
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { AppConfig } from '../core/config/app-config';
import { NotFoundError, UnauthorizedError } from '../core/errors/domain-errors';
import { pacedGarbage } from '../core/memory/garbage-pacer';
import { Clock } from '../core/runtime/clock';
import { TimeoutError, withTimeout } from '../core/runtime/with-timeout';
import { MediaFetcher } from './media-fetcher';
import { MediaStorage } from './media-storage';
import { MediaDownloadRef, MediaEntity, MediaUnavailableReason } from './media.entity';
import { InvalidMediaLinkError, MediaTooLargeError, MediaUnavailableError } from './media.errors';
import { MediaLinks } from './media-links';
import { MediaRepository } from './media.repository';
import { ApiKeyLimits, reachesSession } from '../auth/api-key-scopes';

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

/** A file that came with an incoming message, as the message describes it. */
export interface IncomingMediaFile {
  sessionId: string;
  messageId: string;
  mimetype: string;
  fileName: string | null;
  /** The size the sender announced, if any. */
  size: number | null;
  /** Null when the message names no file to fetch. */
  download: MediaDownloadRef | null;
}

/** What became of an incoming file: stored, still to fetch (`pending`), or unavailable and why. */
export interface ReceivedMediaFile {
  id: string;
  status: MediaEntity['status'];
  size: number | null;
  sha256: string | null;
  unavailableReason: MediaUnavailableReason | null;
}

/** The storages by kind: each file is read from the one that wrote it. */
export abstract class MediaStorages {
  /** The storage new files go to (MEDIA_STORAGE). */
  abstract readonly current: MediaStorage;
  abstract of(kind: MediaEntity['storage']): MediaStorage;
}

/** How a request may read a file: a signed link, or the credentials of the caller (`ownerId`). */
export interface MediaAccess {
  ownerId?: string;
  /** The caller's API key limits: a file received by a session out of its reach is not found. */
  apiKey?: ApiKeyLimits;
  expires?: string;
  signature?: string;
}

/** A download that another writer finished first; the loser's write is rolled back. */
class AlreadyStored extends Error {}
class IntegrityError extends Error {}

@Injectable()
export class MediaService {
  private readonly logger = new Logger(MediaService.name);
  /** Downloads under way in this process, so concurrent first requests of a lazy file fetch it once. */
  private readonly downloads = new Map<string, Promise<MediaEntity>>();

  constructor(
    private readonly config: AppConfig,
    private readonly media: MediaRepository,
    private readonly storages: MediaStorages,
    private readonly fetcher: MediaFetcher,
    private readonly links: MediaLinks,
    private readonly clock: Clock,
  ) {}

  /**
   * Streams `source` into storage. Rejects with a 413 domain error once it passes MEDIA_MAX_BYTES, leaving nothing
   * behind.
   */
  async store(input: StoreMedia): Promise<MediaFile> {
    const storage = this.storages.current;
    const id = randomUUID();
    let stored: MediaEntity | undefined;
    await storage.write(id, input.source, this.config.media.maxBytes, async (file, transaction) => {
      stored = await this.media.insertStored(
        {
          id,
          ownerId: input.ownerId,
          sessionId: input.sessionId ?? null,
          mimetype: input.mimetype,
          fileName: input.fileName ?? null,
          storage: storage.kind,
          file,
        },
        transaction,
      );
    });
    if (!stored) throw new Error('Storage finished a write without completing it');
    return toMediaFile(stored);
  }

  /**
   * The owner's file; a NotFoundError for anyone else's or an unknown id. A file not fetched yet is fetched now; one
   * that cannot be had is a MediaUnavailableError.
   */
  async findOwned(ownerId: string, mediaId: string, apiKey?: ApiKeyLimits): Promise<MediaFile> {
    const media = await this.media.findById(mediaId);
    // An upload belongs to no session, so any key of its owner reaches it.
    const reached = media?.sessionId == null || reachesSession(apiKey, media.sessionId);
    if (!media || media.ownerId !== ownerId || !reached) throw new NotFoundError('Media not found');
    return toMediaFile(await this.available(media));
  }

  /**
   * A file as a request may read it: with a signed link (`expires` and `signature`) it needs nothing else and a bad
   * or expired one is an InvalidMediaLinkError; without one, only its owner may (anyone else: NotFoundError).
   */
  async findAccessible(mediaId: string, access: MediaAccess): Promise<MediaFile> {
    if (access.expires !== undefined || access.signature !== undefined) {
      if (!this.links.verify(mediaId, access.expires ?? '', access.signature ?? '')) throw new InvalidMediaLinkError();
      const media = await this.media.findById(mediaId);
      if (!media) throw new NotFoundError('Media not found');
      return toMediaFile(await this.available(media));
    }
    if (!access.ownerId)
      throw new UnauthorizedError('Send a signed link, or Authorization: Bearer <token> or X-Api-Key');
    return this.findOwned(access.ownerId, mediaId, access.apiKey);
  }

  /** The file's bytes, or the given range of them, as a stream read from storage as it is consumed. */
  async openStream(mediaId: string, range?: ByteRange): Promise<Readable> {
    const media = await this.media.findById(mediaId);
    if (!media) throw new NotFoundError('Media not found');
    const file = await this.available(media);
    return Readable.from(pacedGarbage(this.storages.of(file.storage).read(file.id, file.size ?? 0, range)));
  }

  /**
   * Records a file that came with a message and, under MEDIA_DOWNLOAD=eager, fetches it now. A fetch that fails or
   * takes longer than MEDIA_DOWNLOAD_TIMEOUT leaves the file pending, fetched at its first request instead: the
   * message is not held up for long, and never lost for its media. The same message again gets the same record.
   */
  async receive(incoming: IncomingMediaFile): Promise<ReceivedMediaFile> {
    const { download, maxBytes } = this.config.media;
    const unavailableReason =
      download === 'off'
        ? 'download_disabled'
        : incoming.size !== null && incoming.size > maxBytes
          ? 'too_large'
          : !incoming.download
            ? 'download_failed'
            : null;
    let media = await this.media.insertIncoming({
      id: randomUUID(),
      sessionId: incoming.sessionId,
      messageId: incoming.messageId,
      mimetype: incoming.mimetype,
      fileName: incoming.fileName,
      size: incoming.size,
      download: unavailableReason ? null : incoming.download,
      unavailableReason,
    });
    if (media.status === 'pending' && download === 'eager') {
      media = await this.fetchOnce(media).catch((error: unknown) => {
        this.logger.warn(
          { err: error, sessionId: incoming.sessionId, messageId: incoming.messageId, mediaId: media.id },
          'Downloading incoming media failed; it will be fetched at its first request',
        );
        return media;
      });
    }
    return {
      id: media.id,
      status: media.status,
      size: media.size,
      // A file still to fetch will be checked against the digest its sender announced: the one its link will serve.
      sha256: media.sha256 ?? (media.status === 'pending' ? announcedSha256(media.download) : null),
      unavailableReason: media.unavailableReason,
    };
  }

  /** The record of a file whose bytes are stored, fetching a pending one first. */
  private async available(media: MediaEntity): Promise<MediaEntity> {
    if (media.status === 'pending') media = await this.fetchOnce(media);
    if (media.status === 'unavailable') throw new MediaUnavailableError(media.unavailableReason ?? 'download_failed');
    return media;
  }

  private fetchOnce(media: MediaEntity): Promise<MediaEntity> {
    let download = this.downloads.get(media.id);
    if (!download) {
      download = this.fetch(media).finally(() => this.downloads.delete(media.id));
      this.downloads.set(media.id, download);
    }
    return download;
  }

  /** Fetches a pending file into storage; the record as it is afterwards. */
  private async fetch(media: MediaEntity): Promise<MediaEntity> {
    const ref = media.download;
    if (!ref) throw new Error(`Pending media ${media.id} has nothing to download it with`);
    const storage = this.storages.current;
    const { downloadTimeoutMs, maxBytes } = this.config.media;
    const deadline = this.clock.now().getTime() + downloadTimeoutMs;
    const source = await withTimeout(
      this.fetcher.fetch(ref),
      downloadTimeoutMs,
      'WhatsApp did not send the media in time',
      this.clock,
    );
    const timer = this.clock.setTimeout(
      () => source.destroy(new TimeoutError('The media download took too long')),
      Math.max(0, deadline - this.clock.now().getTime()),
    );
    try {
      await storage.write(media.id, source, maxBytes, async (file, transaction) => {
        const announced = announcedSha256(ref);
        if (announced && announced !== file.sha256) {
          throw new IntegrityError('The downloaded media does not match the SHA-256 its sender announced');
        }
        if (!(await this.media.markStored(media.id, storage.kind, file, transaction))) throw new AlreadyStored();
      });
    } catch (error) {
      if (error instanceof MediaTooLargeError) await this.media.markUnavailable(media.id, 'too_large');
      else if (!(error instanceof AlreadyStored)) throw error;
    } finally {
      timer.cancel();
    }
    const after = await this.media.findById(media.id);
    if (!after) throw new NotFoundError('Media not found');
    return after;
  }
}

function announcedSha256(ref: MediaDownloadRef | null): string | null {
  return ref?.fileSha256 ? Buffer.from(ref.fileSha256, 'base64').toString('hex') : null;
}

function toMediaFile(media: MediaEntity): MediaFile {
  return {
    id: media.id,
    ownerId: media.ownerId,
    sessionId: media.sessionId,
    mimetype: media.mimetype,
    fileName: media.fileName,
    size: media.size ?? 0,
    sha256: media.sha256 ?? '',
    createdAt: media.createdAt,
  };
}
