import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request rate limits' counters, shared by every node of a cluster. Unlogged: counters are worth no WAL, and
 * losing them in a crash only resets the limits.
 */
export class CreateRateLimitHits1765430000000 implements MigrationInterface {
  name = 'CreateRateLimitHits1765430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNLOGGED TABLE "rate_limit_hits" (
         "key" varchar(300) PRIMARY KEY,
         "hits" integer NOT NULL,
         "window_ends_at" timestamptz NOT NULL,
         "blocked_until" timestamptz
       )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "rate_limit_hits"`);
  }
}
