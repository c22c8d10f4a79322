// Private message brokers for tests that stop and restart them: a nats-server with JetStream, and a RabbitMQ node of
// its own (own node name, ports, and data directory), each keeping its data across a restart as a real one does.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../../src/core/database/embedded-postgres';

const run = promisify(execFile);

export interface PrivateBroker {
  /** Without credentials. */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

/** Resolves once something accepts connections on the port. */
async function listening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startPrivateNats(): Promise<PrivateBroker> {
  const port = await findFreePort();
  const storeDir = mkdtempSync(path.join(tmpdir(), 'wago-nats-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: 'ignore' });
    await listening(port, 15_000);
  };
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/**
 * A RabbitMQ node beside the machine's shared one: its own name, AMQP and distribution ports, config and data
 * directory (owned by the rabbitmq user the server scripts switch to). Starting takes a few seconds.
 */
export async function startPrivateRabbitMq(): Promise<PrivateBroker> {
  const [amqpPort, distPort] = [await findFreePort(), await findFreePort()];
  const base = mkdtempSync(path.join(tmpdir(), 'wago-rabbitmq-'));
  const nodeName = `wago-test-${path.basename(base).slice(-6).toLowerCase()}@localhost`;
  const config = path.join(base, 'rabbitmq.conf');
  writeFileSync(config, `listeners.tcp.default = 127.0.0.1:${amqpPort}\n`);
  const { uid, gid } = await rabbitmqUser();
  chownSync(base, uid, gid);
  chownSync(config, uid, gid);
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: config,
    RABBITMQ_MNESIA_BASE: path.join(base, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(base, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(base, 'enabled_plugins'),
    RABBITMQ_ENABLED_PLUGINS: '',
  };
  const start = async (): Promise<void> => {
    await run('rabbitmq-server', ['-detached'], { env });
    await listening(amqpPort, 60_000);
  };
  const stop = async (): Promise<void> => {
    await run('rabbitmqctl', ['-n', nodeName, 'stop'], { env }).catch(() => undefined);
  };
  await start();
  return {
    url: `amqp://127.0.0.1:${amqpPort}`,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

async function rabbitmqUser(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'rabbitmq']),
    run('id', ['-g', 'rabbitmq']),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
