// `npm run bench:cluster`: the simulator and 3 WAGO nodes on one database behind a layer-4 round-robin proxy; N
// sessions (default 150) paired through the proxy. Prints how the sessions spread over the nodes and how long that
// took; how long a `kill -9`ed node's sessions took to be connected elsewhere (p50, max); how long a `SIGTERM`ed
// node's sessions took to be handed over (per session and in all); and, during a rolling restart of every node under
// RATE incoming messages a second (default 20) and SENDS sends a second through the proxy (default 5): messages lost,
// delivered twice, sends sent twice, and API answers 5xx; and how long the status events of the takeover and the
// handoff took to reach a Socket.IO client on each node, most of them from sessions other nodes own. DATABASE_URL
// uses that Postgres instead of an embedded one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SimHandle, startSim } from '../../sim/src/index';
import { startEmbeddedPostgres } from '../../server/src/core/database/embedded-postgres';
import { ApiClient } from '../../server/test/support/api-client';
import { createTestDatabase } from '../../server/test/support/database';
import { RealtimeWatcher } from '../../server/test/support/realtime';
import { startRoundRobinProxy } from '../../server/test/support/round-robin-proxy';
import { ServerProcess, startServerProcess } from '../../server/test/support/server-process';
import { startIngestReceiver } from '../ingest/start-receiver';
import { runBench } from '../support/run-bench';
import { runPool } from '../support/run-pool';
import { quietLibsignal } from '../../server/src/whatsapp/baileys/quiet-libsignal';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

const SESSIONS = Math.floor(positive('N', 150));
const RATE = positive('RATE', 20);
const SENDS = positive('SENDS', 5);
const NODES = 3;
const LINKS_IN_FLIGHT = 10;
const DRAIN_TIMEOUT_MS = 120_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Cluster {
  nodes: ServerProcess[];
  start(): Promise<ServerProcess>;
}

async function loads(api: ApiClient, token: string): Promise<number[]> {
  const answer = await api.call<{ nodes: { sessions: number }[] }>('GET', '/cluster', { token });
  return (answer.body.nodes ?? []).map((node) => node.sessions).sort((a, b) => a - b);
}

