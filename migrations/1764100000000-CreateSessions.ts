import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSessions1764100000000 implements MigrationInterface {
  name = 'CreateSessions1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "owner_id" uuid NOT NULL,
        "name" character varying(100) NOT NULL,
        "status" character varying(20) NOT NULL DEFAULT 'created',
        "jid" character varying(100),
        "lid" character varying(100),
        "phone_number" character varying(20),
        "push_name" character varying(200),
        "device" jsonb,
        "last_connected_at" TIMESTAMP WITH TIME ZONE,
        "last_disconnect" jsonb,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_sessions" PRIMARY KEY ("id"),
        CONSTRAINT "FK_sessions_owner" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_sessions_owner_name" ON "sessions" ("owner_id", "name")`);
    await queryRunner.query(`CREATE INDEX "IDX_sessions_owner_id" ON "sessions" ("owner_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_sessions_status" ON "sessions" ("status")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sessions"`);
  }
}
