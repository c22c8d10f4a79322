import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cluster bus messages over NOTIFY's 8000 bytes (a list of groups asked of the node that runs a session) go through
 * this table: the notification carries the row's id. Only the bus reads it (no entity); rows are pruned after a
 * minute.
 */
export class CreateClusterPayloads1765490000000 implements MigrationInterface {
  name = 'CreateClusterPayloads1765490000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "cluster_payloads" (
         "id" bigserial PRIMARY KEY,
         "created_at" timestamptz NOT NULL DEFAULT now(),
         "payload" text NOT NULL
       )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "cluster_payloads"`);
  }
}
