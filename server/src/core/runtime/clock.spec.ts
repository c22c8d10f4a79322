import { FakeClock } from '../../../test/support/fake-clock';

describe('Clock.sleep', () => {
  it('resolves once its time has passed', async () => {
    const clock = new FakeClock();
    let woke = false;
    void clock.sleep(1000).then(() => (woke = true));
    await clock.advance(999);
    expect(woke).toBe(false);
    await clock.advance(1);
    expect(woke).toBe(true);
  });

  it('resolves early when its signal aborts, and leaves no timer behind', async () => {
    const clock = new FakeClock();
    const wake = new AbortController();
    let woke = false;
    void clock.sleep(60_000, wake.signal).then(() => (woke = true));
    await clock.advance(10);
    wake.abort();
    await clock.advance(0);
    expect(woke).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('does not wait at all on an already aborted signal', async () => {
    const clock = new FakeClock();
    const wake = new AbortController();
    wake.abort();
    await clock.sleep(60_000, wake.signal);
    expect(clock.pendingTimers).toBe(0);
  });
});
