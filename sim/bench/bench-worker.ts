// A bench worker process: links its share of devices with real Baileys clients and keeps them online.
import { createTestClient, type TestClient } from '../test/support/baileys-client';
import type { LinkRequest } from '../src/index';

export interface WorkerTask {
  url: string;
  wsUrl: string;
  phoneNumbers: string[];
  concurrency: number;
}

export type WorkerMessage =
  | { type: 'linked'; phoneNumber: string; linkMs: number }
  | { type: 'failed'; phoneNumber: string; error: string }
  | { type: 'done' };

const clients: TestClient[] = [];

async function link(url: string, phoneNumber: string, request: LinkRequest): Promise<{ deviceJid: string }> {
  const response = await fetch(`${url}/control/accounts/${phoneNumber}/link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (!response.ok) throw new Error(`link ${phoneNumber}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { deviceJid: string };
}

function report(message: WorkerMessage): void {
  process.send?.(message);
}

async function run(task: WorkerTask): Promise<void> {
  const queue = [...task.phoneNumbers];
  const endpoint = {
    wsUrl: task.wsUrl,
    link: (phoneNumber: string, request: LinkRequest) => link(task.url, phoneNumber, request),
  };
  const linkNext = async (): Promise<void> => {
    for (let phoneNumber = queue.shift(); phoneNumber; phoneNumber = queue.shift()) {
      // Keepalives every 30 s (Baileys' default) are part of what the sim must carry for each device.
      const client = createTestClient(endpoint, { socket: { qrTimeout: 60_000 } });
      clients.push(client);
      const started = performance.now();
      try {
        await client.linkByQr(phoneNumber);
        await client.waitForPendingNotifications(60_000);
        report({ type: 'linked', phoneNumber, linkMs: performance.now() - started });
      } catch (error) {
        report({ type: 'failed', phoneNumber, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: task.concurrency }, linkNext));
  report({ type: 'done' });
}

process.once('message', (task: WorkerTask) => {
  run(task).catch((error: unknown) => {
    process.stderr.write(`bench worker failed: ${String(error)}\n`);
    process.exit(1);
  });
});

process.once('disconnect', () => {
  void Promise.all(clients.map((client) => client.stop())).finally(() => process.exit(0));
});
