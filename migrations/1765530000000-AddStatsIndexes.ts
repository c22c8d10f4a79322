import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What GET /stats reads by time: a session's events of a window (replacing the index on session_id alone, which the
 * new one's first column serves as well) and the delivery attempts of the last hour. Built CONCURRENTLY, outside a
 * transaction, so that upgrading a node with a large outbox does not stop it from taking events meanwhile; the new
 * index exists before the old one goes. A build cut short leaves an invalid index, dropped before building again.
 */
export class AddStatsIndexes1765530000000 implements MigrationInterface {
  name = 'AddStatsIndexes1765530000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "IDX_webhook_events_session_created"`);
    await queryRunner.query(
      `CREATE INDEX CONCURRENTLY "IDX_webhook_events_session_created" ON "webhook_events" ("session_id", "created_at")`,
    );
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "IDX_webhook_events_session_id"`);
    await queryRunner.query(`DROP INDEX CONCURRENTLY IF EXISTS "IDX_webhook_attempts_at"`);
    await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_webhook_attempts_at" ON "webhook_attempts" ("at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_webhook_attempts_at"`);
    await queryRunner.query(`CREATE INDEX "IDX_webhook_events_session_id" ON "webhook_events" ("session_id")`);
    await queryRunner.query(`DROP INDEX "IDX_webhook_events_session_created"`);
  }
}
