import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An outgoing message's file is a row of `media` (which arrived after the kinds did). Media retention may delete a
 * file a finished message names: the message keeps its record without it.
 */
export class AddOutgoingMessageMediaForeignKey1765310000000 implements MigrationInterface {
  name = 'AddOutgoingMessageMediaForeignKey1765310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "outgoing_messages" SET "media_id" = NULL WHERE "media_id" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "media" WHERE "media"."id" = "outgoing_messages"."media_id")`,
    );
    await queryRunner.query(
      `ALTER TABLE "outgoing_messages" ADD CONSTRAINT "FK_outgoing_messages_media" FOREIGN KEY ("media_id") REFERENCES "media" ("id") ON DELETE SET NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "outgoing_messages" DROP CONSTRAINT "FK_outgoing_messages_media"`);
  }
}
