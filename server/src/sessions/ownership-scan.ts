// The cluster's ownership scan: every few seconds this node compares the sessions it runs with what the database
// says should run, and the lifecycle takes over, stops or forgets sessions to match. A session changed through
// another node (started, stopped, logged out, deleted) is looked at as soon as the cluster bus says so.
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ClusterBus } from '../cluster/cluster-bus';
import { ClusterMembership } from '../cluster/cluster-membership';
import { AppConfig } from '../core/config/app-config';
import { Clock } from '../core/runtime/clock';
import { WakeableLoop } from '../core/runtime/wakeable-loop';
import { SessionLifecycleService } from './session-lifecycle.service';
import { SessionsRepository } from './sessions.repository';

@Injectable()
export class OwnershipScan implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private readonly loop: WakeableLoop;
  /** The first scan takes back this node's own sessions from before a restart; later ones take over from dead nodes. */
  private scannedOnce = false;
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly lifecycle: SessionLifecycleService,
    private readonly repository: SessionsRepository,
    private readonly bus: ClusterBus,
    membership: ClusterMembership,
    config: AppConfig,
    clock: Clock,
  ) {
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
  }
}
