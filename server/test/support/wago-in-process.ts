// WAGO built in the test process (the same bootstrap as the real one) on its own database, connected to a simulator:
// integration tests talk to it over HTTP without needing a dist build.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SimHandle, startSim } from '../../../sim/src/index';
import { RunningServer, startServer } from '../../src/bootstrap';
import { findFreePort } from '../../src/core/database/embedded-postgres';
import { ApiClient, SignedIn } from './api-client';
import { createTestDatabase, TestDatabase } from './database';
import { TEST_JWT_SECRET, TEST_SECRETS_KEY } from './server-process';
import { FAST_WHATSAPP_ENV } from './wago-with-sim';

export interface WagoInProcess {
  sim: SimHandle;
  database: TestDatabase;
  server: RunningServer;
  api: ApiClient;
  admin: SignedIn;
  stop(): Promise<void>;
}

export async function startWagoInProcess(env: Record<string, string> = {}): Promise<WagoInProcess> {
  const sim = await startSim();
  const database = await createTestDatabase({ migrate: false });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-int-'));
  const port = await findFreePort();
  const cleanUp = async (): Promise<void> => {
    await sim.stop();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const server = await startServer({
      NODE_ENV: 'test',
      APP_PORT: String(port),
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      SECRETS_KEY: TEST_SECRETS_KEY,
      DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
      WA_WS_URL: sim.wsUrl,
      ...FAST_WHATSAPP_ENV,
      ...env,
    });
    const api = new ApiClient(`http://127.0.0.1:${port}`);
    const admin = await api.setupAdmin();
    return {
      sim,
      database,
      server,
      api,
      admin,
      async stop() {
        await server.close();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
