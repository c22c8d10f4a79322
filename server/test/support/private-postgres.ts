// A Postgres server of the test's own (the machine's binaries, a fresh cluster), so a test can stop and restart it.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../src/core/database/embedded-postgres';

export interface PrivatePostgres {
  /** A URL to its `postgres` database. */
  url: string;
  stop(): void;
  start(): void;
  /** Stops it for good and removes its files. */
  destroy(): void;
}

const POSTGRES_USER = 'postgres';

/** Runs a Postgres binary as the postgres system user when we are root (Postgres refuses to run as root). */
function run(binary: string, args: string[]): void {
  const bindir = execFileSync('pg_config', ['--bindir']).toString().trim();
  const command = path.join(bindir, binary);
  if (userInfo().uid === 0) {
    execFileSync('runuser', ['-u', POSTGRES_USER, '--', command, ...args], { stdio: 'pipe' });
  } else {
    execFileSync(command, args, { stdio: 'pipe' });
  }
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = mkdtempSync(path.join(tmpdir(), 'wago-private-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'postgres.log');
  if (userInfo().uid === 0) {
    const uid = Number(execFileSync('id', ['-u', POSTGRES_USER]).toString());
    const gid = Number(execFileSync('id', ['-g', POSTGRES_USER]).toString());
    chownSync(root, uid, gid);
    chmodSync(root, 0o755);
  }
  const port = await findFreePort();
  run('initdb', ['-D', dataDir, '-U', POSTGRES_USER, '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const start = (): void =>
    run('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      logFile,
      '-w',
      '-o',
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  const stop = (): void => run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    url: `postgres://${POSTGRES_USER}@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy() {
      try {
        stop();
      } catch {
        // Already stopped.
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
