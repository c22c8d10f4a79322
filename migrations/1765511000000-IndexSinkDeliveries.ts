import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rest of CreateSinks1765510000000 on webhook_deliveries, done without blocking the outbox's writes: its new
 * constraints validated (a scan under a lock writes pass), its sink indexes built CONCURRENTLY outside a transaction.
 * A build cut short leaves an invalid index, dropped before building again.
 */
export class IndexSinkDeliveries1765511000000 implements MigrationInterface {
  name = 'IndexSinkDeliveries1765511000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" VALIDATE CONSTRAINT "FK_webhook_deliveries_sink"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" VALIDATE CONSTRAINT "CHK_webhook_deliveries_target"`);
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "UQ_webhook_deliveries_sink_event"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX CONCURRENTLY "UQ_webhook_deliveries_sink_event" ON "webhook_deliveries" ("sink_id", "event_id")`,
    );
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "IDX_webhook_deliveries_sink_created"`);
    await queryRunner.query(
      `CREATE INDEX CONCURRENTLY "IDX_webhook_deliveries_sink_created" ON "webhook_deliveries" ("sink_id", "created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_webhook_deliveries_sink_created"`);
    await queryRunner.query(`DROP INDEX "UQ_webhook_deliveries_sink_event"`);
  }
}
