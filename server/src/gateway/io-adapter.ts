import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';

/** Socket.IO with the same CORS policy as the HTTP API: the configured origins, or any origin when none are. */
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
    return super.createIOServer(port, { ...options, cors } as ServerOptions) as Server;
  }
}
