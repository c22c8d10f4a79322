// Writes that many callers make at once, gathered into fewer transactions without waiting for a timer.

interface Queued<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * What a batch writer resolves with: nothing when every item committed, or the items it refused, by position (an
 * error for each refused item; the others committed).
 */
export type BatchOutcome = (Error | undefined)[] | undefined;

function settle<T>(queued: Queued<T>, outcome: unknown, index: number): void {
  const refusal = Array.isArray(outcome) ? (outcome as BatchOutcome)?.[index] : undefined;
  if (refusal) queued.reject(refusal);
  else queued.resolve();
}

/**
 * Runs one batch write at a time; whatever arrives while a batch is being written goes together into the next one.
 * Alone, a write goes out at once, as before; under load, each transaction carries every write that queued behind
 * the one before (group commit), so the cost per write falls as the rate rises and no timer adds latency.
 *
 * A batch that fails is written again one item at a time, so a write that cannot succeed fails alone and the others
 * it shared a batch with still commit. A batch that commits may still have refused some of its items (the writer
 * returns their errors, by position): those fail, the rest succeed.
 */
export class GroupCommit<T> {
  private queued: Queued<T>[] = [];
  private writing = false;

  constructor(
    /** Resolves with a BatchOutcome, or with nothing when it never refuses items. */
    private readonly writeBatch: (items: T[]) => Promise<unknown>,
    private readonly maxBatch = 100,
  ) {}

  /** Resolves once `item` is committed (in a batch, or alone after its batch failed); rejects with its own error. */
  write(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0, this.maxBatch);
        try {
          const outcome = await this.writeBatch(batch.map((queued) => queued.item));
          batch.forEach((queued, index) => settle(queued, outcome, index));
        } catch (error) {
          if (batch.length === 1) batch[0].reject(error);
          else await this.writeOneByOne(batch);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeOneByOne(batch: Queued<T>[]): Promise<void> {
    for (const queued of batch) {
      try {
        settle(queued, await this.writeBatch([queued.item]), 0);
      } catch (error) {
        queued.reject(error);
      }
    }
  }
}
