// Publishing to NATS JetStream: one connection per server and credentials (it reconnects by itself after a server
// restart), the stream created or extended to cover the session's subjects, the event id as Nats-Msg-Id so JetStream
// drops a duplicate, and success only on the stream's acknowledgement.
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { connect, headers, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import { KeyedSerialQueue } from '../core/runtime/keyed-serial-queue';
import { withTimeout } from '../core/runtime/with-timeout';
import { BrokerCredentials } from './broker-url';
import { BrokerMessage, connectionKey } from './broker-message';

export interface NatsTarget {
  url: string;
  credentials: BrokerCredentials | null;
  stream: string;
  /** What the stream must cover for this message: the session's subjects. */
  subjects: string;
}

interface NatsEntry {
  connection: NatsConnection;
  jetstream: JetStreamClient;
  manager: JetStreamManager;
  /** `stream subjects` pairs known to be covered, each settled once. */
  covered: Map<string, Promise<void>>;
  /** Stream creations and extensions on this connection, one at a time per stream. */
  streamChanges: KeyedSerialQueue;
}

/** How many times a stream is looked at and extended before an attempt gives up (see ensureStream). */
const STREAM_ROUNDS = 4;

@Injectable()
export class NatsPublisher implements OnApplicationShutdown {
  private readonly connections = new Map<string, Promise<NatsEntry>>();

  async publish(target: NatsTarget, message: BrokerMessage, timeoutMs: number): Promise<void> {
    const entry = await withTimeout(
      this.connection(connectionKey(target), target, timeoutMs),
      timeoutMs,
      `Timed out after ${timeoutMs / 1000} s connecting`,
    );
    await withTimeout(this.cover(entry, target), timeoutMs, `Timed out after ${timeoutMs / 1000} s`);
    const messageHeaders = headers();
    messageHeaders.set('Content-Type', 'application/json');
    messageHeaders.set('Wago-Event-Type', message.type);
    try {
      await entry.jetstream.publish(message.address, message.body, {
        msgID: message.id,
        timeout: timeoutMs,
        headers: messageHeaders,
      });
    } catch (error) {
      // The stream may be gone (deleted by an operator): look for it again next time.
      entry.covered.delete(coverKey(target));
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const connections = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(
      connections.map((entry) => entry.then(({ connection }) => connection.close()).catch(() => undefined)),
    );
  }

  private connection(key: string, target: NatsTarget, timeoutMs: number): Promise<NatsEntry> {
    let entry = this.connections.get(key);
    if (!entry) {
      entry = this.open(target, timeoutMs);
      this.connections.set(key, entry);
      const opened = entry;
      opened.then(
        // Closed for good (never while it is only reconnecting): the next attempt connects again.
        ({ connection }) =>
          connection.closed().finally(() => {
            if (this.connections.get(key) === opened) this.connections.delete(key);
          }),
        () => {
          if (this.connections.get(key) === opened) this.connections.delete(key);
        },
      );
    }
    return entry;
  }

  private async open(target: NatsTarget, timeoutMs: number): Promise<NatsEntry> {
    const { credentials } = target;
    const connection = await connect({
      servers: target.url,
      name: 'wago-sinks',
      timeout: timeoutMs,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      ...(credentials?.password !== null && credentials
        ? { user: credentials.username, pass: credentials.password }
        : credentials
          ? { token: credentials.username }
          : {}),
    });
    try {
      return {
        connection,
        jetstream: connection.jetstream(),
        manager: await connection.jetstreamManager(),
        covered: new Map(),
        streamChanges: new KeyedSerialQueue(),
      };
    } catch (error) {
      // No JetStream there (or not for these credentials): the connection, which would reconnect forever, goes.
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Makes sure a stream stores the session's subjects: any stream that already does (two streams may not overlap),
   * else the named one, extended with them or created.
   */
  private cover(entry: NatsEntry, target: NatsTarget): Promise<void> {
    const key = coverKey(target);
    let covered = entry.covered.get(key);
    if (!covered) {
      // One change to a stream at a time from this node; other nodes' changes are what ensureStream looks again for.
      covered = entry.streamChanges.run(target.stream, () => this.ensureStream(entry.manager, target));
      entry.covered.set(key, covered);
      const pending = covered;
      pending.catch(() => {
        if (entry.covered.get(key) === pending) entry.covered.delete(key);
      });
    }
    return covered;
  }

  /**
   * Two nodes may extend the same stream at once, each writing the subjects it read plus its own: the later write
   * drops the other's subject, and two creations collide. So each step is checked by looking again, a few times,
   * before the attempt fails (and is retried on the schedule).
   */
  private async ensureStream(manager: JetStreamManager, target: NatsTarget): Promise<void> {
    for (let round = 1; ; round++) {
      try {
        if (await this.coveredBy(manager, target)) return;
        await this.extendOrCreate(manager, target);
        if (await this.coveredBy(manager, target)) return;
      } catch (error) {
        if (round >= STREAM_ROUNDS) throw error;
      }
      if (round >= STREAM_ROUNDS) throw new Error(`Stream ${target.stream} does not cover ${target.subjects}`);
      await new Promise((resolve) => setTimeout(resolve, 50 * round));
    }
  }

  private async coveredBy(manager: JetStreamManager, target: NatsTarget): Promise<boolean> {
    return (await manager.streams.find(target.subjects).catch(() => null)) !== null;
  }

  private async extendOrCreate(manager: JetStreamManager, target: NatsTarget): Promise<void> {
    const info = await manager.streams.info(target.stream).catch((error: unknown) => {
      if (error instanceof Error && error.message === 'stream not found') return null;
      throw error;
    });
    if (info) {
      await manager.streams.update(target.stream, {
        ...info.config,
        subjects: [...(info.config.subjects ?? []), target.subjects],
      });
    } else {
      await manager.streams.add({ name: target.stream, subjects: [target.subjects] });
    }
  }
}

function coverKey(target: NatsTarget): string {
  return `${target.stream} ${target.subjects}`;
}
