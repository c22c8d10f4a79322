import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A session's own settings (what it does with incoming calls), changed with PATCH /sessions/{id}. */
export class AddSessionSettings1765480000000 implements MigrationInterface {
  name = 'AddSessionSettings1765480000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sessions" ADD "settings" jsonb NOT NULL DEFAULT '{"rejectCalls": false, "rejectCallsMessage": null}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "settings"`);
  }
}
