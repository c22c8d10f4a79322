// Live session state over Socket.IO: one socket for the console, per-session status and QR code as signals, and
// every status change and published event of the followed sessions to whoever listens.
import {
  DestroyRef,
  Injectable,
  InjectionToken,
  Signal,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { io, type Socket } from 'socket.io-client';
import type { SessionEvent, SessionQrEvent, SessionStatusEvent, SubscribeAck, SubscribeRequest } from './api-types';
import { Auth } from './auth';

interface ServerEvents {
  'session.status': (event: SessionStatusEvent) => void;
  'session.qr': (event: SessionQrEvent) => void;
  'session.event': (event: SessionEvent) => void;
}

/** What listeners hear: a followed session's status changes and the events WAGO publishes for it. */
export type RealtimeUpdate = { kind: 'status'; status: SessionStatusEvent } | { kind: 'event'; event: SessionEvent };

interface ClientEvents {
  subscribe: (request: SubscribeRequest, ack: (answer: SubscribeAck) => void) => void;
  unsubscribe: (request: SubscribeRequest) => void;
}

export type RealtimeSocket = Socket<ServerEvents, ClientEvents>;

/**
 * How the console opens its socket; tests replace it with a fake. WebSocket only, no long polling first: behind a
 * round-robin proxy in front of a cluster, a polling session's requests would land on nodes that do not know it.
 */
export const SOCKET_FACTORY = new InjectionToken<(token: string) => RealtimeSocket>('SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (token) => io({ path: '/socket.io', auth: { token }, transports: ['websocket'] }),
});

export type RealtimeConnection = 'offline' | 'connecting' | 'online' | 'unauthorized';

const SUBSCRIBE_TIMEOUT_MS = 10_000;

@Injectable({ providedIn: 'root' })
export class Realtime {
  private readonly auth = inject(Auth);
  private readonly openSocket = inject(SOCKET_FACTORY);

  private socket: RealtimeSocket | null = null;
  private socketToken: string | null = null;
  /** Sessions to follow, subscribed again whenever the socket (re)connects. */
  private readonly followed = new Set<string>();
  private readonly listeners = new Set<(update: RealtimeUpdate) => void>();

  private readonly connectionState = signal<RealtimeConnection>('offline');
  private readonly statusBySession = signal<ReadonlyMap<string, SessionStatusEvent>>(new Map());
  private readonly qrBySession = signal<ReadonlyMap<string, SessionQrEvent>>(new Map());
  private readonly subscribeErrorBySession = signal<ReadonlyMap<string, string>>(new Map());

  readonly connection = this.connectionState.asReadonly();
  readonly statuses = this.statusBySession.asReadonly();
  readonly qrCodes = this.qrBySession.asReadonly();
  readonly subscribeErrors = this.subscribeErrorBySession.asReadonly();

  constructor() {
    // A new sign-in needs a socket authenticated as the new user; signing out closes it and forgets everything.
    effect(() => {
      const token = this.auth.token();
      untracked(() => {
        if (!token) {
          this.close();
          this.forgetAll();
        } else if (token !== this.socketToken) {
          this.close();
          if (this.followed.size > 0) this.open(token);
        }
      });
    });
    inject(DestroyRef).onDestroy(() => this.close());
  }

  /** Follows a session's status and QR code; the server answers with the current state straight away. */
  follow(sessionId: string): void {
    const isNew = !this.followed.has(sessionId);
    this.followed.add(sessionId);
    if (!this.socket) {
      const token = this.auth.token();
      if (token) this.open(token);
    } else if (isNew && this.socket.connected) {
      this.subscribe(this.socket, sessionId);
    }
  }

  /** Stops following a session (it was deleted) and drops what is known about it. */
  forget(sessionId: string): void {
    if (this.followed.delete(sessionId) && this.socket?.connected) this.socket.emit('unsubscribe', { sessionId });
    this.statusBySession.update((map) => without(map, sessionId));
    this.qrBySession.update((map) => without(map, sessionId));
    this.subscribeErrorBySession.update((map) => without(map, sessionId));
  }

  /**
   * Calls `listener` with every status change and published event of the followed sessions, as they arrive (the
   * current status a subscription answers with included); returns the function that stops it.
   */
  listen(listener: (update: RealtimeUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  status(sessionId: string): Signal<SessionStatusEvent | undefined> {
    return computed(() => this.statuses().get(sessionId));
  }

  qr(sessionId: string): Signal<SessionQrEvent | undefined> {
    return computed(() => this.qrCodes().get(sessionId));
  }

  private open(token: string): void {
    const socket = this.openSocket(token);
    this.socket = socket;
    this.socketToken = token;
    this.connectionState.set('connecting');
    socket.on('connect', () => {
      this.connectionState.set('online');
      for (const sessionId of this.followed) this.subscribe(socket, sessionId);
    });
    socket.on('disconnect', () => this.connectionState.set(socket.active ? 'connecting' : 'offline'));
    socket.on('connect_error', (error) => {
      if (error.message !== 'unauthorized') return;
      // The server refused the token: the same expiry as a 401, and retrying with it is pointless.
      this.connectionState.set('unauthorized');
      this.close();
      void this.auth.expired();
    });
    socket.on('session.status', (event) => {
      if (!this.followed.has(event.sessionId)) return;
      this.statusBySession.update((map) => new Map(map).set(event.sessionId, event));
      // A QR code is only current while the session shows one.
      if (event.status !== 'qr') this.qrBySession.update((map) => without(map, event.sessionId));
      this.tell({ kind: 'status', status: event });
    });
    socket.on('session.event', (event) => {
      if (this.followed.has(event.sessionId)) this.tell({ kind: 'event', event });
    });
    socket.on('session.qr', (event) => {
      if (!this.followed.has(event.sessionId)) return;
      this.qrBySession.update((map) => new Map(map).set(event.sessionId, event));
    });
  }

  private tell(update: RealtimeUpdate): void {
    for (const listener of [...this.listeners]) listener(update);
  }

  private subscribe(socket: RealtimeSocket, sessionId: string): void {
    socket
      .timeout(SUBSCRIBE_TIMEOUT_MS)
      .emit('subscribe', { sessionId }, (timeout: Error | null, answer?: SubscribeAck) => {
        const error = timeout
          ? $localize`The server did not answer the subscription.`
          : answer?.ok === false
            ? answer.error
            : null;
        this.subscribeErrorBySession.update((map) =>
          error === null ? without(map, sessionId) : new Map(map).set(sessionId, error),
        );
      });
  }

  private close(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    this.socketToken = null;
    if (this.connectionState() !== 'unauthorized') this.connectionState.set('offline');
  }

  private forgetAll(): void {
    this.followed.clear();
    this.statusBySession.set(new Map());
    this.qrBySession.set(new Map());
    this.subscribeErrorBySession.set(new Map());
    this.connectionState.set('offline');
  }
}

function without<T>(map: ReadonlyMap<string, T>, key: string): ReadonlyMap<string, T> {
  if (!map.has(key)) return map;
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}
