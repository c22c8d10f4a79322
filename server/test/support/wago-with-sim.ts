// The usual end-to-end setup: a simulator in the test process and the real WAGO server process connected to it.
import { SimHandle, SimOptions, startSim } from '../../../sim/src/index';
import { ApiClient, SignedIn } from './api-client';
import { createTestDatabase, TestDatabase } from './database';
import { ServerProcess, ServerProcessOptions, startServerProcess } from './server-process';

export interface WagoWithSim {
  sim: SimHandle;
  database: TestDatabase;
  server: ServerProcess;
  api: ApiClient;
  admin: SignedIn;
  /** The environment the server runs with (to start a second process or a restart the same way). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Fast reconnects and a quiet Baileys, so tests see status changes within a second or two. */
export const FAST_WHATSAPP_ENV: Record<string, string> = {
  WA_LOG_LEVEL: 'silent',
  WA_RECONNECT_MIN_DELAY_MS: '200',
  WA_RECONNECT_MAX_DELAY_MS: '2000',
  WA_OWNER_SCAN_INTERVAL_MS: '1000',
  WA_RECONNECT_RATE: '50',
  AUTH_RATE_LIMIT_PER_MINUTE: '10000',
};

export async function startWagoWithSim(
  options: { sim?: SimOptions; env?: Record<string, string>; server?: ServerProcessOptions } = {},
): Promise<WagoWithSim> {
  const sim = await startSim(options.sim);
  const database = await createTestDatabase({ migrate: false });
  const env = { ...FAST_WHATSAPP_ENV, WA_WS_URL: sim.wsUrl, ...options.env };
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess({ ...options.server, databaseUrl: database.url, env });
    const api = new ApiClient(server.baseUrl);
    const admin = await api.setupAdmin();
    const started = server;
    return {
      sim,
      database,
      server,
      api,
      admin,
      env,
      async stop() {
        await started.stop();
        await sim.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await server?.kill();
    await sim.stop();
    await database.drop();
    throw error;
  }
}
