import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The QR a session shows, kept by the node that runs it so that every node of a cluster can serve it. */
export class AddSessionQr1765420000000 implements MigrationInterface {
  name = 'AddSessionQr1765420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" ADD "qr" text, ADD "qr_expires_at" timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sessions" DROP COLUMN "qr", DROP COLUMN "qr_expires_at"`);
  }
}
