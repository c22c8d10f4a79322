// `npm run bench:webhooks`: simulated senders → WAGO (the real server process) → a local receiver. Prints end-to-end
// latency percentiles at a fixed rate (default 200 events/s), then the outbox's burst throughput.
// RATE, SECONDS, SENDERS and BURST tune it; DATABASE_URL uses that Postgres instead of an embedded one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { startSim } from '../../sim/src/index';
import { loadAppConfig } from '../../server/src/core/config/app-config';
import { dataSourceOptions } from '../../server/src/core/database/data-source';
import { startEmbeddedPostgres } from '../../server/src/core/database/embedded-postgres';
import { DeliveriesRepository } from '../../server/src/webhooks/deliveries.repository';
import { DeliveryQueue } from '../../server/src/webhooks/delivery-queue';
import { envelope } from '../../server/src/webhooks/envelope';
import { ApiClient } from '../../server/test/support/api-client';
import { createTestDatabase } from '../../server/test/support/database';
import { pairSession, poll } from '../../server/test/support/paired-session';
import { startServerProcess, TEST_JWT_SECRET } from '../../server/test/support/server-process';
import { startWebhookReceiver } from '../../server/test/support/webhook-receiver';
import { runBench } from '../support/run-bench';

const RATE = Number(process.env.RATE ?? 200);
const SECONDS = Number(process.env.SECONDS ?? 10);
const SENDERS = Number(process.env.SENDERS ?? 20);
const BURST = Number(process.env.BURST ?? 5000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-bench-'));
  // A throwaway database: a fresh one on DATABASE_URL's server, or an embedded Postgres.
  const scratch = process.env.DATABASE_URL ? await createTestDatabase({ migrate: false }) : undefined;
  const embedded = scratch ? undefined : await startEmbeddedPostgres({ dataDir });
  const databaseUrl = scratch?.url ?? (embedded?.url as string);
  const sim = await startSim();
  const server = await startServerProcess({
    databaseUrl,
    env: { WA_WS_URL: sim.wsUrl, WA_LOG_LEVEL: 'silent', LOG_LEVEL: 'warn', AUTH_RATE_LIMIT_PER_MINUTE: '10000' },
  });
  const receiver = await startWebhookReceiver();
  let outbox: DataSource | undefined;
  let queue: DeliveryQueue | undefined;
  try {
    const api = new ApiClient(server.baseUrl);
    const { accessToken: token } = await api.setupAdmin();
    const bot = await pairSession(api, token, sim, { name: 'bench', phoneNumber: '15550900000', pushName: 'Bench' });
    const webhook = await api.call<{ id: string }>('POST', `/sessions/${bot.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['message.received'] },
    });
    const senders = Array.from({ length: SENDERS }, (_, index) => `1555091${String(index).padStart(4, '0')}`);
    for (const phoneNumber of senders) sim.createAccount({ phoneNumber, pushName: `Sender ${phoneNumber}` });

    // Warm-up: every sender's first message sets up its Signal session; not measured.
    for (const phoneNumber of senders) await sim.sendMessage(phoneNumber, { to: bot.phoneNumber, text: 'warm-up' });
    await receiver.waitForRequests(SENDERS, 60_000);

    const total = RATE * SECONDS;
    const sentAt = new Map<string, number>();
    const interval = 1000 / RATE;
    const started = Date.now();
    const sends: Promise<void>[] = [];
    process.stdout.write(`Sending ${total} messages at ${RATE}/s from ${SENDERS} simulated phones...\n`);
    for (let sequence = 0; sequence < total; sequence++) {
      const due = started + sequence * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      const text = `bench ${sequence}`;
      sends.push(
        sim.sendMessage(senders[sequence % SENDERS], { to: bot.phoneNumber, text }).then(() => {
          sentAt.set(text, Date.now());
        }),
      );
    }
    await Promise.all(sends);
    const sendSeconds = (Date.now() - started) / 1000;
    await receiver.waitForRequests(SENDERS + total, 120_000);
    const latencies = receiver.requests
      .map((request) => {
        const text = (JSON.parse(request.body) as { data: { text: string } }).data.text;
        const sent = sentAt.get(text);
        return sent === undefined ? undefined : request.receivedAt - sent;
      })
      .filter((latency): latency is number => latency !== undefined)
      .sort((a, b) => a - b);
    process.stdout.write(
      `End-to-end latency at ${(total / sendSeconds).toFixed(0)} events/s (${latencies.length} events): ` +
        `p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, p99 ${percentile(latencies, 99)} ms\n`,
    );

    // Burst: BURST events committed to the outbox in one transaction, drained by the server's worker.
    const config = loadAppConfig({ DATABASE_URL: databaseUrl, JWT_SECRET: TEST_JWT_SECRET, NODE_ENV: 'test' });
    outbox = new DataSource({ ...dataSourceOptions(databaseUrl), poolSize: 2 });
    await outbox.initialize();
    queue = new DeliveryQueue(config);
    await queue.onModuleInit();
    const deliveries = new DeliveriesRepository(outbox, queue);
    const before = receiver.requests.length;
    const events = Array.from({ length: BURST }, (_, index) => ({
      event: envelope('message.received', bot.id, new Date().toISOString(), {
        id: `BURST${index}`,
        chat: { jid: `${senders[0]}@s.whatsapp.net`, type: 'direct' as const },
        sender: { pn: `${senders[0]}@s.whatsapp.net`, lid: null, pushName: 'Burst' },
        text: `burst ${index}`,
        type: 'text',
        unsupported: null,
        media: null,
        location: null,
        contact: null,
        mentions: [],
        mentioned: false,
        mentionedBy: null,
        quoted: null,
        fromMe: false,
        offline: false,
      }),
      targets: [{ kind: 'webhook' as const, id: webhook.body.id }],
    }));
    await deliveries.enqueueAll(events);
    const committed = Date.now();
    await receiver.waitForRequests(before + BURST, 120_000);
    const drainedMs = Date.now() - committed;
    await poll(
      async () => {
        const [row]: { count: number }[] = await (outbox as DataSource).query(
          `SELECT count(*)::int AS count FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'pending'`,
          [webhook.body.id],
        );
        return row.count;
      },
      (pending) => pending === 0,
      'the burst to be recorded as delivered',
      60_000,
    );
    const recordedMs = Date.now() - committed;
    process.stdout.write(
      `Outbox burst: ${BURST} deliveries received in ${drainedMs} ms (${Math.round((BURST * 1000) / drainedMs)}/s), ` +
        `all recorded delivered in ${recordedMs} ms (${Math.round((BURST * 1000) / recordedMs)}/s)\n`,
    );
  } finally {
    await queue?.onApplicationShutdown();
    await outbox?.destroy();
    await receiver.close();
    await server.stop();
    await sim.stop();
    await embedded?.stop();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench('bench:webhooks', main);
