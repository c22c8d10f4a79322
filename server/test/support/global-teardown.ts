import { rmSync } from 'node:fs';
import path from 'node:path';
import type { EmbeddedDatabase } from '../../src/core/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const database = (globalThis as { wagoTestDatabase?: EmbeddedDatabase }).wagoTestDatabase;
  if (!database) return;
  await database.stop();
  rmSync(path.dirname(database.dataDir), { recursive: true, force: true });
}
