import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Messages sent through the API: the pacing queue, their acknowledgements, and the Idempotency-Key record. */
export class CreateOutgoingMessages1764610000000 implements MigrationInterface {
  name = 'CreateOutgoingMessages1764610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "outgoing_messages" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "session_id" uuid NOT NULL,
        "message_id" character varying(64) NOT NULL,
        "chat_jid" character varying(100) NOT NULL,
        "text" text NOT NULL,
        "mentions" text array NOT NULL DEFAULT '{}',
        "reply_to" character varying(64),
        "reply_to_sender" character varying(100),
        "status" character varying(10) NOT NULL DEFAULT 'queued',
        "error" character varying(500),
        "idempotency_key" character varying(255),
        "request_hash" character varying(64),
        "sent_at" TIMESTAMP WITH TIME ZONE,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_outgoing_messages" PRIMARY KEY ("id"),
        CONSTRAINT "FK_outgoing_messages_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_outgoing_messages_session_idempotency_key" ON "outgoing_messages" ("session_id", "idempotency_key")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_outgoing_messages_session_message" ON "outgoing_messages" ("session_id", "message_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_outgoing_messages_status_created" ON "outgoing_messages" ("status", "created_at")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "outgoing_messages"`);
  }
}
