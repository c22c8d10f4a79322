// The cluster's ownership scan: every few seconds this node compares the sessions it runs with what the database
// says should run, and the lifecycle takes over, stops or forgets sessions to match. A session changed through
// another node (started, stopped, logged out, deleted) is looked at as soon as the cluster bus says so. Every
// BALANCE_INTERVAL_MS the scan also gives away what is over this node's share of the cluster's sessions.
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ClusterBus } from '../cluster/cluster-bus';
import { ClusterMembership } from '../cluster/cluster-membership';
import { NodeIdentity } from '../cluster/node-identity';
import { AppConfig } from '../core/config/app-config';
import { Clock } from '../core/runtime/clock';
import { WakeableLoop } from '../core/runtime/wakeable-loop';
import { planHandoffs } from './balance';
import { SessionLifecycleService } from './session-lifecycle.service';

/**
 * How often a node rebalances, and how many sessions it gives at most each time: two heartbeats apart, so the
 * counts it reads include the sessions it gave last time, and 150 sessions spread over a joining third node within a
 * minute.
 */
export const BALANCE_INTERVAL_MS = 10_000;
const HANDOFFS_PER_ROUND = 10;
import { SessionsRepository } from './sessions.repository';

@Injectable()
export class OwnershipScan implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private readonly loop: WakeableLoop;
  /** The first scan takes back this node's own sessions from before a restart; later ones take over from dead nodes. */
  private scannedOnce = false;
  private stopListening: (() => void) | undefined;
  /** Not at once at start: this node's first beats, and the others' counts, come in first. */
  private nextBalanceAt: number;

  constructor(
    private readonly lifecycle: SessionLifecycleService,
    private readonly repository: SessionsRepository,
    private readonly bus: ClusterBus,
    private readonly membership: ClusterMembership,
    private readonly node: NodeIdentity,
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.nextBalanceAt = clock.now().getTime() + BALANCE_INTERVAL_MS;
    membership.reportSessionsWith(() => lifecycle.localSessionIds().length);
    this.loop = new WakeableLoop(
      'Ownership scan',
      () => this.scan(),
      { firstDelayMs: 0, intervalMs: config.whatsapp.ownerScanIntervalMs },
      clock,
    );
  }

  onApplicationBootstrap(): void {
    this.stopListening = this.bus.on('session.changed', () => this.loop.wake());
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopListening?.();
    await this.loop.stop();
  }

  async scan(): Promise<void> {
    try {
      const localIds = this.lifecycle.localSessionIds();
      const rows = await this.repository.findRunCandidates(localIds);
      await this.lifecycle.reconcile(localIds, rows, this.scannedOnce ? 'owner_lost' : 'server_restart');
    } catch (error) {
      this.logger.error({ err: error }, 'Looking for sessions to run failed');
    } finally {
      this.scannedOnce = true;
    }
    await this.balance().catch((error: unknown) => this.logger.error({ err: error }, 'Rebalancing sessions failed'));
  }

  /** Gives away what is over this node's share (balance.ts), to the nodes under theirs. */
  private async balance(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now < this.nextBalanceAt) return;
    this.nextBalanceAt = now + BALANCE_INTERVAL_MS;
    const nodes = await this.membership.list();
    if (!nodes.some((node) => node.self)) return;
    const loads = nodes.map((node) => ({
      id: node.id,
      // Its own count exactly; the others' as of their last heartbeat.
      sessions: node.self ? this.lifecycle.localSessionIds().length : node.sessions,
    }));
    const plan = planHandoffs(this.node.id, loads, this.lifecycle.movableSessionIds(), HANDOFFS_PER_ROUND);
    for (const { sessionId, to } of plan) await this.lifecycle.handOff(sessionId, to);
  }
}
