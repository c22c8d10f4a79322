import { FakeClock } from '../../../test/support/fake-clock';
import { KeyedSerialQueue } from './keyed-serial-queue';

describe('KeyedSerialQueue', () => {
  it('runs one key’s jobs one at a time, in the order given', async () => {
    const clock = new FakeClock();
    const queue = new KeyedSerialQueue();
    const log: string[] = [];
    const job = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await clock.sleep(ms);
      log.push(`${name} end`);
    };
    void queue.run('a', job('first', 300));
    void queue.run('a', job('second', 100));
    await clock.advance(400);
    expect(log).toEqual(['first start', 'first end', 'second start', 'second end']);
  });

  it('runs different keys side by side', async () => {
    const clock = new FakeClock();
    const queue = new KeyedSerialQueue();
    const finished: string[] = [];
    void queue.run('a', () => clock.sleep(300).then(() => void finished.push('a')));
    void queue.run('b', () => clock.sleep(300).then(() => void finished.push('b')));
    await clock.advance(300);
    expect(finished.sort()).toEqual(['a', 'b']);
  });

  it('goes on with the next job after one fails, and hands the failure to its caller', async () => {
    const queue = new KeyedSerialQueue();
    const failed = queue.run('a', () => Promise.reject(new Error('boom')));
    const next = queue.run('a', async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('is idle only once every key’s jobs, including ones added meanwhile, are done', async () => {
    const clock = new FakeClock();
    const queue = new KeyedSerialQueue();
    void queue.run('a', () => clock.sleep(100));
    let idle = false;
    const waiting = queue.idle().then(() => (idle = true));
    await clock.advance(50);
    void queue.run('b', () => clock.sleep(200));
    await clock.advance(50);
    expect(idle).toBe(false);
    expect(queue.isBusy('a')).toBe(false);
    expect(queue.isBusy('b')).toBe(true);
    await clock.advance(150);
    await waiting;
    expect(idle).toBe(true);
  });
});
