import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MessagesModule } from '../messages/messages.module';
import { SessionsModule } from '../sessions/sessions.module';
import { HistoryController } from './history.controller';
import { ChatEntity, StoredMessageEntity } from './history.entity';
import { HistoryRecorder } from './history-recorder';
import { HistoryRepository } from './history.repository';
import { HistoryRetention } from './history-retention';
import { HistoryService } from './history.service';

/** The message history: every message in and out kept for MESSAGE_HISTORY_RETENTION, its chats, paging and search. */
@Module({
  imports: [TypeOrmModule.forFeature([StoredMessageEntity, ChatEntity]), SessionsModule, MessagesModule],
  controllers: [HistoryController],
  providers: [HistoryService, HistoryRepository, HistoryRecorder, HistoryRetention],
})
export class HistoryModule {}
