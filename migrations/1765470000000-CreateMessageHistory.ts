import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The message history (every message in and out, reactions, edits and deletions applied to it) and its chats, with a
 * full-text index over texts and captions ('simple': no stemming, any language).
 */
export class CreateMessageHistory1765470000000 implements MigrationInterface {
  name = 'CreateMessageHistory1765470000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "messages" (
        "session_id" uuid NOT NULL,
        "chat_jid" character varying(64) NOT NULL,
        "message_id" character varying(128) NOT NULL,
        "chat_type" character varying(6) NOT NULL,
        "from_me" boolean NOT NULL,
        "sender_pn" character varying(64),
        "sender_lid" character varying(64),
        "push_name" character varying(255),
        "type" character varying(16) NOT NULL,
        "unsupported" character varying(64),
        "text" text,
        "media" jsonb,
        "location" jsonb,
        "contact" jsonb,
        "mentions" jsonb NOT NULL DEFAULT '[]',
        "quoted_message_id" character varying(128),
        "quoted_sender" character varying(64),
        "reactions" jsonb NOT NULL DEFAULT '{}',
        "edited_at" TIMESTAMP WITH TIME ZONE,
        "deleted_at" TIMESTAMP WITH TIME ZONE,
        "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL,
        "seq" BIGSERIAL NOT NULL,
        CONSTRAINT "PK_messages" PRIMARY KEY ("session_id", "chat_jid", "message_id"),
        CONSTRAINT "FK_messages_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_messages_chat_timestamp" ON "messages" ("session_id", "chat_jid", "timestamp", "seq")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_messages_session_timestamp" ON "messages" ("session_id", "timestamp", "seq")`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_messages_timestamp" ON "messages" ("timestamp")`);
    await queryRunner.query(
      `CREATE INDEX "IDX_messages_search" ON "messages" USING GIN (to_tsvector('simple', coalesce("text", '')))`,
    );
    await queryRunner.query(`
      CREATE TABLE "chats" (
        "session_id" uuid NOT NULL,
        "jid" character varying(64) NOT NULL,
        "type" character varying(6) NOT NULL,
        "name" character varying(255),
        "last_message_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "read_at" TIMESTAMP WITH TIME ZONE,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_chats" PRIMARY KEY ("session_id", "jid"),
        CONSTRAINT "FK_chats_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_chats_session_last_message_at" ON "chats" ("session_id", "last_message_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "chats"`);
    await queryRunner.query(`DROP TABLE "messages"`);
  }
}
