import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Message-broker sinks (RabbitMQ, NATS JetStream) on the webhooks' outbox: a delivery now belongs to a webhook or a
 * sink, exactly one of them. Only instant changes to webhook_deliveries here (its constraints NOT VALID, checked
 * without blocking writes by IndexSinkDeliveries1765511000000, which also builds its indexes), so an upgrade does not
 * hold the outbox's table locked while it scans it.
 */
export class CreateSinks1765510000000 implements MigrationInterface {
  name = 'CreateSinks1765510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "sinks" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "session_id" uuid NOT NULL,
        "kind" character varying(10) NOT NULL,
        "url" character varying(2048) NOT NULL,
        "credentials" text,
        "exchange" character varying(255),
        "stream" character varying(64),
        "events" text array NOT NULL,
        "group_policy" character varying(10) NOT NULL DEFAULT 'mentions',
        "enabled" boolean NOT NULL DEFAULT true,
        "disabled_reason" character varying(200),
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_sinks" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_sinks_kind" CHECK ("kind" IN ('rabbitmq', 'nats')),
        CONSTRAINT "CHK_sinks_destination" CHECK (("kind" = 'rabbitmq' AND "exchange" IS NOT NULL AND "stream" IS NULL) OR ("kind" = 'nats' AND "stream" IS NOT NULL AND "exchange" IS NULL)),
        CONSTRAINT "FK_sinks_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_sinks_session_id" ON "sinks" ("session_id")`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ALTER COLUMN "webhook_id" DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD "sink_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_webhook_deliveries_sink" FOREIGN KEY ("sink_id") REFERENCES "sinks" ("id") ON DELETE CASCADE NOT VALID`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "CHK_webhook_deliveries_target" CHECK (("webhook_id" IS NULL) <> ("sink_id" IS NULL)) NOT VALID`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "webhook_deliveries" WHERE "sink_id" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "CHK_webhook_deliveries_target"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_webhook_deliveries_sink"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP COLUMN "sink_id"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ALTER COLUMN "webhook_id" SET NOT NULL`);
    await queryRunner.query(`DROP TABLE "sinks"`);
  }
}
