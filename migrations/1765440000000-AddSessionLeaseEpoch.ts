import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fencing token of a session's lease: raised by every node that takes the lease, and checked by the owner's
 * writes (status, credentials, sends), so a node that lost the lease without noticing yet cannot overwrite the state
 * of the node that took it.
 */
export class AddSessionLeaseEpoch1765440000000 implements MigrationInterface {
  name = 'AddSessionLeaseEpoch1765440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" ADD "lease_epoch" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "lease_epoch"`);
  }
}
