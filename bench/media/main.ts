// `npm run bench:media`: a 1 MiB, 16 MiB and 64 MiB video each way between a simulated phone and WAGO (the real server
// process). In: the phone sends, WAGO downloads and decrypts it, the webhook arrives, its media.url is fetched. Out: the
// file is uploaded to POST /media and sent by mediaId, the phone decrypts it. Prints time, the server's peak RSS above
// its idle RSS (after a warm-up, before any media), and the server's CPU time; checks every byte by SHA-256.
// SIZES_MIB (comma-separated) overrides the sizes; DATABASE_URL uses that Postgres instead of an embedded one.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSim } from '../../sim/src/index';
import { startEmbeddedPostgres } from '../../server/src/core/database/embedded-postgres';
import { ApiClient } from '../../server/test/support/api-client';
import { createTestDatabase } from '../../server/test/support/database';
import { pairSession, poll } from '../../server/test/support/paired-session';
import { startServerProcess } from '../../server/test/support/server-process';
import { startWebhookReceiver } from '../../server/test/support/webhook-receiver';
import { runBench } from '../support/run-bench';

const SIZES_MIB = (process.env.SIZES_MIB ?? '1,16,64').split(',').map(Number);
const MIB = 1024 * 1024;
const PHONE = '15550910000';

interface ReceivedMedia {
  type: string;
  media: { sha256: string; size: number; url: string | null } | null;
}

/** The server's memory and CPU as Linux accounts them. */
class ProcessProbe {
  constructor(private readonly pid: number) {}

  private status(field: string): number {
    const line = readFileSync(`/proc/${this.pid}/status`, 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith(`${field}:`));
    return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
  }

  /** Starts a measurement: the peak RSS (VmHWM) is reset to the current RSS, which is the baseline. */
  start(): { rss: number; cpuMs: number } {
    writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
    return { rss: this.status('VmRSS'), cpuMs: this.cpuMs() };
  }

  peakRss(): number {
    return this.status('VmHWM');
  }

  cpuMs(): number {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-bench-media-'));
  const scratch = process.env.DATABASE_URL ? await createTestDatabase({ migrate: false }) : undefined;
  const embedded = scratch ? undefined : await startEmbeddedPostgres({ dataDir });
  const databaseUrl = scratch?.url ?? (embedded?.url as string);
  const sim = await startSim();
  // The server trusts the simulator's media host as an operator would: through NODE_EXTRA_CA_CERTS.
  process.env.NODE_EXTRA_CA_CERTS = sim.caPath;
  const server = await startServerProcess({
    databaseUrl,
    env: { WA_WS_URL: sim.wsUrl, WA_LOG_LEVEL: 'silent', LOG_LEVEL: 'warn', MEDIA_MAX_BYTES: String(80 * MIB) },
  });
  const receiver = await startWebhookReceiver();
  const probe = new ProcessProbe(server.pid);
  try {
    const api = new ApiClient(server.baseUrl);
    const { accessToken: token } = await api.setupAdmin();
    const bot = await pairSession(api, token, sim, { name: 'bench', phoneNumber: '15550910001', pushName: 'Bench' });
    await api.call('POST', `/sessions/${bot.id}/webhooks`, {
      token,
      body: { url: receiver.url, events: ['message.received'] },
    });
    sim.createAccount({ phoneNumber: PHONE, pushName: 'Phone' });
    // Warm-up: the first message sets up the Signal sessions both ways; not measured.
    await sim.sendMessage(PHONE, { to: bot.phoneNumber, text: 'warm-up' });
    await receiver.waitForRequests(1, 60_000);
    await api.call('POST', `/sessions/${bot.id}/messages`, { token, body: { to: PHONE, text: 'warm-up' } });

    // Idle: after the warm-up, before any media. Every peak below is measured against it, not against the RSS a
    // previous transfer left behind.
    const idle = probe.start().rss;
    const rows: string[] = [];
    for (const size of SIZES_MIB) {
      const file = randomBytes(size * MIB);
      const digest = sha256(file);

      // In: phone → WAGO → webhook, then the file fetched from media.url.
      const before = receiver.requests.length;
      const inStart = probe.start();
      const started = Date.now();
      await sim.sendMessage(PHONE, {
        to: bot.phoneNumber,
        video: { data: file.toString('base64'), mimetype: 'video/mp4' },
      });
      const [request] = (await receiver.waitForRequests(before + 1, 300_000)).slice(before);
      const toWebhookMs = Date.now() - started;
      const receivePeak = probe.peakRss() - idle;
      const { data } = JSON.parse(request.body) as { data: ReceivedMedia };
      if (data.type !== 'video' || !data.media?.url) throw new Error(`Unexpected payload: ${request.body}`);
      probe.start();
      const served = Buffer.from(await (await fetch(data.media.url)).arrayBuffer());
      const servePeak = probe.peakRss() - idle;
      const inPeak = Math.max(receivePeak, servePeak);
      const inCpu = probe.cpuMs() - inStart.cpuMs;
      if (sha256(served) !== digest || data.media.sha256 !== digest) throw new Error('media.url served other bytes');

      // Out: upload, then send by mediaId; the phone decrypts it.
      const outStart = probe.start();
      const uploadStarted = Date.now();
      const upload = await fetch(`${server.baseUrl}/api/v1/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'video/mp4' },
        body: file,
      });
      if (upload.status !== 201) throw new Error(`Upload answered ${upload.status}: ${await upload.text()}`);
      const { id: mediaId } = (await upload.json()) as { id: string };
      const uploadMs = Date.now() - uploadStarted;
      const sendStarted = Date.now();
      const sent = await api.call<{ id: string }>('POST', `/sessions/${bot.id}/messages`, {
        token,
        body: { to: PHONE, video: { mediaId } },
      });
      const sendMs = Date.now() - sendStarted;
      const outPeak = probe.peakRss() - idle;
      const outCpu = probe.cpuMs() - outStart.cpuMs;
      const received = await poll(
        () => Promise.resolve(sim.inbox(PHONE).find((message) => message.id === sent.body.id)),
        (message) => message !== undefined,
        'the phone to receive the video',
        120_000,
      );
      if (received?.media?.sha256 !== digest) throw new Error('The phone decrypted other bytes than were uploaded');

      rows.push(
        `${String(size).padStart(3)} MiB  in: ${String(toWebhookMs).padStart(6)} ms to the webhook, ` +
          `peak RSS +${mib(inPeak)} (receiving +${mib(receivePeak)}, serving media.url +${mib(servePeak)}), ` +
          `CPU ${inCpu} ms  |  out: upload ${uploadMs} ms + ${sendMs} ms to the sent ` +
          `answer (${sent.status}), peak RSS +${mib(outPeak)}, CPU ${outCpu} ms`,
      );
      process.stdout.write(`${rows[rows.length - 1]}\n`);
    }
    process.stdout.write(
      `\nbench:media (gateway process ${server.pid}; SHA-256 checked both ways)\n${rows.join('\n')}\n`,
    );
  } finally {
    await receiver.close();
    await server.stop();
    await sim.stop();
    await embedded?.stop();
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runBench('bench:media', main);
