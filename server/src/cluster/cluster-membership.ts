// This node's membership: registered at start, a beat every few seconds with the sessions it runs, gone at stop.
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../core/runtime/clock';
import { WakeableLoop } from '../core/runtime/wakeable-loop';
import { ClusterBus } from './cluster-bus';
import { ClusterNodeRow, ClusterNodesRepository } from './cluster-nodes.repository';
import { NodeIdentity } from './node-identity';

/** Three beats fit in the time after which a silent node is gone, so one slow beat does not make it gone. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** Gone nodes' rows are pruned about once an hour (every this many beats). */
const PRUNE_EVERY_BEATS = 720;

export interface ClusterNode extends ClusterNodeRow {
  /** The node that answered. */
  self: boolean;
}

@Injectable()
export class ClusterMembership implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  private readonly beating: WakeableLoop;
  private countSessions: () => number = () => 0;
  private beats = 0;
  private left = false;
  private peers = false;
  /** When another node last announced itself (epoch ms): a peer until the heartbeats have surely seen it. */
  private announcedAt = Number.NEGATIVE_INFINITY;

  private stopListening: (() => void) | undefined;

  constructor(
    private readonly node: NodeIdentity,
    private readonly nodes: ClusterNodesRepository,
    private readonly bus: ClusterBus,
    private readonly clock: Clock,
  ) {
    this.beating = new WakeableLoop(
      'Cluster heartbeat',
      () => this.beat(),
      { firstDelayMs: 0, intervalMs: HEARTBEAT_INTERVAL_MS },
      clock,
    );
  }

  /** The sessions module tells how many sessions this node runs (it depends on this module, not the reverse). */
  reportSessionsWith(count: () => number): void {
    this.countSessions = count;
  }

  onApplicationBootstrap(): void {
    this.logger.log(`Node ${this.node.id} (${this.node.host}) joined the cluster`);
    // The bus never tells a node its own messages: any node.joined heard is another node's.
    this.stopListening = this.bus.on('node.joined', () => {
      this.announcedAt = this.clock.now().getTime();
    });
    this.beating.start();
    void this.bus.publish('node.joined', { nodeId: this.node.id });
  }

  /**
   * The node stops: it is gone for the others at once (no session is handed to it any more) rather than once its
   * beats stop counting. The sessions module calls this first thing at shutdown; calling it again does nothing.
   */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.stopListening?.();
    await this.beating.stop();
    await this.nodes.leave(this.node.id).catch((error: unknown) => {
      this.logger.error({ err: error }, 'Leaving the cluster failed; the node is gone once its beats stop counting');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.leave();
  }

  async list(): Promise<ClusterNode[]> {
    const rows = await this.nodes.live();
    return rows.map((row) => ({ ...row, self: row.id === this.node.id }));
  }

  /**
   * Whether other nodes were alive at the last heartbeat, or one announced itself since: what only another node's
   * clients could want need not go on the bus when there is none.
   */
  hasPeers(): boolean {
    return this.peers || this.clock.now().getTime() - this.announcedAt < 2 * HEARTBEAT_INTERVAL_MS;
  }

  private async beat(): Promise<void> {
    await this.nodes.beat(this.node, this.countSessions());
    this.peers = (await this.nodes.live()).some((row) => row.id !== this.node.id);
    this.beats += 1;
    if (this.beats % PRUNE_EVERY_BEATS === 0) await this.nodes.pruneGone();
  }
}
