import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed logins are counted per username and client address, so a stranger's failures never lock the owner out.
 * The old counters cannot be attributed to an address and are dropped: at worst a lock in force ends early.
 */
export class LoginFailuresPerAddress1765000000000 implements MigrationInterface {
  name = 'LoginFailuresPerAddress1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "login_failures"`);
    await queryRunner.query(`ALTER TABLE "login_failures" ADD "client_address" character varying(64) NOT NULL`);
    await queryRunner.query(`ALTER TABLE "login_failures" DROP CONSTRAINT "PK_login_failures"`);
    await queryRunner.query(
      `ALTER TABLE "login_failures" ADD CONSTRAINT "PK_login_failures" PRIMARY KEY ("username", "client_address")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "login_failures"`);
    await queryRunner.query(`ALTER TABLE "login_failures" DROP CONSTRAINT "PK_login_failures"`);
    await queryRunner.query(`ALTER TABLE "login_failures" DROP COLUMN "client_address"`);
    await queryRunner.query(`ALTER TABLE "login_failures" ADD CONSTRAINT "PK_login_failures" PRIMARY KEY ("username")`);
  }
}
