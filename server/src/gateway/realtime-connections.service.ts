// Every open realtime connection (Socket.IO and /ws) with the credential that opened it, so it ends when that does.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { CredentialSource } from '../auth/auth-user';
import { AuthService } from '../auth/auth.service';
import { Clock } from '../core/runtime/clock';
import { WakeableLoop } from '../core/runtime/wakeable-loop';

/**
 * How often open connections are checked against their credentials. The promise is "closed within 5 s" of a PIN
 * change, a key revocation, a user deletion or a token's expiry, on whichever node the connection is.
 */
export const REVALIDATE_EVERY_MS = 2_000;

/** The part of AuthService the registry needs: which credentials have ended. */
export interface CredentialEndings {
  endedAmong(sources: readonly CredentialSource[]): Promise<Set<CredentialSource>>;
}

export interface RealtimeConnection {
  source: CredentialSource;
  /** Closes the connection the way its transport tells a client its credential is gone. */
  end(): void;
}

/**
 * Re-validates the credentials behind open connections every REVALIDATE_EVERY_MS, all of them in one check that
 * reads the database (not in-process events), so a credential ended on another node ends connections here too.
 */
@Injectable()
export class RealtimeConnections implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RealtimeConnections.name);
  private readonly connections = new Set<RealtimeConnection>();
  private readonly revalidation: WakeableLoop;

  constructor(
    @Inject(AuthService) private readonly credentials: CredentialEndings,
    clock: Clock,
  ) {
    this.revalidation = new WakeableLoop(
      'Revalidating realtime connections',
      () => this.endRevoked(),
      { intervalMs: REVALIDATE_EVERY_MS },
      clock,
    );
  }

  onApplicationBootstrap(): void {
    this.revalidation.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.revalidation.stop();
  }

  /** Tracks the connection until the returned function is called (when it closes). */
  register(connection: RealtimeConnection): () => void {
    this.connections.add(connection);
    return () => {
      this.connections.delete(connection);
    };
  }

  /** Ends every connection whose credential has ended; a failed check leaves them all open until the next one. */
  async endRevoked(): Promise<void> {
    if (this.connections.size === 0) return;
    const open = [...this.connections];
    let ended: Set<CredentialSource>;
    try {
      ended = await this.credentials.endedAmong(open.map((connection) => connection.source));
    } catch (error) {
      this.logger.error({ err: error }, 'Checking the credentials of realtime connections failed');
      return;
    }
    for (const connection of open) {
      if (!ended.has(connection.source)) continue;
      this.connections.delete(connection);
      connection.end();
    }
  }
}
