// `npm run bench:sim [-- <devices> [workers]]`: links N devices (default 100) to one in-process sim with real
// Baileys clients spread over worker processes, then reports link time and the sim's memory per linked device.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startSim } from '../src/index';
import type { WorkerMessage, WorkerTask } from './bench-worker';

const DEFAULT_DEVICES = 100;
const LINKS_IN_FLIGHT_PER_WORKER = 4;

function positiveInteger(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc (npm run bench:sim does)');
  gc();
  gc();
}

/** V8 heap plus the Buffers outside it (pre-keys, socket buffers): what the sim holds for its devices. */
function simMemory(): { held: number; rss: number } {
  const usage = process.memoryUsage();
  return { held: usage.heapUsed + usage.external, rss: usage.rss };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const devices = positiveInteger(process.argv[2] ?? process.env.BENCH_DEVICES, DEFAULT_DEVICES, 'devices');
  const workerCount = positiveInteger(
    process.argv[3] ?? process.env.BENCH_WORKERS,
    Math.min(4, Math.ceil(devices / 25)),
    'workers',
  );
  const sim = await startSim();
  const phoneNumbers = Array.from({ length: devices }, (_, index) => String(15557000000 + index));
  for (const phoneNumber of phoneNumbers) sim.createAccount({ phoneNumber, pushName: `Bench ${phoneNumber}` });

  collectGarbage();
  const before = simMemory();
  process.stdout.write(`linking ${devices} devices with ${workerCount} worker processes…\n`);

  const linkTimes: number[] = [];
  const failures: string[] = [];
  const workers: ChildProcess[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workerCount }, (_, index) => {
      const share = phoneNumbers.filter((_, position) => position % workerCount === index);
      const worker = fork(path.join(__dirname, 'bench-worker.ts'), [], { execArgv: ['--import', 'tsx'] });
      workers.push(worker);
      return new Promise<void>((resolve, reject) => {
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'linked') {
            linkTimes.push(message.linkMs);
            if (linkTimes.length % 50 === 0) process.stdout.write(`  ${linkTimes.length}/${devices} linked\n`);
          } else if (message.type === 'failed') {
            failures.push(`${message.phoneNumber}: ${message.error}`);
          } else {
            resolve();
          }
        });
        worker.once('exit', (code) => (code ? reject(new Error(`worker ${index} exited with ${code}`)) : resolve()));
        const task: WorkerTask = {
          url: sim.url,
          wsUrl: sim.wsUrl,
          phoneNumbers: share,
          concurrency: LINKS_IN_FLIGHT_PER_WORKER,
        };
        worker.send(task);
      });
    }),
  );
  const elapsedMs = performance.now() - started;

  collectGarbage();
  const after = simMemory();
  const health = sim.health();
  const sorted = [...linkTimes].sort((a, b) => a - b);
  const linked = linkTimes.length;
  const lines = [
    `devices linked:        ${linked}/${devices} (${health.onlineDevices} online in the sim)`,
    `total time:            ${(elapsedMs / 1000).toFixed(1)} s (${(linked / (elapsedMs / 1000)).toFixed(1)} links/s)`,
    `link time per device:  p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`,
    `sim heap + buffers:    ${mib(before.held)} → ${mib(after.held)}, ${kib((after.held - before.held) / Math.max(linked, 1))} per device`,
    `sim rss:               ${mib(before.rss)} → ${mib(after.rss)}, ${kib((after.rss - before.rss) / Math.max(linked, 1))} per device`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const failure of failures.slice(0, 10)) process.stdout.write(`  failed ${failure}\n`);

  for (const worker of workers) worker.disconnect();
  await Promise.all(
    workers.map(
      (worker) => new Promise((resolve) => (worker.exitCode === null ? worker.once('exit', resolve) : resolve(null))),
    ),
  );
  await sim.stop();
  process.exitCode = linked === devices ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
