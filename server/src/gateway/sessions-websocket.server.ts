// The plain WebSocket for clients without Socket.IO: /ws/sessions/{id}?token=… streams that session's updates as JSON.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocket, WebSocketServer } from 'ws';
import { RealtimeConnections } from './realtime-connections.service';
import { SessionUpdate, SessionUpdates } from './session-updates.service';

const PATH = /^\/ws\/sessions\/([^/?]+)$/;
/** Socket.IO answers its own upgrades; every other upgrade is this server's to accept or refuse. */
const SOCKET_IO_PATH = '/socket.io/';
/** The close code telling a client its credential ended (PIN changed, key revoked, user deleted, token expired). */
export const CREDENTIAL_ENDED = 4401;

/**
 * Frames are `{"event": "session.status" | "session.qr", "data": {…}}`, the current state first. A bad token is
 * refused at the upgrade with 401, an unknown or foreign session with 404.
 */
@Injectable()
export class SessionsWebSocketServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionsWebSocketServer.name);
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly clients = new Map<string, Set<WebSocket>>();
  private httpServer: HttpServer | undefined;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly updates: SessionUpdates,
    private readonly connections: RealtimeConnections,
  ) {}

  onApplicationBootstrap(): void {
    this.httpServer = this.adapterHost.httpAdapter.getHttpServer() as HttpServer;
    this.httpServer.on('upgrade', this.onUpgrade);
    this.stopListening = this.updates.listen((update) => this.broadcast(update));
  }

  onModuleDestroy(): void {
    this.httpServer?.off('upgrade', this.onUpgrade);
    this.stopListening?.();
    for (const client of this.server.clients) client.close(1001, 'Server shutting down');
    this.server.close();
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith(SOCKET_IO_PATH)) return;
    const match = PATH.exec(url.pathname);
    if (!match) {
      refuse(socket, 404, 'Not Found');
      return;
    }
    this.accept(request, socket, head, decodeURIComponent(match[1]), url.searchParams.get('token')).catch(
      (error: unknown) => {
        this.logger.error({ err: error }, 'Accepting a WebSocket client failed');
        refuse(socket, 500, 'Internal Server Error');
      },
    );
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
    const snapshot = await this.updates.snapshot(identified.user, sessionId);
    if (!snapshot) return refuse(socket, 404, 'Not Found');
    this.server.handleUpgrade(request, socket, head, (client) => {
      let followers = this.clients.get(sessionId);
      if (!followers) {
        followers = new Set();
        this.clients.set(sessionId, followers);
      }
      followers.add(client);
      const unregister = this.connections.register({
        source: identified.source,
        end: () => client.close(CREDENTIAL_ENDED, 'Credential ended'),
      });
      client.on('close', () => {
        unregister();
        followers.delete(client);
        if (followers.size === 0 && this.clients.get(sessionId) === followers) this.clients.delete(sessionId);
      });
      for (const update of snapshot) send(client, update);
    });
  }

  private broadcast(update: SessionUpdate): void {
    for (const client of this.clients.get(update.data.sessionId) ?? []) send(client, update);
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
