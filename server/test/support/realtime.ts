// Test clients for the realtime gateway: a Socket.IO watcher and a plain WebSocket reader that record events, each
// checked against the AsyncAPI document (waiting for events fails once one did not match it).
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { eventContract } from './event-contract';

export interface StatusEvent {
  sessionId: string;
  status: string;
  reason: string | null;
  at: string;
  /** When this client received it (Date.now()), to measure how long events take to arrive. */
  receivedAt?: number;
}

export interface QrEvent {
  sessionId: string;
  qr: string;
  expiresAt: string;
}

/** Waits until `probe` returns a value (or throws), re-checking whenever `subscribe`'s callback fires. */
function waitUntil<T>(
  probe: () => T | undefined,
  subscribe: (check: () => void) => () => void,
  what: string,
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let unsubscribe: () => void = () => undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const check = (): void => {
      let value: T | undefined;
      try {
        value = probe();
      } catch (error) {
        clearTimeout(timer);
        unsubscribe();
        reject(error as Error);
        return;
      }
      if (value === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    };
    unsubscribe = subscribe(check);
    check();
  });
}

/** `session.event`: the webhook envelope of an event WAGO published for the session. */
export interface PublishedEvent {
  version: number;
  id: string;
  type: string;
  sessionId: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** A Socket.IO client that records every session.status, session.qr and session.event it receives. */
export class RealtimeWatcher {
  readonly statuses: StatusEvent[] = [];
  readonly qrs: QrEvent[] = [];
  readonly events: PublishedEvent[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly violations: string[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('session.status', (event: StatusEvent) => {
      this.check('session.status', event);
      this.record(this.statuses, { ...event, receivedAt: Date.now() });
    });
    socket.on('session.qr', (event: QrEvent) => {
      this.check('session.qr', event);
      this.record(this.qrs, event);
    });
    socket.on('session.event', (event: PublishedEvent) => {
      this.check('session.event', event);
      this.record(this.events, event);
    });
  }

  /** Connects with the token in `auth.token`; rejects with the connect_error (e.g. `unauthorized`). */
  static connect(
    baseUrl: string,
    token: string | undefined,
    options: { transports?: ('polling' | 'websocket')[] } = {},
  ): Promise<RealtimeWatcher> {
    const socket = io(baseUrl, {
      path: '/socket.io',
      auth: token === undefined ? {} : { token },
      reconnection: false,
      ...options,
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new RealtimeWatcher(socket)));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  }

  subscribe(sessionId: string): Promise<{ ok: boolean; error?: string }> {
    return this.socket.timeout(10_000).emitWithAck('subscribe', { sessionId }) as Promise<{
      ok: boolean;
      error?: string;
    }>;
  }

  statusesOf(sessionId: string): string[] {
    this.assertConforming();
    return this.statuses.filter((event) => event.sessionId === sessionId).map((event) => event.status);
  }

  waitForStatus(sessionId: string, status: string, timeoutMs = 20_000): Promise<StatusEvent> {
    return this.waitFor(
      () => this.statuses.find((event) => event.sessionId === sessionId && event.status === status),
      `status ${status} of ${sessionId}`,
      timeoutMs,
    );
  }

  waitForQr(sessionId: string, count = 1, timeoutMs = 20_000): Promise<QrEvent> {
    return this.waitFor(
      () => this.qrs.filter((event) => event.sessionId === sessionId)[count - 1],
      `QR #${count} of ${sessionId}`,
      timeoutMs,
    );
  }

  waitForEvent(match: (event: PublishedEvent) => boolean, timeoutMs = 20_000): Promise<PublishedEvent> {
    return this.waitFor(() => this.events.find(match), 'a matching session.event', timeoutMs);
  }

  close(): void {
    this.socket.close();
  }

  /** Throws, naming what was wrong, once an event did not match the AsyncAPI document. */
  assertConforming(): void {
    if (this.violations.length > 0) throw new Error(this.violations.join('\n'));
  }

  private check(event: string, payload: unknown): void {
    this.violations.push(...eventContract().problems('socketIo', event, payload));
  }

  private waitFor<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return waitUntil(
      () => {
        this.assertConforming();
        return probe();
      },
      (check) => {
        this.listeners.add(check);
        return () => this.listeners.delete(check);
      },
      what,
      timeoutMs,
    );
  }

  private record<T>(list: T[], event: T): void {
    list.push(event);
    for (const listener of [...this.listeners]) listener();
  }
}

/** The plain WebSocket at /ws/sessions/{id}: its JSON frames, or the HTTP status that refused the upgrade. */
export class SessionSocketReader {
  readonly frames: { event: string; data: Record<string, unknown> }[] = [];
  /** Resolves with the close code and reason once the socket closes, whichever side closed it. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly listeners = new Set<() => void>();
  private readonly violations: string[] = [];

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { event: string; data: Record<string, unknown> };
      this.violations.push(...eventContract().problems('webSocket', frame.event, frame));
      this.frames.push(frame);
      for (const listener of [...this.listeners]) listener();
    });
  }

  /** Opens the socket; rejects with `{status}` when the server refuses the upgrade. */
  static open(baseUrl: string, sessionId: string, token: string): Promise<SessionSocketReader> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ws/sessions/${sessionId}?token=${encodeURIComponent(token)}`;
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new SessionSocketReader(socket)));
      socket.once('unexpected-response', (_request, response) => {
        socket.terminate();
        reject(
          Object.assign(new Error(`upgrade refused with ${response.statusCode}`), { status: response.statusCode }),
        );
      });
      socket.once('error', reject);
    });
  }

  waitForFrame(event: string, match: (data: Record<string, unknown>) => boolean, timeoutMs = 20_000) {
    return waitUntil(
      () => {
        if (this.violations.length > 0) throw new Error(this.violations.join('\n'));
        return this.frames.find((frame) => frame.event === event && match(frame.data));
      },
      (check) => {
        this.listeners.add(check);
        return () => this.listeners.delete(check);
      },
      `${event} frame`,
      timeoutMs,
    );
  }

  isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.socket.close();
  }
}

/** Polls until `condition` holds (checked every 100 ms), or fails with `what` after the timeout. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
