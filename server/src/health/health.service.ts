import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_VERSION } from '../core/config/app-version';
import { Clock } from '../core/runtime/clock';
import { withTimeout } from '../core/runtime/with-timeout';
import { HealthDto } from './health.dto';

const DATABASE_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async check(): Promise<HealthDto> {
    const database = (await this.pingDatabase()) ? 'up' : 'down';
    return {
      status: database === 'up' ? 'ok' : 'error',
      database,
      uptime: Math.round(process.uptime()),
      version: APP_VERSION,
    };
  }

  /** Up when Postgres answers within DATABASE_TIMEOUT_MS; a slow answer is as bad as none for a health check. */
  private async pingDatabase(): Promise<boolean> {
    return withTimeout(
      this.dataSource.query('SELECT 1'),
      DATABASE_TIMEOUT_MS,
      'Postgres did not answer',
      this.clock,
    ).then(
      () => true,
      () => false,
    );
  }
}
