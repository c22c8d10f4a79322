import { Logger } from '@nestjs/common';
import { FakeClock } from '../../../test/support/fake-clock';
import { WakeableLoop } from './wakeable-loop';

describe('WakeableLoop', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('runs after the first delay, then every interval, until stopped', async () => {
    const clock = new FakeClock();
    let runs = 0;
    const loop = new WakeableLoop('Counting', async () => void runs++, { firstDelayMs: 100, intervalMs: 1000 }, clock);
    loop.start();
    await clock.advance(99);
    expect(runs).toBe(0);
    await clock.advance(1);
    expect(runs).toBe(1);
    await clock.advance(2000);
    expect(runs).toBe(3);
    await loop.stop();
    await clock.advance(5000);
    expect(runs).toBe(3);
    expect(clock.pendingTimers).toBe(0);
  });

  it('runs soon when woken instead of waiting for the interval', async () => {
    const clock = new FakeClock();
    let runs = 0;
    const loop = new WakeableLoop('Counting', async () => void runs++, { firstDelayMs: 0, intervalMs: 60_000 }, clock);
    loop.start();
    await clock.advance(0);
    expect(runs).toBe(1);
    loop.wake();
    await clock.advance(0);
    expect(runs).toBe(2);
    await loop.stop();
  });

  it('runs once more after a run that was woken while in progress, never two at once', async () => {
    const clock = new FakeClock();
    let running = 0;
    let mostAtOnce = 0;
    let runs = 0;
    const loop = new WakeableLoop(
      'Slow',
      async () => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await clock.sleep(500);
        running--;
        runs++;
      },
      { firstDelayMs: 0, intervalMs: 60_000 },
      clock,
    );
    loop.start();
    await clock.advance(100);
    loop.wake();
    loop.wake();
    await clock.advance(400);
    expect(runs).toBe(1);
    await clock.advance(500);
    expect(runs).toBe(2);
    await clock.advance(10_000);
    expect(runs).toBe(2);
    expect(mostAtOnce).toBe(1);
    await loop.stop();
  });

  it('waits for the run in progress when stopped', async () => {
    const clock = new FakeClock();
    let finished = false;
    const loop = new WakeableLoop(
      'Slow',
      async () => {
        await clock.sleep(500);
        finished = true;
      },
      { firstDelayMs: 0, intervalMs: 1000 },
      clock,
    );
    loop.start();
    await clock.advance(10);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await clock.advance(100);
    expect(stopped).toBe(false);
    await clock.advance(400);
    await stopping;
    expect(finished).toBe(true);
  });

  it('logs a task that throws and keeps running', async () => {
    const clock = new FakeClock();
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    let runs = 0;
    const loop = new WakeableLoop(
      'Failing',
      async () => {
        runs++;
        throw new Error('database away');
      },
      { firstDelayMs: 0, intervalMs: 1000 },
      clock,
    );
    loop.start();
    await clock.advance(1000);
    expect(runs).toBe(2);
    expect(logged).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), 'Failing failed');
    await loop.stop();
    logged.mockRestore();
  });
});
