import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HealthDto } from './health.dto';

const VERSION = process.env.npm_package_version ?? '0.1.0';
const DATABASE_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(private readonly dataSource: DataSource) {}

  async check(): Promise<HealthDto> {
    const database = (await this.pingDatabase()) ? 'up' : 'down';
    return {
      status: database === 'up' ? 'ok' : 'error',
      database,
      uptime: Math.round(process.uptime()),
      version: VERSION,
    };
  }

  private async pingDatabase(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DATABASE_TIMEOUT_MS)));
    const ping = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
