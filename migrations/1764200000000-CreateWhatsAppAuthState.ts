import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Baileys' auth state in the app's database: creds per session and every Signal key type, gone with the session. */
export class CreateWhatsAppAuthState1764200000000 implements MigrationInterface {
  name = 'CreateWhatsAppAuthState1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "whatsapp_auth_creds" (
        "session_id" uuid NOT NULL,
        "creds" jsonb NOT NULL,
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "PK_whatsapp_auth_creds" PRIMARY KEY ("session_id"),
        CONSTRAINT "FK_whatsapp_auth_creds_session" FOREIGN KEY ("session_id")
          REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
    await queryRunner.query(`
      CREATE TABLE "whatsapp_auth_keys" (
        "session_id" uuid NOT NULL,
        "type" character varying(40) NOT NULL,
        "key_id" character varying(255) NOT NULL,
        "value" jsonb NOT NULL,
        CONSTRAINT "PK_whatsapp_auth_keys" PRIMARY KEY ("session_id", "type", "key_id"),
        CONSTRAINT "FK_whatsapp_auth_keys_session" FOREIGN KEY ("session_id")
          REFERENCES "sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "whatsapp_auth_keys"`);
    await queryRunner.query(`DROP TABLE "whatsapp_auth_creds"`);
  }
}
