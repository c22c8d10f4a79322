// The cluster's bus: Postgres LISTEN/NOTIFY on the app's database, so nodes tell each other what happened without
// polling and without anything but Postgres. A message is a hint that makes another node act now; whatever must
// not be missed is in a table too, and the scans that read it stay as the fallback (a node whose listening
// connection is down for a moment misses what was sent meanwhile).
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../core/config/app-config';
import { Clock, Timer } from '../core/runtime/clock';
import { EventBus, EventListener } from '../core/runtime/event-bus';
import type { ClusterMessageMap } from './cluster-messages';
import { NodeIdentity } from './node-identity';

export const CLUSTER_CHANNEL = 'wago_cluster';
/**
 * Postgres refuses NOTIFY payloads from 8000 bytes: most of what goes on the bus is ids and short strings, and what is
 * larger (an answer listing a session's groups) goes through the `cluster_payloads` table, kept this long.
 */
const MAX_PAYLOAD_BYTES = 7900;
const STORED_PAYLOAD_TTL = '1 minute';
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

interface Envelope {
  /** The node that sent it. */
  o: string;
  k: keyof ClusterMessageMap;
  p: unknown;
}

/** What NOTIFY carries for a message too large for it: the row of `cluster_payloads` that holds its envelope. */
interface StoredEnvelope {
  o: string;
  stored: string;
}

/**
 * `publish` reaches the listeners of every other node (never this one's: a node does its own part directly), in the
 * order one node published. Listeners follow the one rule of the in-process bus (core/runtime/event-bus.ts).
 */
@Injectable()
export class ClusterBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  private readonly received = new EventBus<ClusterMessageMap>(ClusterBus.name);
  private client: Client | undefined;
  private reconnect: Timer | undefined;
  private failures = 0;
  private stopped = false;
  private delivering = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly node: NodeIdentity,
    private readonly clock: Clock,
  ) {}

  /** Listening before the application serves anything, so no message meant for it is missed at start. */
  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.reconnect?.cancel();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  on<K extends keyof ClusterMessageMap>(kind: K, listener: EventListener<ClusterMessageMap[K]>): () => void {
    return this.received.on(kind, listener);
  }

  /** Sends to the other nodes. Never rejects: a message that cannot go out is logged, the fallback scans cover it. */
  async publish<K extends keyof ClusterMessageMap>(kind: K, payload: ClusterMessageMap[K]): Promise<void> {
    const text = JSON.stringify({ o: this.node.id, k: kind, p: payload } satisfies Envelope);
    try {
      const notified = Buffer.byteLength(text) > MAX_PAYLOAD_BYTES ? await this.store(text) : text;
      await this.dataSource.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, notified]);
    } catch (error) {
      this.logger.warn({ err: error, kind }, `Sending a ${kind} cluster message failed`);
    }
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.databaseUrl,
      keepAlive: true,
      application_name: 'wago-cluster-bus',
    });
    client.on('notification', (notification) => {
      if (notification.channel === CLUSTER_CHANNEL && notification.payload) this.deliver(notification.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CLUSTER_CHANNEL}`);
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failures > 0) this.logger.log('Listening on the cluster bus again');
    this.failures = 0;
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn({ err: error }, 'Lost the cluster bus connection; listening again shortly');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = Math.min(RECONNECT_MIN_MS * 2 ** this.failures, RECONNECT_MAX_MS);
    this.failures += 1;
    this.reconnect = this.clock.setTimeout(() => {
      this.reconnect = undefined;
      if (!this.stopped) this.listen().catch(() => this.scheduleReconnect());
    }, delay);
  }

  /** Keeps a large message's envelope in the table; resolves with what the notification carries instead. */
  private async store(text: string): Promise<string> {
    await this.dataSource.query(
      `DELETE FROM cluster_payloads WHERE created_at < now() - interval '${STORED_PAYLOAD_TTL}'`,
    );
    const [row] = await this.dataSource.query<{ id: string }[]>(
      'INSERT INTO cluster_payloads (payload) VALUES ($1) RETURNING id',
      [text],
    );
    return JSON.stringify({ o: this.node.id, stored: row.id } satisfies StoredEnvelope);
  }

  /** Delivered one after the other, so a stored message being read keeps its place among the ones after it. */
  private deliver(text: string): void {
    this.delivering = this.delivering
      .then(() => this.open(text))
      .then((envelope) => {
        if (envelope) void this.received.publish(envelope.k, envelope.p as never);
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'A cluster message could not be read'));
  }

  private async open(text: string): Promise<Envelope | null> {
    let envelope: Envelope | StoredEnvelope;
    try {
      envelope = JSON.parse(text) as Envelope | StoredEnvelope;
    } catch {
      this.logger.warn('Ignored a cluster message that is not JSON');
      return null;
    }
    if (envelope.o === this.node.id) return null;
    if (!('stored' in envelope)) return envelope;
    const [row] = await this.dataSource.query<{ payload: string }[]>(
      'SELECT payload FROM cluster_payloads WHERE id = $1',
      [envelope.stored],
    );
    return row ? (JSON.parse(row.payload) as Envelope) : null;
  }
}
