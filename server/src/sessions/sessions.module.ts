import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SessionLeaseRepository } from './session-lease.repository';
import { OwnershipScan } from './ownership-scan';
import { SessionLifecycleService } from './session-lifecycle.service';
import { SessionEntity } from './session.entity';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionConnections } from './session-connections';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity]), AuditModule],
  controllers: [SessionsController],
  providers: [
    SessionsService,
    SessionsRepository,
    SessionLifecycleService,
    OwnershipScan,
    SessionLeaseRepository,
    SessionConnections,
  ],
  exports: [SessionsService, SessionsRepository, SessionLifecycleService, SessionLeaseRepository, SessionConnections],
})
export class SessionsModule {}
