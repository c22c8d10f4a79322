// Starts the real, built WAGO server as a child process, as a user would run it, and talks to it over the network.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../src/core/database/embedded-postgres';

const ROOT = path.resolve(__dirname, '../../..');
const MAIN = path.join(ROOT, 'dist/server/src/main.js');

export interface ServerProcess {
  baseUrl: string;
  port: number;
  /** The server's process id, to read its memory and CPU time. */
  pid: number;
  dataDir: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Graceful stop (SIGTERM); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Crash (SIGKILL). */
  kill(): Promise<void>;
}

export interface ServerProcessOptions {
  databaseUrl?: string;
  env?: Record<string, string>;
  dataDir?: string;
  port?: number;
  /** Waits for /health to answer 200 (default) before resolving. */
  waitForHealth?: boolean;
}

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-wago-0123456789';
/** Shared by every node a test starts, as a cluster's nodes share it: each decrypts what another stored. */
export const TEST_SECRETS_KEY = 'test-secrets-key-that-is-long-enough-for-wago-9876543210';

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = options.port ?? (await findFreePort());
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'wago-e2e-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // The simulator's CA (its media host speaks HTTPS), trusted as an operator would trust it.
    ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
    NODE_ENV: 'test',
    APP_PORT: String(port),
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    SECRETS_KEY: TEST_SECRETS_KEY,
    LOG_LEVEL: 'info',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    listeners.forEach((listener) => listener());
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const baseUrl = `http://127.0.0.1:${port}`;

  const waitForOutput = (pattern: RegExp, timeoutMs = 30_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (pattern.test(output)) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`Timed out waiting for ${pattern} in server output:\n${output.slice(-4000)}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  const cleanup = (): void => {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const server: ServerProcess = {
    baseUrl,
    port,
    pid: child.pid as number,
    dataDir,
    output: () => output,
    waitForOutput,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited(child);
      cleanup();
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
      cleanup();
    },
  };

  if (options.waitForHealth !== false) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`Server exited with ${child.exitCode}:\n${output}`);
      const healthy = await fetch(`${baseUrl}/health`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (healthy) break;
      if (Date.now() > deadline) {
        await server.kill();
        throw new Error(`Server did not become healthy:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return server;
}
