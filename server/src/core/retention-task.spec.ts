import { Logger } from '@nestjs/common';
import { RetentionTask } from './retention-task';

class FakeRetention extends RetentionTask {
  protected readonly subject = 'test rows';
  readonly cutoffs: Date[] = [];
  failure: Error | undefined;

  protected retentionSeconds(): number {
    return 3600;
  }

  protected async pruneFinishedBefore(before: Date): Promise<number> {
    this.cutoffs.push(before);
    if (this.failure) throw this.failure;
    return 2;
  }
}

describe('RetentionTask', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('prunes what finished longer ago than the retention', async () => {
    const task = new FakeRetention();
    const now = Date.now();
    await task.prune();
    expect(task.cutoffs).toHaveLength(1);
    expect(Math.abs(task.cutoffs[0].getTime() - (now - 3600_000))).toBeLessThan(1000);
  });

  it('keeps running when a prune fails (the next one tries again)', async () => {
    const task = new FakeRetention();
    task.failure = new Error('database away');
    await expect(task.prune()).resolves.toBeUndefined();
  });

  it('does not prune at the moment of boot, and stops cleanly at shutdown', async () => {
    const task = new FakeRetention();
    task.onApplicationBootstrap();
    await task.beforeApplicationShutdown();
    expect(task.cutoffs).toEqual([]);
  });
});
