import { Logger } from '@nestjs/common';
import { FakeClock } from '../../test/support/fake-clock';
import { RetentionTask } from './retention-task';

class FakeRetention extends RetentionTask {
  protected readonly subject = 'test rows';
  readonly cutoffs: Date[] = [];
  failure: Error | undefined;

  constructor(clock: FakeClock) {
    super();
    this.clock = clock;
  }

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
    const clock = new FakeClock(new Date('2026-01-01T12:00:00.000Z'));
    const task = new FakeRetention(clock);
    await task.prune();
    expect(task.cutoffs).toEqual([new Date('2026-01-01T11:00:00.000Z')]);
  });

  it('keeps running when a prune fails (the next one tries again)', async () => {
    const task = new FakeRetention(new FakeClock());
    task.failure = new Error('database away');
    await expect(task.prune()).resolves.toBeUndefined();
  });

  it('prunes a minute after boot, then hourly, and stops at shutdown', async () => {
    const clock = new FakeClock();
    const task = new FakeRetention(clock);
    task.onApplicationBootstrap();
    await clock.advance(59_999);
    expect(task.cutoffs).toHaveLength(0);
    await clock.advance(1);
    expect(task.cutoffs).toHaveLength(1);
    await clock.advance(60 * 60_000);
    expect(task.cutoffs).toHaveLength(2);
    await task.beforeApplicationShutdown();
    await clock.advance(10 * 60 * 60_000);
    expect(task.cutoffs).toHaveLength(2);
  });
});
