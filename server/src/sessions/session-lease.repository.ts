// Session ownership across WAGO processes: a Postgres advisory lock per running session, all held on one connection.
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client, QueryResultRow } from 'pg';
import { AppConfig } from '../core/config/app-config';
import { Clock } from '../core/runtime/clock';
import { WakeableLoop } from '../core/runtime/wakeable-loop';
import { withTimeout } from '../core/runtime/with-timeout';

/** First key of every session lease ("WAGS"), so they never meet the single-key locks of migrations or pg-boss. */
const LEASE_NAMESPACE = 0x57414753;

/**
 * The lease connection is asked to answer this often, within the timeout. A connection that went silent (a database
 * failover, a half-open TCP connection) fails this long before Postgres notices it and frees the locks for another
 * node, so this node drops its WhatsApp connections before anyone else can have taken them.
 */
const HEARTBEAT_INTERVAL_MS = 3_000;
const HEARTBEAT_TIMEOUT_MS = 3_000;
/** TCP keepalive on the lease connection starts probing after this much silence. */
const KEEPALIVE_INITIAL_DELAY_MS = 5_000;

/** The epoch of a lease whose session was deleted before it was taken: matches no row. */
const NO_EPOCH = -1;

/** The second lock key: 32 bits of the (random) UUID. A rare collision only makes two sessions share an owner. */
export function leaseKey(sessionId: string): number {
  return Number.parseInt(sessionId.replace(/-/g, '').slice(0, 8), 16) | 0;
}

/**
 * The locks live as long as this process's lease connection: released on stop and shutdown, and lost with the
 * process (Postgres drops them when the connection dies), which is what lets a survivor take the sessions over.
 */
@Injectable()
export class SessionLeaseRepository implements OnApplicationShutdown {
  private readonly logger = new Logger(SessionLeaseRepository.name);
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly lostListeners = new Set<() => void>();
  /**
   * Leases this process holds, with their epochs: taking one twice must not stack Postgres' re-entrant lock (nor
   * raise the epoch again).
   */
  private readonly held = new Map<string, number>();
  /** One query at a time on the lease connection (the heartbeat runs beside acquisitions), in the order asked. */
  private queries: Promise<unknown> = Promise.resolve();

  private readonly heartbeat: WakeableLoop;
  /** When the lease connection last answered a query (any query: each shows it alive). */
  private lastAnswerAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.heartbeat = new WakeableLoop(
      'Session lease heartbeat',
      () => this.beat(),
      { intervalMs: HEARTBEAT_INTERVAL_MS },
      clock,
    );
  }

  /** Called when the lease connection is lost: every lease of this process is gone with it. */
  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /**
   * Takes the session's lease if nobody holds it; true when this process now owns the session. Taking it raises the
   * session's lease epoch: from then on the writes of an earlier owner, which carry the epoch it had, are refused.
   */
  async acquire(sessionId: string): Promise<boolean> {
    const client = await this.connection();
    if (this.held.has(sessionId)) return true;
    const locked = await this.query<{ acquired: boolean }>(client, 'SELECT pg_try_advisory_lock($1, $2) AS acquired', [
      LEASE_NAMESPACE,
      leaseKey(sessionId),
    ]);
    if (locked[0]?.acquired !== true) return false;
    // Raised under the lock, on the lock's connection: no other node can raise it between the two.
    const raised = await this.query<{ lease_epoch: number }>(
      client,
      'UPDATE sessions SET lease_epoch = lease_epoch + 1 WHERE id = $1 RETURNING lease_epoch',
      [sessionId],
    );
    // A session deleted meanwhile has no epoch: every fenced write of it fails, as it should.
    this.held.set(sessionId, raised[0]?.lease_epoch ?? NO_EPOCH);
    return true;
  }

  /**
   * Takes, in one round trip, the leases of those of `sessionIds` that nobody holds (an ownership scan's candidates:
   * one query per session kept the lease connection busy for seconds under load). Returns the ids whose lease this
   * process holds now; each taken lease raises its session's epoch, as acquire() does.
   */
  async acquireMany(sessionIds: string[]): Promise<string[]> {
    const client = await this.connection();
    const wanted = [...new Set(sessionIds)].filter((sessionId) => !this.held.has(sessionId));
    if (wanted.length > 0) {
      const taken = await this.query<{ id: string }>(
        client,
        `SELECT candidate.id FROM unnest($1::uuid[], $2::integer[]) AS candidate(id, key)
          WHERE pg_try_advisory_lock($3, candidate.key)`,
        [wanted, wanted.map(leaseKey), LEASE_NAMESPACE],
      );
      const takenIds = taken.map(({ id }) => id);
      if (takenIds.length > 0) {
        const raised = await this.query<{ id: string; lease_epoch: number }>(
          client,
          'UPDATE sessions SET lease_epoch = lease_epoch + 1 WHERE id = ANY($1::uuid[]) RETURNING id, lease_epoch',
          [takenIds],
        );
        const epochs = new Map(raised.map(({ id, lease_epoch }) => [id, lease_epoch]));
        for (const id of takenIds) this.held.set(id, epochs.get(id) ?? NO_EPOCH);
      }
    }
    return sessionIds.filter((sessionId) => this.held.has(sessionId));
  }

  /** The epoch of the lease this process holds for the session, which its fenced writes carry; undefined if none. */
  epochOf(sessionId: string): number | undefined {
    return this.held.get(sessionId);
  }

  async release(sessionId: string): Promise<void> {
    const client = this.client;
    if (!client || !this.held.delete(sessionId)) return;
    await this.query(client, 'SELECT pg_advisory_unlock($1, $2)', [LEASE_NAMESPACE, leaseKey(sessionId)]);
  }

  /** After the sessions closed (their lifecycle stops in onModuleDestroy): closing the connection frees every lease. */
  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.held.clear();
    this.lostListeners.clear();
    await this.heartbeat.stop();
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const client = new Client({
      connectionString: this.config.databaseUrl,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
      application_name: 'wago-session-leases',
    });
    client.on('error', (error) => this.lose(client, error));
    client.on('end', () => this.lose(client));
    await client.connect();
    this.client = client;
    // A query stuck on the connection that was lost would hold the new one's forever.
    this.queries = Promise.resolve();
    this.heartbeat.start();
    return client;
  }

  /** The connection answers in time, or it is treated as lost (and so are its leases) at once. */
  private async beat(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await withTimeout(this.query(client, 'SELECT 1'), HEARTBEAT_TIMEOUT_MS, 'the lease connection did not answer');
    } catch (error) {
      // Queued behind other queries (a scan taking leases), the heartbeat may wait its turn: the connection is alive
      // as long as it keeps answering them.
      if (this.client !== client || this.clock.now().getTime() - this.lastAnswerAt < HEARTBEAT_TIMEOUT_MS) return;
      this.lose(client, error as Error);
    }
  }

  private query<T extends QueryResultRow>(client: Client, text: string, values: unknown[] = []): Promise<T[]> {
    const result = this.queries.then(() => client.query<T>(text, values));
    this.queries = result.catch(() => undefined);
    return result.then(({ rows }) => {
      this.lastAnswerAt = this.clock.now().getTime();
      return rows;
    });
  }

  private lose(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.held.clear();
    this.logger.error({ err: error }, 'Lost the session lease connection: this process no longer owns its sessions');
    client.end().catch(() => undefined);
    for (const listener of this.lostListeners) listener();
  }
}
