// A media message's file, from whichever source the request named, as a stored MediaFile: an upload of the user's
// (their own only), a URL fetched now, or base64 bytes. Stored before queueing, so the queue sends from storage; the
// last two are stored like uploads (no session: nothing arrived on one).
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { ApiKeyLimits } from '../auth/api-key-scopes';
import { MediaService } from '../media/media.service';
import type { MediaInput, MediaSource, MediaType, MessageContent } from './message-content';
import { MediaDownloader } from './media-download';

/** What a kind is sent as when nobody said (WhatsApp clients play voice notes only as Ogg Opus). */
function defaultMimetype(type: MediaType, ptt: boolean): string {
  switch (type) {
    case 'image':
      return 'image/jpeg';
    case 'video':
      return 'video/mp4';
    case 'audio':
      return ptt ? 'audio/ogg; codecs=opus' : 'audio/mpeg';
    case 'sticker':
      return 'image/webp';
    case 'document':
      return 'application/octet-stream';
  }
}

export interface ResolvedMedia {
  mediaId: string;
  content: Required<Pick<MessageContent, 'media'>>['media'];
}

@Injectable()
export class MessageMedia {
  constructor(
    private readonly media: MediaService,
    private readonly downloader: MediaDownloader,
  ) {}

  /** The file to send; a `mediaId` must be a file the caller (with its API key's limits) may read. */
  async resolve(
    ownerId: string,
    type: MediaType,
    input: MediaInput,
    source: MediaSource,
    apiKey?: ApiKeyLimits,
  ): Promise<ResolvedMedia> {
    const ptt = type === 'audio' && input.ptt === true;
    const fileName = input.fileName ?? null;
    if (source.kind === 'mediaId') {
      const file = await this.media.findOwned(ownerId, source.mediaId, apiKey);
      return {
        mediaId: file.id,
        content: { mimetype: input.mimetype ?? file.mimetype, fileName: fileName ?? file.fileName, ptt },
      };
    }
    let stream: Readable;
    let mimetype = input.mimetype;
    if (source.kind === 'url') {
      const download = await this.downloader.open(source.url);
      stream = download.body;
      mimetype ??= download.mimetype ?? undefined;
    } else {
      // Validated base64 of at most 5 MB (the DTO): one buffer of it is bounded.
      stream = Readable.from([Buffer.from(source.data, 'base64')]);
    }
    mimetype ??= defaultMimetype(type, ptt);
    try {
      const file = await this.media.store({
        ownerId: ownerId,
        mimetype,
        fileName,
        source: stream,
      });
      return { mediaId: file.id, content: { mimetype, fileName, ptt } };
    } finally {
      stream.destroy();
    }
  }
}
