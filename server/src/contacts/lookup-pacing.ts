// WhatsApp rate-limits usync queries per account: a session's number lookups go one at a time, a minimum apart.
import { Clock } from '../core/runtime/clock';
import { KeyedSerialQueue } from '../core/runtime/keyed-serial-queue';

export class LookupPacing {
  private readonly queue = new KeyedSerialQueue();
  /** When each session last asked WhatsApp (ms since epoch). */
  private readonly lastAskedAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly minIntervalMs: number,
  ) {}

  /**
   * Runs `job` once the session's earlier jobs settled. The job calls `ask` for what it must ask WhatsApp: that waits
   * until `minIntervalMs` after the session's previous question. A job that finds nothing to ask (an earlier one
   * answered it meanwhile) costs no wait.
   */
  run<T>(sessionId: string, job: (ask: <A>(question: () => Promise<A>) => Promise<A>) => Promise<T>): Promise<T> {
    return this.queue.run(sessionId, () =>
      job(async (question) => {
        const last = this.lastAskedAt.get(sessionId);
        const wait = last === undefined ? 0 : last + this.minIntervalMs - this.clock.now().getTime();
        if (wait > 0) await this.clock.sleep(wait);
        try {
          return await question();
        } finally {
          this.lastAskedAt.set(sessionId, this.clock.now().getTime());
        }
      }),
    );
  }
}
