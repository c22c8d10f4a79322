import { INestApplicationContext, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import { Pool } from 'pg';
import type { Server, ServerOptions } from 'socket.io';
import { withTimeout } from '../core/runtime/with-timeout';

/**
 * Clients only send a handshake with a token and small `subscribe` requests; a larger message (or polling request)
 * ends the connection instead of being buffered. Long polling sends all queued packets in one request, so this leaves
 * room for a JWT and the console re-subscribing a few hundred sessions at once after a reconnect.
 */
export const MAX_SOCKET_IO_MESSAGE_BYTES = 16 * 1024;
const POOL_END_TIMEOUT_MS = 2_000;

/**
 * Socket.IO with the same CORS policy as the HTTP API (the configured origins, or any origin when none are), a small
 * message limit, and the Postgres adapter: what one node emits to a room reaches the room's clients on every node of
 * the cluster, so a console connected anywhere follows every session.
 */
export class GatewayIoAdapter extends IoAdapter {
  private readonly logger = new Logger('Cluster');
  /**
   * The adapter's own: one connection listens, the others publish and prune its attachments. The adapter does not
   * release a listening client the database dropped (it takes a new one), so each outage costs one of these until the
   * process restarts: room for a few.
   */
  private readonly pool: Pool;

  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: string[],
    databaseUrl: string,
  ) {
    super(app);
    this.pool = new Pool({ connectionString: databaseUrl, max: 6, application_name: 'wago-socket-io' });
    const failed = (error: Error): void => this.logger.warn({ err: error }, 'A Socket.IO adapter connection failed');
    this.pool.on('error', failed);
    // The adapter keeps one client checked out to LISTEN and gives it no 'error' listener: without this one, losing
    // the database would throw that client's error out of the process.
    this.pool.on('connect', (client) => client.on('error', failed));
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    // Clients authenticate with a token, never a cookie, so allowing any origin exposes nothing.
    const cors = this.corsOrigins.length > 0 ? { origin: this.corsOrigins, credentials: true } : { origin: '*' };
    const server = super.createIOServer(port, {
      ...options,
      cors,
      maxHttpBufferSize: MAX_SOCKET_IO_MESSAGE_BYTES,
    } as ServerOptions) as Server;
    server.adapter(
      createAdapter(this.pool, {
        errorHandler: (error) => this.logger.warn({ err: error }, 'The Socket.IO cluster adapter failed'),
      }),
    );
    return server;
  }

  override async close(server: Parameters<IoAdapter['close']>[0]): Promise<void> {
    await super.close(server);
    // The adapter never releases a listening client the database dropped, and pg's end() waits for every client to
    // be released: bounded, so a database restart earlier in the process's life cannot keep it from exiting.
    await withTimeout(this.pool.end(), POOL_END_TIMEOUT_MS, 'the Socket.IO adapter pool did not close').catch(
      () => undefined,
    );
  }
}
