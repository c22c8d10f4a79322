import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Socket.IO's Postgres adapter (@socket.io/postgres-adapter) passes packets between the nodes with NOTIFY, and those
 * over NOTIFY's 8000 bytes (or binary) through this table, which it prunes itself. Its layout is the adapter's.
 */
export class CreateSocketIoAttachments1765410000000 implements MigrationInterface {
  name = 'CreateSocketIoAttachments1765410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "socket_io_attachments" (
         "id" bigserial UNIQUE,
         "created_at" timestamptz DEFAULT now(),
         "payload" bytea
       )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "socket_io_attachments"`);
  }
}
