import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { SessionsModule } from '../sessions/sessions.module';
import { CallsService } from './calls.service';

/** Incoming calls: declined (with a message to the caller) when the session's settings say so. */
@Module({
  imports: [SessionsModule, MessagesModule],
  providers: [CallsService],
})
export class CallsModule {}
