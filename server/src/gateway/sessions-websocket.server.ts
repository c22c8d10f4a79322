// The plain WebSocket for clients without Socket.IO: /ws/sessions/{id}?token=… streams that session's updates as JSON.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocket, WebSocketServer } from 'ws';
import { RealtimeConnectionLimit, ReleaseConnection } from './realtime-connection-limit';
import { missingScope } from '../auth/api-key-scopes';
import { RealtimeConnections } from './realtime-connections.service';
import { mayReceive, SessionUpdate, SessionUpdates } from './session-updates.service';
import type { AuthUser } from '../auth/auth-user';

/** Clients never need to send anything here, so a frame beyond this closes the connection with 1009. */
export const MAX_FRAME_BYTES = 1024;
/** The close code telling a client its credential ended (PIN changed, key revoked, user deleted, token expired). */
export const CREDENTIAL_ENDED = 4401;
const PATH = /^\/ws\/sessions\/([^/?]+)$/;
/** Socket.IO answers its own upgrades; every other upgrade is this server's to accept or refuse. */
const SOCKET_IO_PATH = '/socket.io/';

/**
 * Frames are `{"event": "session.status" | "session.qr" | "session.event", "data": {…}}`, the current state first
 * (`session.event` only for callers who may read messages). A bad token is
 * refused at the upgrade with 401, an unknown or foreign session with 404, a user holding all their realtime
 * connections with 429, a request target that is not a valid URL with 400.
 */
@Injectable()
export class SessionsWebSocketServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionsWebSocketServer.name);
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly clients = new Map<string, Set<WebSocket>>();
  /** Who each open client is, to decide which updates it may receive. */
  private readonly callers = new WeakMap<WebSocket, AuthUser>();
  private httpServer: HttpServer | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly updates: SessionUpdates,
    private readonly limit: RealtimeConnectionLimit,
    private readonly connections: RealtimeConnections,
  ) {}

  onApplicationBootstrap(): void {
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as HttpServer;
    this.httpServer.on('upgrade', this.onUpgrade);
    this.stopListening = this.updates.listen((update) => this.broadcast(update), 'cluster');
  }

  onModuleDestroy(): void {
    this.httpServer?.off('upgrade', this.onUpgrade);
    this.stopListening?.();
    for (const client of this.server.clients) client.close(1001, 'Server shutting down');
    this.server.close();
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node drops its own error listener once it hands the socket over: a client resetting the connection while the
    // token is checked would otherwise be an unhandled 'error' event, which ends the process.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.logger.debug(`WebSocket upgrade connection failed: ${error.code ?? error.name}`);
    });
    const target = parseTarget(request.url);
    if (target?.pathname.startsWith(SOCKET_IO_PATH)) return;
    if (!target) {
      refuse(socket, 400, 'Bad Request');
      return;
    }
    const match = PATH.exec(target.pathname);
    const sessionId = match ? decodeSegment(match[1]) : undefined;
    if (sessionId === undefined) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    this.accept(request, socket, head, sessionId, target.searchParams.get('token')).catch((error: unknown) => {
      this.logger.error({ err: error }, 'Accepting a WebSocket client failed');
      refuse(socket, 500, 'Internal Server Error');
    });
  };

  private async accept(
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    sessionId: string,
    token: string | null,
  ): Promise<void> {
    const identified = await this.updates.authenticate(token);
    if (!identified) return refuse(socket, 401, 'Unauthorized');
    // Following a session's status is reading it: an API key needs sessions:read, as for GET /sessions/{id}.
    if (missingScope(identified.user.apiKey, 'sessions:read')) return refuse(socket, 403, 'Forbidden');
    const snapshot = await this.updates.snapshot(identified.user, sessionId);
    if (!snapshot) return refuse(socket, 404, 'Not Found');
    // The client may have gone while the database answered; a slot taken now would never be given back.
    if (!socket.writable) return;
    const release = this.limit.tryOpen(identified.user.id);
    if (!release) return refuse(socket, 429, 'Too Many Requests');
    socket.once('close', release);
    this.server.handleUpgrade(request, socket, head, (client) => {
      const unregister = this.connections.register({
        source: identified.source,
        end: () => client.close(CREDENTIAL_ENDED, 'Credential ended'),
      });
      this.callers.set(client, identified.user);
      this.follow(sessionId, client, snapshot, () => {
        unregister();
        release();
      });
    });
  }

  private follow(sessionId: string, client: WebSocket, snapshot: SessionUpdate[], release: ReleaseConnection): void {
    let followers = this.clients.get(sessionId);
    if (!followers) {
      followers = new Set();
      this.clients.set(sessionId, followers);
    }
    followers.add(client);
    // A frame beyond MAX_FRAME_BYTES is reported here, after ws has closed the connection with 1009.
    client.on('error', (error: Error & { code?: string }) => {
      this.logger.debug(`WebSocket client failed: ${error.code ?? error.name}`);
    });
    client.on('close', () => {
      release();
      followers.delete(client);
      if (followers.size === 0 && this.clients.get(sessionId) === followers) this.clients.delete(sessionId);
    });
    for (const update of snapshot) send(client, update);
  }

  private broadcast(update: SessionUpdate): void {
    for (const client of this.clients.get(update.data.sessionId) ?? []) {
      const caller = this.callers.get(client);
      if (caller && mayReceive(caller, update.event)) send(client, update);
    }
  }
}

/** The request target as a URL, or undefined when it is not one (e.g. an absolute form such as `http://[/x`). */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** A percent-decoded path segment, or undefined when its escapes are malformed (`%E0%A4%A`). */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function send(client: WebSocket, update: SessionUpdate): void {
  if (client.readyState === WebSocket.OPEN) client.send(JSON.stringify(update));
}

/** Answers the upgrade request with a plain HTTP error and closes the connection. */
function refuse(socket: Duplex, status: number, text: string): void {
  if (!socket.writable) return;
  const body = JSON.stringify({ statusCode: status, error: text, message: text });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
