// `npm run bench:sessions`: N simulated accounts (default 50) paired and connected through WAGO, the real server
// process. Prints the server's RSS per connected session, the time to reconnect all of them after a restart, and the
// heap after idling. N, IDLE_MINUTES (default 10), LINKS_IN_FLIGHT (default 10) and WA_RECONNECT_RATE (the server's
// pacing, default 20 per second) tune it; DATABASE_URL uses that Postgres instead of an embedded one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSim } from '../../sim/src/index';
import { startEmbeddedPostgres } from '../../server/src/core/database/embedded-postgres';
import { ApiClient } from '../../server/test/support/api-client';
import { createTestDatabase } from '../../server/test/support/database';
import { RealtimeWatcher } from '../../server/test/support/realtime';
import { ServerProcess, startServerProcess } from '../../server/test/support/server-process';
import { runBench } from '../support/run-bench';
import { runPool } from '../support/run-pool';

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return value;
}

const SESSIONS = Math.floor(positiveNumber('N', 50));
const IDLE_MINUTES = positiveNumber('IDLE_MINUTES', 10);
const LINKS_IN_FLIGHT = Math.max(1, Math.floor(positiveNumber('LINKS_IN_FLIGHT', 10)));
const RECONNECT_RATE = process.env.WA_RECONNECT_RATE;
const MB = 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's own numbers, from its Prometheus endpoint. */
async function memory(server: ServerProcess): Promise<{ rss: number; heapUsed: number }> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  const read = (name: string): number => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
    if (!line) throw new Error(`${name} missing from /metrics`);
    return Number(line.split(' ')[1]);
  };
  return { rss: read('process_resident_memory_bytes'), heapUsed: read('nodejs_heap_size_used_bytes') };
}

async function connectedCount(api: ApiClient, token: string): Promise<number> {
  const answer = await api.call<{ total: number }>('GET', '/sessions?status=connected&limit=1', { token });
  return answer.body.total;
}

async function waitForAllConnected(api: ApiClient, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let connected = 0;
  while ((connected = await connectedCount(api, token)) < SESSIONS) {
    if (Date.now() > deadline) throw new Error(`only ${connected} of ${SESSIONS} sessions connected in time`);
    await sleep(250);
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-bench-sessions-'));
  const scratch = process.env.DATABASE_URL ? await createTestDatabase({ migrate: false }) : undefined;
  const embedded = scratch ? undefined : await startEmbeddedPostgres({ dataDir });
  const databaseUrl = scratch?.url ?? (embedded?.url as string);
  const sim = await startSim();
  const env: Record<string, string> = {
    WA_WS_URL: sim.wsUrl,
    WA_LOG_LEVEL: 'silent',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    ...(RECONNECT_RATE ? { WA_RECONNECT_RATE: RECONNECT_RATE } : {}),
  };
  let server = await startServerProcess({ databaseUrl, env });
  let watcher: RealtimeWatcher | undefined;
  try {
    const api = new ApiClient(server.baseUrl);
    const { accessToken: token } = await api.setupAdmin();
    await sleep(2_000);
    const baseline = await memory(server);

    process.stdout.write(`Pairing ${SESSIONS} simulated phones through WAGO, ${LINKS_IN_FLIGHT} at a time...\n`);
    watcher = await RealtimeWatcher.connect(server.baseUrl, token);
    const sessions: { id: string; phoneNumber: string }[] = [];
    for (let index = 0; index < SESSIONS; index++) {
      const phoneNumber = `1555${String(7_000_000 + index)}`;
      sim.createAccount({ phoneNumber, pushName: `Bench ${index}` });
      const created = await api.call<{ id: string }>('POST', '/sessions', { token, body: { name: `bench-${index}` } });
      if (created.status !== 201) throw new Error(`creating a session failed: ${created.status}`);
      const subscribed = await watcher.subscribe(created.body.id);
      if (!subscribed.ok) throw new Error(`subscribing failed: ${subscribed.error}`);
      sessions.push({ id: created.body.id, phoneNumber });
    }
    const linkStarted = Date.now();
    const live = watcher;
    await runPool(sessions, LINKS_IN_FLIGHT, async ({ id, phoneNumber }) => {
      await api.call('POST', `/sessions/${id}/start`, { token });
      const { qr } = await live.waitForQr(id, 1, 60_000);
      await sim.link(phoneNumber, { qr });
      await live.waitForStatus(id, 'connected', 60_000);
    });
    const linkSeconds = (Date.now() - linkStarted) / 1000;
    watcher.close();
    watcher = undefined;
    await sleep(10_000);
    const connected = await memory(server);

    process.stdout.write('Restarting the server...\n');
    await server.stop();
    const restartedAt = Date.now();
    server = await startServerProcess({ databaseUrl, env });
    const healthyAfter = (Date.now() - restartedAt) / 1000;
    const restartedApi = new ApiClient(server.baseUrl);
    await waitForAllConnected(restartedApi, token, 30 * 60_000);
    const reconnectSeconds = (Date.now() - restartedAt) / 1000;

    process.stdout.write(`Idling for ${IDLE_MINUTES} minute(s)...\n`);
    await sleep(IDLE_MINUTES * 60_000);
    const idle = await memory(server);
    const stillConnected = await connectedCount(restartedApi, token);

    const perSession = (connected.rss - baseline.rss) / SESSIONS / MB;
    const rows: [string, string][] = [
      ['Sessions paired and connected', `${SESSIONS} in ${linkSeconds.toFixed(1)} s`],
      ['Server RSS before any session', `${(baseline.rss / MB).toFixed(1)} MB`],
      ['Server RSS with all connected', `${(connected.rss / MB).toFixed(1)} MB`],
      ['RSS per connected session', `${perSession.toFixed(2)} MB`],
      [
        'Reconnect all after a restart',
        `${reconnectSeconds.toFixed(1)} s from process start (healthy after ${healthyAfter.toFixed(1)} s, ` +
          `pacing ${RECONNECT_RATE ?? '5'}/s)`,
      ],
      [`Heap used after ${IDLE_MINUTES} min idle`, `${(idle.heapUsed / MB).toFixed(1)} MB`],
      [`RSS after ${IDLE_MINUTES} min idle`, `${(idle.rss / MB).toFixed(1)} MB (${stillConnected} connected)`],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    process.stdout.write(`\n${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`);
  } finally {
    watcher?.close();
    await server.stop();
    await sim.stop();
    await scratch?.drop();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench('bench:sessions', main);
