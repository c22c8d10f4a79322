import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Media files (received with messages or uploaded), and the chunks of those kept in Postgres. */
export class CreateMedia1765200000000 implements MigrationInterface {
  name = 'CreateMedia1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "media" (
        "id" uuid NOT NULL,
        "owner_id" uuid NOT NULL,
        "session_id" uuid,
        "message_id" character varying(64),
        "mimetype" character varying(255) NOT NULL,
        "file_name" character varying(255),
        "size" bigint,
        "sha256" character(64),
        "status" character varying(12) NOT NULL,
        "unavailable_reason" character varying(20),
        "storage" character varying(12),
        "download" jsonb,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_media" PRIMARY KEY ("id"),
        CONSTRAINT "FK_media_owner" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON DELETE CASCADE,
        CONSTRAINT "FK_media_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_media_owner_id" ON "media" ("owner_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_media_created_at" ON "media" ("created_at")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_media_session_message" ON "media" ("session_id", "message_id")`);
    await queryRunner.query(`
      CREATE TABLE "media_chunks" (
        "media_id" uuid NOT NULL,
        "index" integer NOT NULL,
        "offset" bigint NOT NULL,
        "data" bytea NOT NULL,
        CONSTRAINT "PK_media_chunks" PRIMARY KEY ("media_id", "index"),
        CONSTRAINT "FK_media_chunks_media" FOREIGN KEY ("media_id") REFERENCES "media" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "media_chunks"`);
    await queryRunner.query(`DROP TABLE "media"`);
  }
}
