// The webhook receiver of `bench:ingest`, in its own process so that its CPU is counted neither as the gateway's nor
// as the simulator's. Answers 200 at once and reports each message's sequence number and arrival time to its parent.
import { createServer } from 'node:http';

interface Arrival {
  seq: number;
  at: number;
}

let pending: Arrival[] = [];
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const at = Date.now();
    response.writeHead(200).end();
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { type: string; data?: { text?: string | null } };
    const seq = /^ingest (\d+)$/.exec(body.data?.text ?? '')?.[1];
    if (body.type === 'message.received' && seq !== undefined) pending.push({ seq: Number(seq), at });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ port: address.port });
});
// Arrivals go to the parent in batches, so reporting them costs little next to receiving them.
setInterval(() => {
  if (pending.length === 0) return;
  process.send?.({ arrivals: pending });
  pending = [];
}, 100);
process.on('disconnect', () => process.exit(0));
