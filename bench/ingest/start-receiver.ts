// Starts bench:ingest's webhook receiver (receiver.ts) in a child process and collects what it reports: the arrival
// times of each `ingest <seq>` message, by sequence number.
import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

export interface IngestReceiver {
  url: string;
  /** Arrival times (ms) by sequence number: more than one is a duplicate delivery. */
  arrivals: Map<number, number[]>;
  close(): void;
}

export async function startIngestReceiver(): Promise<IngestReceiver> {
  const child: ChildProcess = fork(path.join(__dirname, 'receiver.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const arrivals = new Map<number, number[]>();
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: { port?: number; arrivals?: { seq: number; at: number }[] }) => {
      if (message.port) resolve(message.port);
      for (const { seq, at } of message.arrivals ?? []) arrivals.set(seq, [...(arrivals.get(seq) ?? []), at]);
    });
  });
  return { url: `http://127.0.0.1:${port}/hook`, arrivals, close: () => child.kill() };
}
