// A real local HTTP server standing in for a subscriber's webhook endpoint: records every request, answers as told,
// and checks every event against the AsyncAPI document (a test reading events fails on one that does not match).
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventContract } from './event-contract';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as signed. */
  body: string;
  receivedAt: number;
}

export interface ReceiverAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answer only after this long; `Infinity` never answers (a hung receiver). */
  delayMs?: number;
}

/** Decides the answer to the n-th request (0-based). */
export type AnswerPlan = (request: ReceivedRequest, index: number) => ReceiverAnswer;

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Bodies parsed as JSON; throws if any request so far was not an event as the AsyncAPI document describes it. */
  events<T = Record<string, unknown>>(): T[];
  answer(plan: AnswerPlan): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(plan: AnswerPlan = () => ({ status: 200 })): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const hung = new Set<ServerResponse>();
  const waiters = new Set<() => void>();
  /** What was wrong with the requests that were not events as documented, one entry per such request. */
  const violations: string[] = [];
  let current = plan;
  const conforming = (): void => {
    if (violations.length > 0) throw new Error(violations.join('\n'));
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      violations.push(...problemsOf(received.body));
      const index = requests.push(received) - 1;
      waiters.forEach((check) => check());
      const answer = current(received, index);
      const send = (): void => {
        hung.delete(response);
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        response.end(answer.body ?? '');
      };
      if (answer.delayMs === Infinity) hung.add(response);
      else if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    events: <T>() => {
      conforming();
      return requests.map((request) => JSON.parse(request.body) as T);
    },
    answer(next) {
      current = next;
    },
    waitForRequests(count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (requests.length < count && violations.length === 0) return;
          clearTimeout(timer);
          waiters.delete(check);
          if (violations.length > 0) reject(new Error(violations.join('\n')));
          else resolve(requests.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`Receiver got ${requests.length} of ${count} requests within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      hung.forEach((response) => response.destroy());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Why a body is not a documented webhook event (empty when it is one). */
function problemsOf(body: string): string[] {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return [`A webhook request's body is not JSON: ${body.slice(0, 200)}`];
  }
  const type = (event as { type?: unknown } | null)?.type;
  if (typeof type !== 'string') return [`A webhook event has no type: ${body.slice(0, 200)}`];
  try {
    eventContract().assertValid('webhooks', type, event);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
