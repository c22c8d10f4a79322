// Each test file gets its own database, migrated like production, dropped afterwards: tests run in parallel and leave nothing.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../../src/core/database/data-source';

export interface TestDatabase {
  url: string;
  name: string;
  /** A connected TypeORM data source on the test database (opened on first use). */
  dataSource(): Promise<DataSource>;
  drop(): Promise<void>;
}

function serverUrl(): URL {
  const url = process.env.WAGO_TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('No test database: run the tests through jest (its global setup provides one)');
  return new URL(url);
}

async function withAdminClient<T>(action: (client: Client) => Promise<T>): Promise<T> {
  const admin = serverUrl();
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `wago_test_${randomUUID().replace(/-/g, '')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE ${name}`));
  const url = serverUrl();
  url.pathname = `/${name}`;
  if (options.migrate !== false) await runMigrations(url.toString());
  let source: DataSource | undefined;
  return {
    url: url.toString(),
    name,
    async dataSource() {
      if (!source) {
        source = new DataSource({ ...dataSourceOptions(url.toString()), poolSize: 5 });
        await source.initialize();
      }
      return source;
    },
    async drop() {
      if (source?.isInitialized) await source.destroy();
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
