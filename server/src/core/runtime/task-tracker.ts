// Fire-and-forget work with an owner: what is still running at shutdown gets a grace period to finish.
import { Clock } from './clock';

export class TaskTracker {
  private readonly tasks = new Set<Promise<unknown>>();

  constructor(private readonly clock: Clock) {}

  /** Remembers `task` until it settles; answers it unchanged (its failure stays the caller's to handle). */
  track<T>(task: Promise<T>): Promise<T> {
    this.tasks.add(task);
    const forget = (): void => {
      this.tasks.delete(task);
    };
    task.then(forget, forget);
    return task;
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Waits for every tracked task, including those started meanwhile, however long they take. */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /**
   * Waits for every tracked task, including those started meanwhile, but at most `graceMs`; answers whether all
   * finished. Failures are not reported here: `track`'s caller owns them.
   */
  async drain(graceMs: number): Promise<boolean> {
    const grace = new AbortController();
    const settled = this.idle().then(() => true);
    const expired = this.clock.sleep(graceMs, grace.signal).then(() => false);
    try {
      return await Promise.race([settled, expired]);
    } finally {
      grace.abort();
    }
  }
}
