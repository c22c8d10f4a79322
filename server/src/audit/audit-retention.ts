// Keeps the audit log bounded: entries older than AUDIT_RETENTION are pruned.
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { RetentionTask } from '../core/retention-task';
import { AuditService } from './audit.service';

@Injectable()
export class AuditRetention extends RetentionTask {
  protected readonly subject = 'audit log entries';

  constructor(
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected retentionSeconds(): number {
    return this.config.audit.retentionSeconds;
  }

  protected pruneFinishedBefore(before: Date): Promise<number> {
    return this.audit.pruneBefore(before);
  }
}
