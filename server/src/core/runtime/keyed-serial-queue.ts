// Jobs under one key run one at a time in the order given; jobs under different keys run side by side.

export class KeyedSerialQueue {
  /** The last job of each busy key, settled either way; a key without one is idle. */
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `job` once every job given earlier under `key` has settled; answers what `job` answers. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(job);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Whether `key` has a job running or waiting. */
  isBusy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Resolves once no key has a job, including jobs added while waiting. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
