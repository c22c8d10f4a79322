import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Remembers which sessions are meant to be running, so a restart or another node brings them back. */
export class AddSessionDesiredState1764300000000 implements MigrationInterface {
  name = 'AddSessionDesiredState1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD "desired_state" character varying(10) NOT NULL DEFAULT 'stopped'`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_sessions_desired_state" ON "sessions" ("desired_state")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_sessions_desired_state"`);
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "desired_state"`);
  }
}
