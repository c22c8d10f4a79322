import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outgoing messages of every kind (issue 11): the kind, the stored media file it sends, what else the kind needs
 * (location, contact, reaction, media options) and the record of an edit or a delete for everyone. `media_id` got
 * its foreign key once the media table existed (AddOutgoingMessageMediaForeignKey).
 */
export class AddOutgoingMessageKinds1765300000000 implements MigrationInterface {
  name = 'AddOutgoingMessageKinds1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "outgoing_messages"
        ADD "type" character varying(10) NOT NULL DEFAULT 'text',
        ADD "media_id" uuid,
        ADD "content" jsonb,
        ADD "edited_at" TIMESTAMP WITH TIME ZONE,
        ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "outgoing_messages"
        DROP COLUMN "deleted_at",
        DROP COLUMN "edited_at",
        DROP COLUMN "content",
        DROP COLUMN "media_id",
        DROP COLUMN "type"`);
  }
}
