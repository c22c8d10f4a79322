import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit log: who changed what, when, from where; pruned after AUDIT_RETENTION. */
export class CreateAuditLog1765520000000 implements MigrationInterface {
  name = 'CreateAuditLog1765520000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_log" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "actor_user_id" uuid,
        "actor_username" character varying(64),
        "actor_api_key_id" uuid,
        "action" character varying(64) NOT NULL,
        "target_type" character varying(32) NOT NULL,
        "target_id" character varying(128),
        "summary" jsonb NOT NULL,
        "client_address" character varying(64),
        "user_agent" character varying(512),
        "correlation_id" character varying(128),
        CONSTRAINT "PK_audit_log" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_at" ON "audit_log" ("at")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_actor_at" ON "audit_log" ("actor_user_id", "at")`);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_target_at" ON "audit_log" ("target_id", "at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_log"`);
  }
}
