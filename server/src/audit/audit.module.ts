import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditRetention } from './audit-retention';
import { AuditRepository, PostgresAuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/** The audit log: every feature module that changes something imports it and calls AuditService.record. */
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditRetention, { provide: AuditRepository, useClass: PostgresAuditRepository }],
  exports: [AuditService],
})
export class AuditModule {}
