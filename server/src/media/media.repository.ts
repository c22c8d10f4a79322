// All I/O on media records (the bytes are the storage's).
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import type { MediaStorageKind } from '../core/config/app-config';
import { MediaDownloadRef, MediaEntity, MediaUnavailableReason } from './media.entity';
import type { WrittenFile } from './media-storage';

export type NewStoredMedia = Pick<MediaEntity, 'id' | 'ownerId' | 'sessionId' | 'mimetype' | 'fileName'> & {
  storage: MediaStorageKind;
  file: WrittenFile;
};

export type NewIncomingMedia = Pick<
  MediaEntity,
  'id' | 'sessionId' | 'messageId' | 'mimetype' | 'fileName' | 'size'
> & {
  download: MediaDownloadRef | null;
  unavailableReason: MediaUnavailableReason | null;
};

@Injectable()
export class MediaRepository {
  constructor(@InjectRepository(MediaEntity) private readonly media: Repository<MediaEntity>) {}

  findById(id: string): Promise<MediaEntity | null> {
    return this.media.findOneBy({ id });
  }

  findByMessage(sessionId: string, messageId: string): Promise<MediaEntity | null> {
    return this.media.findOneBy({ sessionId, messageId });
  }

  async insertStored(media: NewStoredMedia, transaction?: EntityManager): Promise<MediaEntity> {
    const manager = transaction ?? this.media.manager;
    const { file, ...rest } = media;
    return manager.save(
      manager.create(MediaEntity, {
        ...rest,
        messageId: null,
        size: file.size,
        sha256: file.sha256,
        status: 'stored',
        unavailableReason: null,
        download: null,
      }),
    );
  }

  /**
   * Records a file that came with a message, owned by the session's owner: pending with what is needed to fetch it,
   * or unavailable with the reason. The same message again (WhatsApp redelivers after a crash) keeps the first
   * record, which is returned.
   */
  async insertIncoming(media: NewIncomingMedia): Promise<MediaEntity> {
    await this.media.query(
      `INSERT INTO media (id, owner_id, session_id, message_id, mimetype, file_name, size, status, unavailable_reason, download)
       SELECT $1, owner_id, id, $2, $3, $4, $5, $6, $7, $8 FROM sessions WHERE id = $9
       ON CONFLICT (session_id, message_id) DO NOTHING`,
      [
        media.id,
        media.messageId,
        media.mimetype,
        media.fileName,
        media.size,
        media.unavailableReason ? 'unavailable' : 'pending',
        media.unavailableReason,
        media.download,
        media.sessionId,
      ],
    );
    const stored = await this.media.findOneBy({
      sessionId: media.sessionId ?? undefined,
      messageId: media.messageId ?? undefined,
    });
    if (!stored) throw new Error(`Session ${media.sessionId} is gone; its media cannot be recorded`);
    return stored;
  }

  /**
   * Marks a pending file stored and forgets how to download it (the media key goes with it). False when it was no
   * longer pending (another request stored it first): the caller's write is then rolled back.
   */
  async markStored(
    id: string,
    storage: MediaStorageKind,
    file: WrittenFile,
    transaction?: EntityManager,
  ): Promise<boolean> {
    const result = await (transaction ?? this.media.manager).update(
      MediaEntity,
      { id, status: 'pending' },
      { status: 'stored', storage, size: file.size, sha256: file.sha256, download: null },
    );
    return (result.affected ?? 0) > 0;
  }

  async markUnavailable(id: string, reason: MediaUnavailableReason): Promise<void> {
    await this.media.update(
      { id, status: 'pending' },
      { status: 'unavailable', unavailableReason: reason, download: null },
    );
  }

  /** The oldest files created before `before`, at most `limit`. */
  async createdBefore(before: Date, limit: number): Promise<Pick<MediaEntity, 'id' | 'storage'>[]> {
    return this.media.find({
      select: { id: true, storage: true },
      where: { createdAt: LessThan(before) },
      order: { createdAt: 'ASC' },
      take: limit,
    });
  }

  async delete(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.media.delete(ids);
  }
}
