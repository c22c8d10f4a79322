// `npm run bench:ingest`: N paired sessions (default 20), each with a webhook to a local receiver, while the
// simulator's phones send RATE messages a second in all (default 200) for SECONDS (default 30). Latency runs from the
// phone's send to the receiver's request. Prints the rate reached, p50/p95/p99/max, lost and duplicated messages, and
// CPU ms per message of the gateway (every thread of its process), of this process (the simulator and the load it
// drives) and of Postgres. The receiver runs in a child process of its own. DATABASE_URL uses that Postgres instead of
// an embedded one; PROFILE=1 writes a CPU profile of the gateway (node --cpu-prof) under bench/ingest/profiles.
// SEND=1 also has every session send through the API at its paced rate meanwhile (to four chats, so the per-chat limit
// never binds), and prints each session's send rate against the pace MESSAGE_MIN_INTERVAL_MS and MESSAGE_JITTER_MS
// allow. Before measuring, WARM_UP seconds (default 10) at the measured rate let the JIT optimise the hot path, so the
// figures are the steady state, not the first thousand messages' compilation.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { SimHandle, startSim } from '../../sim/src/index';
import { startEmbeddedPostgres } from '../../server/src/core/database/embedded-postgres';
import { ApiClient } from '../../server/test/support/api-client';
import { createTestDatabase } from '../../server/test/support/database';
import { pairSession } from '../../server/test/support/paired-session';
import { startServerProcess } from '../../server/test/support/server-process';
import { startIngestReceiver } from './start-receiver';
import { runBench } from '../support/run-bench';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

const SESSIONS = Math.floor(positive('N', 20));
const RATE = positive('RATE', 200);
const SECONDS = positive('SECONDS', 30);
const WARM_UP_SECONDS = positive('WARM_UP', 10);
const DRAIN_TIMEOUT_MS = 60_000;
const PROFILE = process.env.PROFILE === '1';
const TICK_MS = 5;
const SEND = process.env.SEND === '1';
/** The server's pacing defaults: one message per interval plus a uniform jitter, i.e. one per 1.25 s on average. */
const PACE_PER_SECOND = 1000 / (1000 + 500 / 2);
/** Sends counted only after this much of the measured phase: the first go out before the pace settles in. */
const SEND_SETTLE_MS = 5_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time of a process, all threads, from /proc, in ms. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The processes whose command line mentions `needle` (Postgres' server processes mention their data directory). */
function processesMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Postgres' CPU: the postmaster and every backend it forked (their parent is the postmaster). */
function postgresCpuMs(postmasters: number[]): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      const parent = Number(stat[1]);
      if (postmasters.includes(Number(entry)) || postmasters.includes(parent)) total += cpuMs(Number(entry));
    } catch {
      // Ended meanwhile.
    }
  }
  return total;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Transactions committed or rolled back in the gateway's database so far, as Postgres counts them. */
async function transactionCounter(databaseUrl: string): Promise<{ count(): Promise<number>; close(): Promise<void> }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  return {
    async count() {
      // The statistics snapshot is per transaction: clear it so each count is fresh.
      await client.query('SELECT pg_stat_clear_snapshot()');
      const rows = await client.query<{ n: string }>(
        `SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`,
      );
      return Number(rows.rows[0].n);
    },
    close: () => client.end(),
  };
}

const pct = (ratio: number): string => `${(ratio * 100).toFixed(0)} %`;

/** Session ids by the phone number they are paired with. */
async function sessionsByPhone(api: ApiClient, token: string): Promise<Map<string, string>> {
  const answer = await api.call<{ items: { id: string; phoneNumber: string | null }[] }>('GET', '/sessions?limit=100', {
    token,
  });
  return new Map(answer.body.items.map((session) => [session.phoneNumber ?? '', session.id]));
}

/** Queues enough sends in every session to last the measured phase at its pace, to four customers in turn. */
async function queueSends(
  api: ApiClient,
  token: string,
  pairs: { phone: string; bot: string }[],
  sessionIds: Map<string, string>,
): Promise<void> {
  const perSession = Math.ceil(SECONDS * PACE_PER_SECOND * 1.3);
  await Promise.all(
    pairs.map(async ({ bot }, index) => {
      for (let n = 0; n < perSession; n++) {
        const to = pairs[(index + n) % Math.min(4, pairs.length)].phone;
        const answer = await api.call('POST', `/sessions/${sessionIds.get(bot)}/messages`, {
          token,
          body: { to, text: `outbound ${index} ${n}` },
        });
        if (answer.status !== 202 && answer.status !== 201) throw new Error(`send refused: ${answer.status}`);
      }
    }),
  );
}

