// Number checks older than CONTACT_CHECK_TTL are never answered from again: pruned hourly.
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { RetentionTask } from '../core/retention-task';
import { ContactsRepository } from './contacts.repository';

@Injectable()
export class ContactCheckRetention extends RetentionTask {
  protected readonly subject = 'contact checks';

  constructor(
    private readonly contacts: ContactsRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected retentionSeconds(): number {
    return this.config.contacts.checkTtlSeconds;
  }

  protected pruneFinishedBefore(before: Date): Promise<number> {
    return this.contacts.pruneChecks(before);
  }
}
