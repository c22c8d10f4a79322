// Collects items and writes them in batches: when `maxItems` piled up, or `maxDelayMs` after the first of a batch.
import { Logger } from '@nestjs/common';
import { Clock, Timer } from './clock';

export interface BatchLimits {
  maxItems: number;
  maxDelayMs: number;
}

/**
 * Batches are written one at a time, in the order their items came. A batch whose write fails is logged and
 * dropped: `write` retries on its own what must not be lost. `flush()` writes what is waiting now and answers once it
 * is written (rejecting if that write failed); `close()` flushes and refuses further items.
 */
export class WriteBehindBatcher<T> {
  private readonly logger: Logger;
  private items: T[] = [];
  private timer: Timer | undefined;
  /** The last batch write, settled either way: the next one starts after it. */
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    /** What is written, for the log ("delivered marks"). */
    private readonly name: string,
    private readonly write: (items: T[]) => Promise<void>,
    private readonly limits: BatchLimits,
    private readonly clock: Clock,
  ) {
    this.logger = new Logger(`WriteBehind ${name}`);
  }

  get waiting(): number {
    return this.items.length;
  }

  add(item: T): void {
    if (this.closed) throw new Error(`Batcher of ${this.name} is closed`);
    this.items.push(item);
    if (this.items.length >= this.limits.maxItems) this.flushInBackground();
    else this.timer ??= this.clock.setTimeout(() => this.flushInBackground(), this.limits.maxDelayMs);
  }

  flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    const batch = this.items;
    this.items = [];
    const written = this.writing.then(() => (batch.length > 0 ? this.write(batch) : undefined));
    this.writing = written.catch((error: unknown) => {
      this.logger.error({ err: error, items: batch.length }, `Writing ${batch.length} ${this.name} failed`);
    });
    return written;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private flushInBackground(): void {
    // Logged where the chain continues (see flush): nothing more to do with the failure here.
    this.flush().catch(() => undefined);
  }
}
