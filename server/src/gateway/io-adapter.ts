import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Clients only send a handshake with a token and small `subscribe` requests; a larger message (or polling request)
 * ends the connection instead of being buffered. Long polling sends all queued packets in one request, so this leaves
 * room for a JWT and the console re-subscribing a few hundred sessions at once after a reconnect.
 */
export const MAX_SOCKET_IO_MESSAGE_BYTES = 16 * 1024;

/**
 * Socket.IO with the same CORS policy as the HTTP API (the configured origins, or any origin when none are) and a
 * small message limit.
 */
export class GatewayIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    // Clients authenticate with a token, never a cookie, so allowing any origin exposes nothing.
    const cors = this.corsOrigins.length > 0 ? { origin: this.corsOrigins, credentials: true } : { origin: '*' };
    return super.createIOServer(port, {
      ...options,
      cors,
      maxHttpBufferSize: MAX_SOCKET_IO_MESSAGE_BYTES,
    } as ServerOptions) as Server;
  }
}
