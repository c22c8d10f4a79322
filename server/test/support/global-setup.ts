// Gives every test worker a Postgres (DATABASE_URL when set, otherwise an embedded one for the whole run) and the
// simulator's TLS CA, made once here so workers and the servers they spawn (which inherit the environment) trust it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultCaDir, ensureSimCa } from '../../../sim/src/media';
import { startEmbeddedPostgres } from '../../src/core/database/embedded-postgres';

export default async function globalSetup(): Promise<void> {
  const caDir = defaultCaDir();
  process.env.SIM_CA_DIR = caDir;
  process.env.NODE_EXTRA_CA_CERTS = ensureSimCa(caDir).caPath;
  if (process.env.DATABASE_URL) {
    process.env.WAGO_TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-test-'));
  const database = await startEmbeddedPostgres({ dataDir });
  process.env.WAGO_TEST_DATABASE_URL = database.url;
  (globalThis as { wagoTestDatabase?: typeof database }).wagoTestDatabase = database;
}
