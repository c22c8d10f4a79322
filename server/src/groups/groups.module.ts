import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { GroupsController } from './groups.controller';
import { GroupsRepository } from './groups.repository';
import { GroupsService } from './groups.service';

/** The groups a session is in (cached, kept fresh by WhatsApp's notifications) and what its admins do with them. */
@Module({
  imports: [SessionsModule],
  controllers: [GroupsController],
  providers: [GroupsService, GroupsRepository],
})
export class GroupsModule {}
