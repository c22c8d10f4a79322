// One port for everything: WebSocket `/ws/chat` for clients, HTTP JSON `/control/*` for tests and demos.
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ControlError } from '../control/control-error';
import type { HttpMethod } from '../control/router';
import type { SimCore } from '../core/sim-core';
import type { ConnectionTracker } from './connection-tracker';
import { WaConnection, type ConnectionContext } from './wa-connection';

const CHAT_PATH = '/ws/chat';
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export class SimServer {
  private readonly http: Server;
  private readonly websockets = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_FRAME_BYTES,
  });

  constructor(
    private readonly core: SimCore,
    private readonly context: ConnectionContext,
    private readonly connections: ConnectionTracker,
  ) {
    this.http = createServer((request, response) => void this.serveControl(request, response));
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolve(this.http.address() as AddressInfo);
      });
    });
  }

  async close(): Promise<void> {
    this.connections.dropAll();
    for (const client of this.websockets.clients) client.terminate();
    await new Promise<void>((resolve) => this.websockets.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://sim').pathname;
    // A refusing sim resets the connection like an unreachable host; an HTTP error would leave Baileys waiting
    // for its handshake timeout, since it listens to 'unexpected-response' without aborting.
    if (this.context.gate.refusing) {
      socket.destroy();
      return;
    }
    if (path !== CHAT_PATH) {
      socket.end(`HTTP/1.1 404 ${STATUS_CODES[404]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.websockets.handleUpgrade(request, socket, head, (websocket) => {
      const connection = new WaConnection(websocket, this.context);
      this.connections.add(connection);
      websocket.once('close', () => this.connections.delete(connection));
    });
  }

  private async serveControl(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://sim');
      const method = (request.method ?? 'GET').toUpperCase();
      if (!METHODS.includes(method)) throw new ControlError(405, `${method} is not supported`);
      const maxBodyBytes = this.core.router.maxBodyBytes(method, url.pathname) ?? MAX_BODY_BYTES;
      const body = await readJsonBody(request, maxBodyBytes);
      const result = await this.core.router.dispatch({
        method: method as HttpMethod,
        path: url.pathname,
        query: url.searchParams,
        body,
      });
      if (result.contentType !== undefined && typeof result.body === 'string') {
        response
          .writeHead(result.status, {
            'content-type': result.contentType,
            'content-length': Buffer.byteLength(result.body),
          })
          .end(result.body);
      } else send(response, result.status, result.body);
    } catch (error) {
      const controlError = error instanceof ControlError ? error : undefined;
      if (!controlError) this.core.logger.error({ err: error, url: request.url }, 'control request failed');
      const statusCode = controlError?.statusCode ?? 500;
      send(response, statusCode, {
        statusCode,
        error: controlError?.error ?? STATUS_CODES[500],
        message: controlError?.message ?? 'internal simulator error',
      });
    }
  }
}

async function readJsonBody(request: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new ControlError(413, `request body larger than ${maxBodyBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'body is not valid JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const json = JSON.stringify(body);
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) })
    .end(json);
}
