import { FakeClock } from '../../test/support/fake-clock';
import { Pacer, reconnectDelay } from './reconnect-pacing';

describe('reconnectDelay', () => {
  it('doubles from the minimum with each attempt and stops at the cap', () => {
    const full = (): number => 1;
    expect([0, 1, 2, 3, 4, 5, 6].map((attempt) => reconnectDelay(attempt, 1_000, 30_000, full))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });

  it('takes between half and all of the delay so sessions dropped together spread out', () => {
    expect(reconnectDelay(3, 1_000, 30_000, () => 0)).toBe(4_000);
    expect(reconnectDelay(3, 1_000, 30_000, () => 0.5)).toBe(6_000);
  });

  it('stays capped however many attempts failed', () => {
    expect(reconnectDelay(5_000, 1_000, 60_000, () => 1)).toBe(60_000);
  });
});

describe('Pacer', () => {
  it('runs at most the given number of tasks per second, in order', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(4, clock);
    const started: number[] = [];
    const t0 = clock.now().getTime();
    const runs = [1, 2, 3, 4, 5, 6].map((task) => pacer.run(async () => void started.push(task)));
    await clock.advance(0);
    expect(started).toEqual([1]);
    await clock.advance(500);
    expect(started).toEqual([1, 2, 3]);
    await clock.advance(1_000);
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await Promise.all(runs)).toEqual([true, true, true, true, true, true]);
    expect(clock.now().getTime() - t0).toBe(1_500);
  });

  it('drops waiting tasks when cancelled', async () => {
    const clock = new FakeClock();
    const pacer = new Pacer(1, clock);
    const task = jest.fn(async () => undefined);
    const first = pacer.run(task);
    const second = pacer.run(task);
    await clock.advance(0);
    pacer.cancel();
    await clock.advance(5_000);
    expect(await first).toBe(true);
    expect(await second).toBe(false);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
