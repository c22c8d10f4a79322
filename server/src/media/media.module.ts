import { Module } from '@nestjs/common';
import { MediaService } from './media.service';

/** Media files: storage, uploads, signed links. */
@Module({
  providers: [MediaService],
  exports: [MediaService],
})
export class MediaModule {}