/** Waits until every node holds between ⌊S/K⌋ and ⌈S/K⌉+1 sessions; returns how long that took. */
async function waitBalanced(api: ApiClient, token: string, nodes: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const low = Math.floor(SESSIONS / nodes);
  const high = Math.ceil(SESSIONS / nodes) + 1;
  for (;;) {
    const current = await loads(api, token).catch(() => []);
    const total = current.reduce((sum, count) => sum + count, 0);
    if (current.length === nodes && total === SESSIONS && current.every((count) => count >= low && count <= high)) {
      return Date.now() - started;
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(`not balanced after ${seconds(timeoutMs)}: ${current.join('/')}`);
    await sleep(500);
  }
}

/**
 * For the sessions that went `reconnecting` for `reason` after `since`, how long from `since` until each was
 * `connected` again.
 */
function recoveries(watcher: RealtimeWatcher, since: number, reason: string): number[] {
  const times: number[] = [];
  const bySession = new Map<string, { lost?: number; back?: number }>();
  for (const event of watcher.statuses) {
    const at = Date.parse(event.at);
    if (at < since) continue;
    const entry = bySession.get(event.sessionId) ?? {};
    if (event.status === 'reconnecting' && event.reason === reason && entry.lost === undefined) entry.lost = at;
    if (event.status === 'connected' && entry.lost !== undefined && entry.back === undefined) entry.back = at;
    bySession.set(event.sessionId, entry);
  }
  for (const { lost, back } of bySession.values())
    if (lost !== undefined && back !== undefined) times.push(back - since);
  return times.sort((a, b) => a - b);
}

async function waitRecovered(
  watcher: RealtimeWatcher,
  since: number,
  reason: string,
  expected: number,
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (recoveries(watcher, since, reason).length < expected && Date.now() < deadline) await sleep(200);
  // Stragglers of the same event, a moment later.
  await sleep(2_000);
  return recoveries(watcher, since, reason);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-bench-cluster-'));
  const scratch = process.env.DATABASE_URL ? await createTestDatabase({ migrate: false }) : undefined;
  const embedded = scratch ? undefined : await startEmbeddedPostgres({ dataDir });
  const databaseUrl = scratch?.url ?? (embedded?.url as string);
  const sim: SimHandle = await startSim();
  const env: Record<string, string> = {
    WA_WS_URL: sim.wsUrl,
    WA_LOG_LEVEL: 'silent',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    MESSAGE_MIN_INTERVAL_MS: '200',
    MESSAGE_JITTER_MS: '0',
  };
  const cluster: Cluster = {
    nodes: [],
    async start() {
      const node = await startServerProcess({ databaseUrl, env });
      this.nodes.push(node);
      return node;
    },
  };
  const proxy = await startRoundRobinProxy(() => cluster.nodes.map((node) => node.baseUrl));
  const receiver = await startIngestReceiver();
  let watcher: RealtimeWatcher | undefined;
  const nodeWatchers: RealtimeWatcher[] = [];
  try {
    for (let index = 0; index < NODES; index++) await cluster.start();
    const api = new ApiClient(proxy.url);
    const { accessToken: token } = await api.setupAdmin();

    process.stdout.write(`Pairing ${SESSIONS} sessions through the proxy...\n`);
    watcher = await RealtimeWatcher.connect(proxy.url, token, { transports: ['websocket'] });
    const sessions: { id: string; phoneNumber: string }[] = [];
    for (let index = 0; index < SESSIONS; index++) {
      const phoneNumber = `1555${String(8_000_000 + index)}`;
      sim.createAccount({ phoneNumber, pushName: `Cluster ${index}` });
      const created = await api.call<{ id: string }>('POST', '/sessions', {
        token,
        body: { name: `cluster-${index}` },
      });
      if (created.status !== 201) throw new Error(`creating a session failed: ${created.status}`);
      if (!(await watcher.subscribe(created.body.id)).ok) throw new Error('subscribing failed');
      const webhook = await api.call('POST', `/sessions/${created.body.id}/webhooks`, {
        token,
        body: { url: receiver.url, events: ['message.received'] },
      });
      if (webhook.status !== 201) throw new Error(`creating a webhook failed: ${webhook.status}`);
      sessions.push({ id: created.body.id, phoneNumber });
    }
    // The people who write in: phones of their own, not linked to any session.
    const customers = Array.from({ length: 10 }, (_, index) => `1555${String(8_900_000 + index)}`);
    for (const phoneNumber of customers) sim.createAccount({ phoneNumber, pushName: `Customer ${phoneNumber}` });
    const live = watcher;
    await runPool(sessions, LINKS_IN_FLIGHT, async ({ id, phoneNumber }) => {
      await api.call('POST', `/sessions/${id}/start`, { token });
      const { qr } = await live.waitForQr(id, 1, 60_000);
      await sim.link(phoneNumber, { qr });
      await live.waitForStatus(id, 'connected', 60_000);
    });

    process.stdout.write('Waiting for the sessions to spread...\n');
    const balanceMs = await waitBalanced(api, token, NODES, 180_000);
    const spread = await loads(api, token);

    // A Socket.IO client on each node, straight to it, subscribed to every session: the status events of the
    // takeover and the handoff below reach each of them, most from sessions another node owns.
    const perNode = await Promise.all(
      cluster.nodes.map((node) => RealtimeWatcher.connect(node.baseUrl, token, { transports: ['websocket'] })),
    );
    nodeWatchers.push(...perNode);
    for (const nodeWatcher of perNode) {
      await runPool(sessions, LINKS_IN_FLIGHT, async ({ id }) => {
        if (!(await nodeWatcher.subscribe(id)).ok) throw new Error('subscribing failed');
      });
    }
    const eventsFrom = Date.now();

    process.stdout.write('kill -9 one node...\n');
    const killed = cluster.nodes.shift() as ServerProcess;
    const killedAt = Date.now();
    await killed.kill();
    const takeovers = await waitRecovered(watcher, killedAt, 'owner_lost', Math.floor(SESSIONS / NODES), 120_000);
    await cluster.start();
    const rebalanceMs = await waitBalanced(api, token, NODES, 180_000);

    process.stdout.write('SIGTERM one node...\n');
    const stopping = cluster.nodes.shift() as ServerProcess;
    const stoppedAt = Date.now();
    await stopping.stop();
    const exitMs = Date.now() - stoppedAt;
    const handoffs = await waitRecovered(watcher, stoppedAt, 'handoff', Math.floor(SESSIONS / NODES), 120_000);
    const eventDelays = perNode.map((nodeWatcher) =>
      nodeWatcher.statuses
        .filter((event) => Date.parse(event.at) >= eventsFrom && event.receivedAt !== undefined)
        .map((event) => (event.receivedAt as number) - Date.parse(event.at))
        .sort((a, b) => a - b),
    );
    await cluster.start();
    await waitBalanced(api, token, NODES, 180_000);

    process.stdout.write(`Rolling restart of every node under ${RATE} messages/s in and ${SENDS} sends/s...\n`);
    let seq = 0;
    const simRefused = new Set<number>();
    let running = true;
    const statuses = new Map<number, number>();
    /** The first answer of each status that is not a success, to print. */
    const examples = new Map<number, string>();
    const sendTexts: string[] = [];
    const incoming = (async () => {
      while (running) {
        const session = sessions[seq % sessions.length];
        const customer = customers[seq % customers.length];
        const id = seq++;
        // A message the simulator refused never reached WhatsApp's side: it is counted apart, not as lost.
        sim.sendMessage(customer, { to: session.phoneNumber, text: `ingest ${id}` }).catch(() => simRefused.add(id));
        await sleep(1000 / RATE);
      }
    })();
    const outgoing = (async () => {
      let n = 0;
      while (running) {
        const session = sessions[n % sessions.length];
        const to = customers[n % customers.length];
        const text = `rolling-send-${n++}`;
        sendTexts.push(text);
        void api
          .call('POST', `/sessions/${session.id}/messages`, {
            token,
            body: { to, text },
            headers: { 'Idempotency-Key': text },
          })
          .then((answer) => {
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            if (answer.status >= 300 && !examples.has(answer.status)) {
              examples.set(answer.status, JSON.stringify(answer.body).slice(0, 200));
            }
          })
          .catch(() => statuses.set(0, (statuses.get(0) ?? 0) + 1));
        await sleep(1000 / SENDS);
      }
    })();
    const rollingStarted = Date.now();
    for (let index = 0; index < NODES; index++) {
      const old = cluster.nodes.shift() as ServerProcess;
      await old.stop();
      await cluster.start();
      await waitBalanced(api, token, NODES, 180_000).catch(() => 0);
    }
    const rollingMs = Date.now() - rollingStarted;
    running = false;
    await Promise.all([incoming, outgoing]);
    const sent = seq - simRefused.size;
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (receiver.arrivals.size < sent && Date.now() < deadline) await sleep(500);
    await sleep(5_000);
    const lost = sent - receiver.arrivals.size;
    const twice = [...receiver.arrivals.values()].filter((arrivals) => arrivals.length > 1).length;
    const inboxTexts = customers.flatMap((phoneNumber) => sim.inbox(phoneNumber).map((message) => message.text ?? ''));
    const sendsTwice = sendTexts.filter((text) => inboxTexts.filter((received) => received === text).length > 1).length;
    const serverErrors = [...statuses.entries()].filter(([status]) => status >= 500 || status === 0);

    const rows: [string, string][] = [
      ['Nodes / sessions', `${NODES} / ${SESSIONS}`],
      ['Sessions per node after balancing', `${spread.join(' / ')} (in ${seconds(balanceMs)})`],
      [
        'kill -9: sessions connected elsewhere',
        `${takeovers.length}: p50 ${seconds(percentile(takeovers, 50))}, max ${seconds(percentile(takeovers, 100))}`,
      ],
      ['Rebalanced after a new node joined', `in ${seconds(rebalanceMs)}`],
      [
        'SIGTERM: sessions handed over',
        `${handoffs.length}: p50 ${seconds(percentile(handoffs, 50))}, max ${seconds(percentile(handoffs, 100))}; node exited after ${seconds(exitMs)}`,
      ],
      ...eventDelays.map((delays, index): [string, string] => [
        `Socket.IO events on node ${index + 1}${index === 0 ? ' (killed)' : index === 1 ? ' (SIGTERMed)' : ''}`,
        `${delays.length}: p50 ${delays.length ? percentile(delays, 50) : '-'} ms, p95 ${delays.length ? percentile(delays, 95) : '-'} ms, max ${delays.length ? percentile(delays, 100) : '-'} ms`,
      ]),
      ['Rolling restart of 3 nodes', `${seconds(rollingMs)}`],
      [
        '  incoming messages: lost / delivered twice',
        `${lost} / ${twice} of ${sent}${simRefused.size > 0 ? ` (and ${simRefused.size} the simulator refused)` : ''}`,
      ],
      ['  sends sent twice', `${sendsTwice} of ${sendTexts.length}`],
      [
        '  API answers',
        [...statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status || 'network error'}: ${count}`)
          .join(', '),
      ],
      ['  API 5xx', String(serverErrors.reduce((sum, [, count]) => sum + count, 0))],
      ...[...examples.entries()].map(([status, body]): [string, string] => [`  first ${status}`, body]),
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    process.stdout.write(
      `\nbench:cluster\n${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`,
    );
  } finally {
    watcher?.close();
    nodeWatchers.forEach((nodeWatcher) => nodeWatcher.close());
    receiver.close();
    await proxy.close();
    for (const node of cluster.nodes) await node.kill().catch(() => undefined);
    await sim.stop();
    await scratch?.drop();
    await embedded?.stop();
  }
}

// The simulator's phones run libsignal here, which prints session records (keys included) to the console.
quietLibsignal();
runBench('bench:cluster', main);
