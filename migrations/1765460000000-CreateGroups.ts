import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The groups each session is in, as WhatsApp last described them, and when each session's list was last read whole. */
export class CreateGroups1765460000000 implements MigrationInterface {
  name = 'CreateGroups1765460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "groups" (
        "session_id" uuid NOT NULL,
        "jid" character varying(64) NOT NULL,
        "subject" character varying(255) NOT NULL,
        "description" text,
        "owner" character varying(64),
        "addressing_mode" character varying(3) NOT NULL,
        "announce" boolean NOT NULL,
        "restrict" boolean NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE,
        "participants" jsonb NOT NULL,
        "participants_count" integer NOT NULL,
        "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_groups" PRIMARY KEY ("session_id", "jid"),
        CONSTRAINT "FK_groups_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "group_syncs" (
        "session_id" uuid NOT NULL,
        "synced_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_group_syncs" PRIMARY KEY ("session_id"),
        CONSTRAINT "FK_group_syncs_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "group_syncs"`);
    await queryRunner.query(`DROP TABLE "groups"`);
  }
}
