import { startPeriodic } from './periodic-task';

describe('startPeriodic', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs after the first delay, then every interval, until stopped', async () => {
    let runs = 0;
    const task = startPeriodic(
      async () => {
        runs++;
      },
      { firstDelayMs: 100, intervalMs: 1000 },
    );
    await jest.advanceTimersByTimeAsync(99);
    expect(runs).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(runs).toBe(3);
    await task.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(3);
  });

  it('waits for a run in progress when stopped', async () => {
    let finished = false;
    const task = startPeriodic(
      () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            finished = true;
            resolve();
          }, 500),
        ),
      { firstDelayMs: 0, intervalMs: 1000 },
    );
    await jest.advanceTimersByTimeAsync(10);
    const stopping = task.stop();
    await jest.advanceTimersByTimeAsync(500);
    await stopping;
    expect(finished).toBe(true);
  });
});
