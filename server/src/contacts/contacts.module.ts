import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionsModule } from '../sessions/sessions.module';
import { ContactCheckEntity, ContactEntity } from './contact.entity';
import { ContactCheckRetention } from './contact-check-retention';
import { ContactLearning } from './contact-learning';
import { ContactsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { ContactsService } from './contacts.service';

/** Contacts and identities (issue #14): number checks, the PN↔LID map of each session, blocking. */
@Module({
  imports: [TypeOrmModule.forFeature([ContactEntity, ContactCheckEntity]), SessionsModule],
  controllers: [ContactsController],
  providers: [ContactsService, ContactsRepository, ContactLearning, ContactCheckRetention],
  exports: [ContactsService],
})
export class ContactsModule {}
