import { FakeClock } from '../../../test/support/fake-clock';
import { TimeoutError, withTimeout } from './with-timeout';

describe('withTimeout', () => {
  it('answers what the promise answers when it settles in time', async () => {
    const clock = new FakeClock();
    const answer = withTimeout(Promise.resolve('pong'), 1000, 'no pong', clock);
    await expect(answer).resolves.toBe('pong');
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with a TimeoutError carrying the message once the time is up', async () => {
    const clock = new FakeClock();
    const answer = withTimeout(new Promise(() => undefined), 1000, 'no pong', clock);
    const outcome = answer.catch((error: unknown) => error);
    await clock.advance(999);
    await clock.advance(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('no pong');
  });

  it('passes the promise’s own failure through', async () => {
    const clock = new FakeClock();
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000, 'no pong', clock)).rejects.toThrow('refused');
  });
});
