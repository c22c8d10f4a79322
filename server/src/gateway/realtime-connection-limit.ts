// How many realtime connections each user holds, Socket.IO and /ws together, so one user cannot exhaust the server.
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';

/** Gives the slot back; calling it again does nothing, so every way a connection can end may call it. */
export type ReleaseConnection = () => void;

@Injectable()
export class RealtimeConnectionLimit {
  private readonly open = new Map<string, number>();
  private readonly maxPerUser: number;

  constructor(config: AppConfig) {
    this.maxPerUser = config.realtime.maxConnectionsPerUser;
  }

  /** Takes one of the user's slots, or answers undefined when they hold them all. */
  tryOpen(userId: string): ReleaseConnection | undefined {
    const held = this.open.get(userId) ?? 0;
    if (held >= this.maxPerUser) return undefined;
    this.open.set(userId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const remaining = (this.open.get(userId) ?? 1) - 1;
      if (remaining > 0) this.open.set(userId, remaining);
      else this.open.delete(userId);
    };
  }
}
