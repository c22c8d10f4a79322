// The durable outbox's queue: pg-boss on the app's database, in its own `pgboss` schema. One job = one attempt due.
import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager, QueryResult } from 'typeorm';
import { AppConfig } from '../core/config/app-config';

export const DELIVERY_QUEUE = 'webhook_delivery';
const SCHEMA = 'pgboss';
/**
 * A job is only retried by pg-boss itself when a process died (or stopped) holding it: the attempt never finished.
 * Real failures are rescheduled by WAGO as new jobs following WEBHOOK_RETRY_SCHEDULE.
 */
const CRASH_RETRY_LIMIT = 1000;
const CRASH_RETRY_DELAY_SECONDS = 1;

/** What a delivery job carries: everything else is read from the delivery log when the job runs. */
export interface DeliveryJobData {
  deliveryId: string;
  /** Which lane the job runs in (its webhook's or sink's id), known without reading the delivery. */
  targetId: string;
}

export interface DeliveryJob extends DeliveryJobData {
  id: string;
}

export interface NewDeliveryJob extends DeliveryJobData {
  id: string;
  /** From the database's clock, so the app's clock never makes a job early or late. */
  delayMs: number;
}

export function newJobId(): string {
  return randomUUID();
}

/** Lets pg-boss write inside a TypeORM transaction, so a job exists exactly when the delivery row that needs it does. */
function inTransaction(manager: EntityManager): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      const runner = manager.queryRunner;
      if (!runner) throw new Error('Delivery jobs are inserted within a transaction');
      const result = (await runner.query(text, values, true)) as QueryResult;
      return { rows: result.records };
    },
  };
}

@Injectable()
export class DeliveryQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryQueue.name);
  private readonly boss: PgBoss;
  private readonly expireInSeconds: number;

  constructor(config: AppConfig) {
    if (!config.databaseUrl) throw new Error('DATABASE_URL was not resolved before boot');
    // An attempt takes at most the HTTP timeout; a job active much longer than that belongs to a dead process.
    this.expireInSeconds = config.webhooks.timeoutSeconds * 2 + 15;
    this.boss = new PgBoss({
      connectionString: config.databaseUrl,
      schema: SCHEMA,
      application_name: 'wago-webhooks',
      max: 4,
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: 10,
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: 2,
    });
    this.boss.on('error', (error) => this.logger.error({ err: error }, 'Webhook queue error'));
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
    await this.boss.createQueue(DELIVERY_QUEUE, {
      name: DELIVERY_QUEUE,
      retryLimit: CRASH_RETRY_LIMIT,
      retryDelay: CRASH_RETRY_DELAY_SECONDS,
      expireInSeconds: this.expireInSeconds,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss.stop({ graceful: false, close: true });
  }

  /** Inserts jobs within the caller's transaction. */
  async insert(manager: EntityManager, jobs: NewDeliveryJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.boss.insert(
      jobs.map((job) => ({
        id: job.id,
        name: DELIVERY_QUEUE,
        data: { deliveryId: job.deliveryId, targetId: job.targetId } satisfies DeliveryJobData,
        startAfter: `${job.delayMs / 1000} seconds`,
        retryLimit: CRASH_RETRY_LIMIT,
        retryDelay: CRASH_RETRY_DELAY_SECONDS,
        expireInSeconds: this.expireInSeconds,
      })),
      { db: inTransaction(manager) },
    );
  }

  /** Claims up to `count` due jobs for this process (they stay claimed until completed, failed, or expired). */
  async fetch(count: number): Promise<DeliveryJob[]> {
    const jobs = await this.boss.fetch<DeliveryJobData & { webhookId?: string }>(DELIVERY_QUEUE, {
      batchSize: count,
      priority: false,
    });
    // Jobs queued before sinks existed name their lane webhookId.
    return jobs.map(({ id, data }) => ({ id, deliveryId: data.deliveryId, targetId: data.targetId ?? data.webhookId }));
  }

  async complete(jobIds: string[]): Promise<void> {
    if (jobIds.length > 0) await this.boss.complete(DELIVERY_QUEUE, jobIds);
  }

  /** Hands claimed jobs back (shutdown, or our own error): pg-boss makes them due again shortly, here or elsewhere. */
  async release(jobIds: string[]): Promise<void> {
    if (jobIds.length > 0) await this.boss.fail(DELIVERY_QUEUE, jobIds);
  }
}
