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
/** Postgres refuses NOTIFY payloads from 8000 bytes; what goes on the bus is ids and short strings. */
const MAX_PAYLOAD_BYTES = 7900;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

interface Envelope {
  /** The node that sent it. */
  o: string;
  k: keyof ClusterMessageMap;
  p: unknown;
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
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      this.logger.error({ kind }, `A ${kind} cluster message is too large to send`);
      return;
    }
    try {
      await this.dataSource.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, text]);
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

  private deliver(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      this.logger.warn('Ignored a cluster message that is not JSON');
      return;
    }
    if (envelope.o === this.node.id) return;
    void this.received.publish(envelope.k, envelope.p as never);
  }
}
