import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContactsModule } from '../contacts/contacts.module';
import { MediaModule } from '../media/media.module';
import { SessionsModule } from '../sessions/sessions.module';
import { ChatsController } from './chats.controller';
import { MediaDownloader } from './media-download';
import { MessageActionsService } from './message-actions.service';
import { MessageMedia } from './message-media';
import { MessageEvents } from './message-events';
import { MessageReceipts } from './message-receipts';
import { MessageRetention } from './message-retention';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { OutgoingMessageEntity } from './outgoing-message.entity';
import { OutgoingMessagesRepository } from './outgoing-messages.repository';
import { RecentIncoming } from './recent-incoming';
import { SendQueue } from './send-queue';

/**
 * Sending through the API (every kind: text, media, location, contact, reaction): validation, Idempotency-Key, the
 * per-session pacing queue, receipts; edits, deletes, read receipts and presence.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutgoingMessageEntity]), SessionsModule, MediaModule, ContactsModule],
  controllers: [MessagesController, ChatsController],
  providers: [
    MessagesService,
    MessageActionsService,
    MessageMedia,
    MediaDownloader,
    RecentIncoming,
    OutgoingMessagesRepository,
    SendQueue,
    MessageEvents,
    MessageReceipts,
    MessageRetention,
  ],
  exports: [MessagesService, MessageEvents],
})
export class MessagesModule {}
