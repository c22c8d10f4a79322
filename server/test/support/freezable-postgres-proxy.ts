// A TCP proxy to Postgres that can make connections go silent: nothing closed, nothing passed either way, as a
// half-open TCP connection or a network partition looks to both ends.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface FreezablePostgresProxy {
  /** The database URL to give a client: the same database, through the proxy. */
  url: string;
  /**
   * Stops passing bytes on every connection, or only on those whose startup message names `applicationName`
   * (`application_name`, sent in clear before any authentication).
   */
  freeze(applicationName?: string): void;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream: Socket;
  /** The startup message's text, to match an application name against. */
  startup: string;
  frozen: boolean;
}

export async function startFreezablePostgresProxy(databaseUrl: string): Promise<FreezablePostgresProxy> {
  const target = new URL(databaseUrl);
  const links: Link[] = [];
  // The embedded Postgres of a local run listens on a Unix socket (`?host=<directory>`), a shared one on TCP.
  const socketDirectory = target.searchParams.get('host');
  const port = Number(target.port || 5432);
  const server: Server = createServer((client) => {
    const upstream = socketDirectory ? connect(`${socketDirectory}/.s.PGSQL.${port}`) : connect(port, target.hostname);
    const link: Link = { client, upstream, startup: '', frozen: false };
    links.push(link);
    client.on('data', (chunk: Buffer) => {
      if (link.startup === '') link.startup = chunk.toString('latin1');
      if (!link.frozen) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!link.frozen) client.write(chunk);
    });
    // A frozen link passes nothing either way, closes included: each end keeps its socket open, as with a partition.
    const end = (): void => {
      if (link.frozen) return;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    upstream.on('close', end);
    client.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as { port: number }).port);
  url.searchParams.delete('host');
  return {
    url: url.toString(),
    freeze(applicationName) {
      for (const link of links) {
        if (applicationName === undefined || link.startup.includes(applicationName)) link.frozen = true;
      }
    },
    async close() {
      for (const { client, upstream } of links) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
