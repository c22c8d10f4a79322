import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../core/runtime/clock';
import { withTimeout } from '../core/runtime/with-timeout';
import { HealthDto } from './health.dto';

const VERSION = process.env.npm_package_version ?? '0.1.0';
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
      version: VERSION,
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
