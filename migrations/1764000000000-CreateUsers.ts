import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, their API keys, and the failed-login counters behind the account lockout. */
export class CreateUsers1764000000000 implements MigrationInterface {
  name = 'CreateUsers1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "username" character varying(32) NOT NULL,
        "role" character varying(10) NOT NULL,
        "pin_hash" character varying(255) NOT NULL,
        "token_version" integer NOT NULL DEFAULT 0,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_users" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_users_role" CHECK ("role" IN ('admin', 'user'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_username_lower" ON "users" (lower("username"))`);
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "name" character varying(100) NOT NULL,
        "prefix" character varying(12) NOT NULL,
        "key_hash" character varying(64) NOT NULL,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "last_used_at" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"),
        CONSTRAINT "FK_api_keys_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_api_keys_key_hash" ON "api_keys" ("key_hash")`);
    await queryRunner.query(`CREATE INDEX "IDX_api_keys_user_id" ON "api_keys" ("user_id")`);
    await queryRunner.query(`
      CREATE TABLE "login_failures" (
        "username" character varying(32) NOT NULL,
        "failures" integer NOT NULL,
        "last_failed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "locked_until" TIMESTAMP WITH TIME ZONE,
        CONSTRAINT "PK_login_failures" PRIMARY KEY ("username")
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_login_failures_last_failed_at" ON "login_failures" ("last_failed_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "login_failures"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
