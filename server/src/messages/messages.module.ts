import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionsModule } from '../sessions/sessions.module';
import { MessageEvents } from './message-events';
import { MessageReceipts } from './message-receipts';
import { MessageRetention } from './message-retention';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { OutgoingMessageEntity } from './outgoing-message.entity';
import { OutgoingMessagesRepository } from './outgoing-messages.repository';
import { SendQueue } from './send-queue';

/** Sending through the API: validation, Idempotency-Key, the per-session pacing queue, receipts. */
@Module({
  imports: [TypeOrmModule.forFeature([OutgoingMessageEntity]), SessionsModule],
  controllers: [MessagesController],
  providers: [MessagesService, OutgoingMessagesRepository, SendQueue, MessageEvents, MessageReceipts, MessageRetention],
  exports: [MessagesService, MessageEvents],
})
export class MessagesModule {}
