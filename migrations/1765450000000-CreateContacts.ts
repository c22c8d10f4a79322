import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each session's contacts (a person under their phone-number JID, their LID, or both; either identity unique per
 * session) and its cached answers to "is this number on WhatsApp?".
 */
export class CreateContacts1765450000000 implements MigrationInterface {
  name = 'CreateContacts1765450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "contacts" (
        "id" uuid NOT NULL,
        "session_id" uuid NOT NULL,
        "pn" character varying(64),
        "lid" character varying(64),
        "push_name" character varying(255),
        "verified_name" character varying(255),
        "profile_picture_url" character varying(2048),
        "profile_picture_checked_at" TIMESTAMP WITH TIME ZONE,
        "blocked" boolean NOT NULL DEFAULT false,
        "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_contacts" PRIMARY KEY ("id"),
        CONSTRAINT "FK_contacts_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_contacts_session_pn" ON "contacts" ("session_id", "pn")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_contacts_session_lid" ON "contacts" ("session_id", "lid")`);
    await queryRunner.query(`
      CREATE TABLE "contact_checks" (
        "session_id" uuid NOT NULL,
        "phone_number" character varying(20) NOT NULL,
        "exists" boolean NOT NULL,
        "jid" character varying(64),
        "lid" character varying(64),
        "checked_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_contact_checks" PRIMARY KEY ("session_id", "phone_number"),
        CONSTRAINT "FK_contact_checks_session" FOREIGN KEY ("session_id") REFERENCES "sessions" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_contact_checks_checked_at" ON "contact_checks" ("checked_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "contact_checks"`);
    await queryRunner.query(`DROP TABLE "contacts"`);
  }
}
