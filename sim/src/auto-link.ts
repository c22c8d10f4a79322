// SIM_AUTO_LINK: a fresh simulated phone scans every QR a WAGO gateway shows, after a delay (demos, console tests).
// The sim cannot scan on its own: a QR carries the companion's ADV secret, which never reaches the server. So it reads
// the QRs where a person would, from the gateway's public REST API, with an API key.
import type { Logger } from 'pino';

export interface AutoLinkOptions {
  delaySeconds: number;
  /** The gateway's base URL, e.g. http://localhost:3000. */
  gatewayUrl: string;
  /** An API key of a WAGO admin (an admin's key sees every session). */
  apiKey: string;
  scan(qr: string): Promise<unknown>;
  logger: Logger;
  pollIntervalMs?: number;
}

export interface AutoLink {
  stop(): void;
}

interface Page {
  items: { id: string }[];
}

export function startAutoLink(options: AutoLinkOptions): AutoLink {
  const api = `${options.gatewayUrl.replace(/\/$/, '')}/api/v1`;
  const headers = { 'x-api-key': options.apiKey };
  /** Sessions with a scan scheduled, by id; the scan reads the session's QR of that moment, since QRs rotate. */
  const scheduled = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  const currentQr = async (sessionId: string): Promise<string | undefined> => {
    const response = await fetch(`${api}/sessions/${sessionId}/qr`, { headers });
    return response.ok ? ((await response.json()) as { qr: string }).qr : undefined;
  };

  const scanLater = (sessionId: string): void => {
    const timer = setTimeout(() => {
      currentQr(sessionId)
        .then((qr) => (qr ? options.scan(qr) : undefined))
        .then(
          (linked) => linked && options.logger.info({ sessionId }, 'auto-link: a simulated phone scanned the QR'),
          (error: unknown) => options.logger.warn({ sessionId, err: error }, 'auto-link: scan failed'),
        )
        .finally(() => scheduled.delete(sessionId));
    }, options.delaySeconds * 1000);
    scheduled.set(sessionId, timer);
  };

  const poll = async (): Promise<void> => {
    const response = await fetch(`${api}/sessions?status=qr&limit=200`, { headers });
    if (!response.ok) throw new Error(`GET /sessions answered ${response.status}`);
    for (const session of ((await response.json()) as Page).items) {
      if (!scheduled.has(session.id)) scanLater(session.id);
    }
  };

  const loop = (): void => {
    if (stopped) return;
    poll().then(
      () => setTimeout(loop, options.pollIntervalMs ?? 1000),
      (error: unknown) => {
        options.logger.warn({ err: error }, 'auto-link: cannot read the gateway’s sessions');
        setTimeout(loop, 5000);
      },
    );
  };
  loop();

  return {
    stop() {
      stopped = true;
      scheduled.forEach((timer) => clearTimeout(timer));
      scheduled.clear();
    },
  };
}