/** Each session's sends received by the phones within [from, to], as a share of its pace; ascending. */
function paceKept(sim: SimHandle, pairs: { phone: string; bot: string }[], from: number, to: number): number[] {
  const sent = new Map<string, number>();
  for (const { phone } of pairs) {
    for (const message of sim.inbox(phone)) {
      const at = Date.parse(message.at);
      const session = /^outbound (\d+) /.exec(message.text ?? '')?.[1];
      if (session !== undefined && at >= from && at <= to) sent.set(session, (sent.get(session) ?? 0) + 1);
    }
  }
  const seconds = (to - from) / 1000;
  return pairs.map((_, index) => (sent.get(String(index)) ?? 0) / seconds / PACE_PER_SECOND).sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-bench-ingest-'));
  const scratch = process.env.DATABASE_URL ? await createTestDatabase({ migrate: false }) : undefined;
  const embedded = scratch ? undefined : await startEmbeddedPostgres({ dataDir });
  const databaseUrl = scratch?.url ?? (embedded?.url as string);
  const postmasters = embedded ? processesMatching(dataDir).filter((pid) => pid !== process.pid) : [];
  const sim = await startSim();
  const profileDir = path.join(__dirname, 'profiles');
  if (PROFILE) mkdirSync(profileDir, { recursive: true });
  const server = await startServerProcess({
    databaseUrl,
    env: {
      WA_WS_URL: sim.wsUrl,
      WA_LOG_LEVEL: 'silent',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '1000000',
      // `MESSAGE_HISTORY_RETENTION=0` measures the gateway without the message history.
      ...(process.env.MESSAGE_HISTORY_RETENTION
        ? { MESSAGE_HISTORY_RETENTION: process.env.MESSAGE_HISTORY_RETENTION }
        : {}),
      ...(PROFILE ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
    },
  });
  const receiver = await startIngestReceiver();
  try {
    const api = new ApiClient(server.baseUrl);
    const { accessToken: token } = await api.setupAdmin();
    process.stdout.write(`Pairing ${SESSIONS} sessions...\n`);
    const pairs: { phone: string; bot: string }[] = [];
    for (let index = 0; index < SESSIONS; index++) {
      const bot = await pairSession(api, token, sim, {
        name: `ingest-${index}`,
        phoneNumber: `1555${String(8_000_000 + index)}`,
        pushName: `Ingest ${index}`,
      });
      const hook = await api.call('POST', `/sessions/${bot.id}/webhooks`, {
        token,
        body: { url: receiver.url, events: ['message.received'] },
      });
      if (hook.status !== 201) throw new Error(`webhook not created: ${hook.status}`);
      const phone = `1555${String(9_000_000 + index)}`;
      sim.createAccount({ phoneNumber: phone, pushName: `Customer ${index}` });
      pairs.push({ phone, bot: bot.phoneNumber });
    }

    let seq = 0;
    const sentAt = new Map<number, number>();
    const send = (index: number): void => {
      const id = seq++;
      const { phone, bot } = pairs[index % pairs.length];
      sentAt.set(id, Date.now());
      sim.sendMessage(phone, { to: bot, text: `ingest ${id}` }).catch((error: unknown) => {
        process.stderr.write(`send ${id} failed: ${String(error)}\n`);
      });
    };
    /** Sends `rate` messages a second for `seconds`, spread over the sessions, in ticks of TICK_MS. */
    const drive = async (rate: number, seconds: number): Promise<{ first: number; last: number }> => {
      const first = seq;
      const started = Date.now();
      let due = 0;
      while (Date.now() - started < seconds * 1000) {
        const target = Math.floor(((Date.now() - started) / 1000) * rate);
        for (; due < target; due++) send(seq);
        await sleep(TICK_MS);
      }
      return { first, last: seq - 1 };
    };

    process.stdout.write(`Warming up: ${WARM_UP_SECONDS} s at ${RATE}/s...\n`);
    const warm = await drive(RATE, WARM_UP_SECONDS);
    const warmDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    while ([...Array(warm.last - warm.first + 1).keys()].some((i) => !receiver.arrivals.has(warm.first + i))) {
      if (Date.now() > warmDeadline) throw new Error('the warm-up messages did not all arrive');
      await sleep(100);
    }

    const sessionIds = await sessionsByPhone(api, token);
    const outbound = SEND ? queueSends(api, token, pairs, sessionIds) : Promise.resolve();
    process.stdout.write(`Measuring: ${RATE}/s over ${SESSIONS} sessions for ${SECONDS} s...\n`);
    const statements = await transactionCounter(databaseUrl);
    const transactionsBefore = await statements.count();
    const gatewayBefore = cpuMs(server.pid);
    const selfBefore = process.cpuUsage();
    const postgresBefore = postgresCpuMs(postmasters);
    const measuredStart = Date.now();
    const measured = await drive(RATE, SECONDS);
    const sendSeconds = (Date.now() - measuredStart) / 1000;
    const count = measured.last - measured.first + 1;
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    const arrived = (): number => {
      let n = 0;
      for (let id = measured.first; id <= measured.last; id++) if (receiver.arrivals.has(id)) n++;
      return n;
    };
    while (arrived() < count && Date.now() < deadline) await sleep(200);
    const drainedAt = Date.now();
    await outbound;
    const sendRates = SEND ? paceKept(sim, pairs, measuredStart + SEND_SETTLE_MS, measuredStart + SECONDS * 1000) : [];
    const gatewayCpu = cpuMs(server.pid) - gatewayBefore;
    const self = process.cpuUsage(selfBefore);
    const simulatorCpu = (self.user + self.system) / 1000;
    const postgresCpu = postgresCpuMs(postmasters) - postgresBefore;
    const transactions = (await statements.count()) - transactionsBefore;
    await statements.close();
    await sleep(2_000); // late duplicates

    const latencies: number[] = [];
    let duplicated = 0;
    for (let id = measured.first; id <= measured.last; id++) {
      const arrivals = receiver.arrivals.get(id);
      if (!arrivals) continue;
      latencies.push(arrivals[0] - (sentAt.get(id) as number));
      duplicated += arrivals.length - 1;
    }
    latencies.sort((a, b) => a - b);
    const lost = count - latencies.length;
    const rows: [string, string][] = [
      ['Sessions', String(SESSIONS)],
      ['Messages sent', `${count} in ${sendSeconds.toFixed(1)} s (${(count / sendSeconds).toFixed(1)}/s)`],
      ['Delivered', `${latencies.length}, all within ${((drainedAt - measuredStart) / 1000).toFixed(1)} s`],
      ['Lost / duplicated', `${lost} / ${duplicated}`],
      ['Latency p50 / p95 / p99 / max', [50, 95, 99, 100].map((p) => `${percentile(latencies, p)} ms`).join(' / ')],
      ['Gateway CPU per message', `${(gatewayCpu / count).toFixed(2)} ms (${gatewayCpu} ms in all)`],
      ['Simulator CPU per message', `${(simulatorCpu / count).toFixed(2)} ms (this process: simulator and load)`],
      ...(embedded
        ? ([['Postgres CPU per message', `${(postgresCpu / count).toFixed(2)} ms`]] as [string, string][])
        : []),
      ['Postgres transactions per message', (transactions / count).toFixed(2)],
      ...(SEND
        ? ([
            [
              'Sends per session vs pace',
              `min ${pct(sendRates[0])} / median ${pct(sendRates[Math.floor(sendRates.length / 2)])} / ` +
                `max ${pct(sendRates[sendRates.length - 1])} of ${PACE_PER_SECOND.toFixed(2)}/s`,
            ],
          ] as [string, string][])
        : []),
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    process.stdout.write(
      `\nbench:ingest\n${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`,
    );
  } finally {
    receiver.close();
    await server.stop();
    if (PROFILE) process.stdout.write(`CPU profile written to ${profileDir}\n`);
    await sim.stop();
    await embedded?.stop();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench('bench:ingest', main);
