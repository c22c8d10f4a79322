// Gives every test worker a Postgres: DATABASE_URL when set, otherwise an embedded one for the whole run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/core/database/embedded-postgres';

export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.WAGO_TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-test-'));
  const database = await startEmbeddedPostgres({ dataDir });
  process.env.WAGO_TEST_DATABASE_URL = database.url;
  (globalThis as { wagoTestDatabase?: typeof database }).wagoTestDatabase = database;
}
