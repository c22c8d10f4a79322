import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The nodes of the cluster: each process registers itself and beats; one silent for 15 s is gone. */
export class CreateClusterNodes1765400000000 implements MigrationInterface {
  name = 'CreateClusterNodes1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "cluster_nodes" (
         "id" uuid PRIMARY KEY,
         "host" varchar(255) NOT NULL,
         "version" varchar(64) NOT NULL,
         "started_at" timestamptz NOT NULL,
         "last_seen_at" timestamptz NOT NULL,
         "sessions" integer NOT NULL DEFAULT 0
       )`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_cluster_nodes_last_seen_at" ON "cluster_nodes" ("last_seen_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "cluster_nodes"`);
  }
}
