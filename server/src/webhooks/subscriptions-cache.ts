// A session's enabled subscriptions (webhooks, sinks) served from memory for a moment: every incoming event needs
// them, and at a busy line's rate reading them each time was a query per message.
import { Clock } from '../core/runtime/clock';

/**
 * How long a read is served from memory. A change forgets the cache at once, on every node of a cluster (the cluster
 * bus tells the others); should a node miss that message, it sees the change within this time.
 */
export const SUBSCRIPTIONS_FRESH_MS = 1_000;

export class SubscriptionsCache<T> {
  private readonly bySession = new Map<string, { subscriptions: Promise<T[]>; readAt: number }>();

  constructor(
    private readonly read: (sessionId: string) => Promise<T[]>,
    private readonly clock: Clock,
  ) {}

  get(sessionId: string): Promise<T[]> {
    const now = this.clock.now().getTime();
    const cached = this.bySession.get(sessionId);
    if (cached && now - cached.readAt < SUBSCRIPTIONS_FRESH_MS) return cached.subscriptions;
    const subscriptions = this.read(sessionId);
    const entry = { subscriptions, readAt: now };
    this.bySession.set(sessionId, entry);
    // A failed read is not kept: the next event reads again.
    subscriptions.catch(() => {
      if (this.bySession.get(sessionId) === entry) this.bySession.delete(sessionId);
    });
    return subscriptions;
  }

  clear(): void {
    this.bySession.clear();
  }
}
