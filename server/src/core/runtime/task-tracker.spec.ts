import { FakeClock } from '../../../test/support/fake-clock';
import { TaskTracker } from './task-tracker';

describe('TaskTracker', () => {
  it('forgets a task once it settles', async () => {
    const tracker = new TaskTracker(new FakeClock());
    await tracker.track(Promise.resolve());
    await tracker.track(Promise.reject(new Error('handled by its caller'))).catch(() => undefined);
    expect(tracker.size).toBe(0);
  });

  it('drains: waits for running tasks, including ones started meanwhile', async () => {
    const clock = new FakeClock();
    const tracker = new TaskTracker(clock);
    void tracker.track(clock.sleep(100).then(() => void tracker.track(clock.sleep(100))));
    let drained: boolean | undefined;
    const draining = tracker.drain(5000).then((all) => (drained = all));
    await clock.advance(150);
    expect(drained).toBeUndefined();
    await clock.advance(50);
    await draining;
    expect(drained).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('is idle once every task settled, those started meanwhile and failed ones too', async () => {
    const tracker = new TaskTracker(new FakeClock());
    let finishSecond: () => void = () => undefined;
    let idle = false;
    void tracker.track(Promise.reject(new Error('failed')).catch(() => undefined));
    const first = tracker.track(
      Promise.resolve().then(() => {
        void tracker.track(new Promise<void>((resolve) => (finishSecond = resolve)));
      }),
    );
    const waiting = tracker.idle().then(() => (idle = true));
    await first;
    await Promise.resolve();
    expect(idle).toBe(false);
    finishSecond();
    await waiting;
    expect(tracker.size).toBe(0);
  });

  it('gives up waiting after the grace period', async () => {
    const clock = new FakeClock();
    const tracker = new TaskTracker(clock);
    void tracker.track(new Promise(() => undefined));
    let drained: boolean | undefined;
    const draining = tracker.drain(5000).then((all) => (drained = all));
    await clock.advance(4999);
    expect(drained).toBeUndefined();
    await clock.advance(1);
    await draining;
    expect(drained).toBe(false);
  });
});
