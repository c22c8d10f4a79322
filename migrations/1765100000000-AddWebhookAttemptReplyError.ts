import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Why a bot reply a receiver answered with was not queued, kept on the attempt that carried it. */
export class AddWebhookAttemptReplyError1765100000000 implements MigrationInterface {
  name = 'AddWebhookAttemptReplyError1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_attempts" ADD "reply_error" character varying(500)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_attempts" DROP COLUMN "reply_error"`);
  }
}
