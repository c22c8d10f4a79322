import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Scoped API keys: what a key may do, which sessions it reaches, when it expires. Existing keys keep every scope. */
export class AddApiKeyScopes1765500000000 implements MigrationInterface {
  name = 'AddApiKeyScopes1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The default fills existing rows only: a new key always names its scopes.
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD "scopes" text array NOT NULL DEFAULT '{sessions:read,sessions:write,messages:send,messages:read,webhooks:read,webhooks:write,media:read,media:write}'`,
    );
    await queryRunner.query(`ALTER TABLE "api_keys" ALTER COLUMN "scopes" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "session_ids" uuid array`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "expires_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "expires_at"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "session_ids"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "scopes"`);
  }
}
