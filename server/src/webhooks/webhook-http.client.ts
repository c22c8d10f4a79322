// HTTP calls to webhook receivers: one POST, a hard timeout, no redirects, and the URL policy enforced on the very
// address connected to (checked in the DNS lookup itself, so a name that changes to a forbidden address is caught).
import { lookup as dnsLookup, LookupAddress, LookupOptions, promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { Clock } from '../core/runtime/clock';
import { refusedAddress, refusedUrl, urlHost } from './url-policy';

/** Enough for a bot reply; the rest of a larger answer is not read. */
const MAX_BODY_BYTES = 64 * 1024;
const USER_AGENT = 'WAGO-Webhooks/1';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookResponse {
  /** null when no HTTP answer came (refused address, connection error, timeout). */
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** The answer's first 64 KB, as text. */
  body: string | null;
  retryAfter: string | undefined;
}

/** A DNS lookup that refuses the addresses the URL policy refuses, so the address connected to is the one checked. */
export function guardedLookup(denyPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((entry) => refusedAddress(entry.address, denyPrivate)).find(Boolean);
      if (refused) return callback(new Error(`Refused ${hostname}: ${refused}`), '', 0);
      if ((options as LookupOptions).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

@Injectable()
export class WebhookHttpClient implements OnModuleDestroy {
  private readonly httpAgent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, scheduling: 'lifo' });
  private readonly lookup: LookupFunction;
  private readonly timeoutMs: number;
  private readonly denyPrivate: boolean;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.denyPrivate = config.webhooks.denyPrivate;
    this.timeoutMs = config.webhooks.timeoutSeconds * 1000;
    this.lookup = guardedLookup(this.denyPrivate);
  }

  onModuleDestroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /**
   * Why this URL may not receive webhooks, or null when it may: the URL rules, then every address its host resolves
   * to right now. Delivery checks again on each connection, since DNS answers change.
   */
  async refusal(value: string): Promise<string | null> {
    const refused = refusedUrl(value, this.denyPrivate);
    if (refused) return refused;
    const host = urlHost(new URL(value));
    if (isIP(host)) return null;
    let addresses: LookupAddress[];
    try {
      addresses = await dns.lookup(host, { all: true });
    } catch {
      return `${host} does not resolve`;
    }
    return addresses.map((entry) => refusedAddress(entry.address, this.denyPrivate)).find(Boolean) ?? null;
  }

  /** Never rejects: every failure is an answer with an error, as the delivery log records it. */
  post(request: WebhookRequest): Promise<WebhookResponse> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const refused = refusedUrl(request.url, this.denyPrivate);
    if (refused) {
      return Promise.resolve({ statusCode: null, durationMs: 0, error: refused, body: null, retryAfter: undefined });
    }
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const body = Buffer.from(request.body);
    return new Promise((resolve) => {
      let settled = false;
      const finish = (answer: Omit<WebhookResponse, 'durationMs'>): void => {
        if (settled) return;
        settled = true;
        timer.cancel();
        resolve({ ...answer, durationMs: elapsed() });
      };
      const outgoing = (secure ? https : http).request(
        url,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          lookup: this.lookup,
          headers: {
            ...request.headers,
            'content-type': 'application/json',
            'content-length': String(body.length),
            'user-agent': USER_AGENT,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const done = (): void =>
            finish({
              statusCode: response.statusCode ?? null,
              error: null,
              body: Buffer.concat(chunks).toString('utf8'),
              retryAfter: response.headers['retry-after'],
            });
          response.on('data', (chunk: Buffer) => {
            if (size >= MAX_BODY_BYTES) return;
            chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
            size += chunk.length;
            if (size >= MAX_BODY_BYTES) {
              done();
              response.destroy();
            }
          });
          response.on('end', done);
          response.on('error', (error) => finish(failure(error)));
        },
      );
      const timer = this.clock.setTimeout(
        () => outgoing.destroy(new Error(`Timed out after ${this.timeoutMs / 1000} s`)),
        this.timeoutMs,
      );
      outgoing.on('error', (error) => finish(failure(error)));
      outgoing.end(body);
    });
  }
}

function failure(error: Error): Omit<WebhookResponse, 'durationMs'> {
  return { statusCode: null, error: error.message || error.name, body: null, retryAfter: undefined };
}
