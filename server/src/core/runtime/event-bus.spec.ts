import { Logger } from '@nestjs/common';
import { FakeClock } from '../../../test/support/fake-clock';
import { EventBus } from './event-bus';

interface TestEvents {
  'session.status': { sessionId: string; status: string };
  'session.qr': { sessionId: string; qr: string };
}

const change = { sessionId: 's1', status: 'connected' };

describe('EventBus', () => {
  let logged: jest.SpyInstance;

  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('hands a payload to every listener of that event only, in the order they subscribed', async () => {
    const bus = new EventBus<TestEvents>('Test');
    const seen: string[] = [];
    bus.on('session.status', () => void seen.push('first'));
    bus.on('session.qr', () => void seen.push('qr'));
    bus.on('session.status', () => void seen.push('second'));
    await bus.publish('session.status', change);
    expect(seen).toEqual(['first', 'second']);
  });

  it('has called every listener by the time publish returns, before any of them finished', () => {
    const clock = new FakeClock();
    const bus = new EventBus<TestEvents>('Test');
    const started: string[] = [];
    bus.on('session.status', async () => {
      started.push('slow');
      await clock.sleep(1000);
    });
    bus.on('session.status', () => void started.push('fast'));
    void bus.publish('session.status', change);
    expect(started).toEqual(['slow', 'fast']);
  });

  it('stops calling a listener once it unsubscribed', async () => {
    const bus = new EventBus<TestEvents>('Test');
    const listener = jest.fn();
    const unsubscribe = bus.on('session.status', listener);
    unsubscribe();
    await bus.publish('session.status', change);
    expect(listener).not.toHaveBeenCalled();
  });

  it('resolves only once every listener has finished', async () => {
    const clock = new FakeClock();
    const bus = new EventBus<TestEvents>('Test');
    const finished: string[] = [];
    bus.on('session.status', async () => {
      await clock.sleep(500);
      finished.push('slow');
    });
    bus.on('session.status', () => void finished.push('fast'));
    let published = false;
    const publishing = bus.publish('session.status', change).then(() => (published = true));
    await clock.advance(499);
    expect(published).toBe(false);
    await clock.advance(1);
    await publishing;
    expect(finished).toEqual(['fast', 'slow']);
  });

  it('logs a listener that throws or rejects, goes on with the others, and answers the failures', async () => {
    const bus = new EventBus<TestEvents>('Test');
    const after = jest.fn();
    bus.on('session.status', () => {
      throw new Error('sync failure');
    });
    bus.on('session.status', () => Promise.reject(new Error('commit failed')));
    bus.on('session.status', after);
    const failures = await bus.publish('session.status', change);
    expect(after).toHaveBeenCalledWith(change);
    expect(failures.map((failure) => (failure as Error).message)).toEqual(['sync failure', 'commit failed']);
    expect(logged).toHaveBeenCalledTimes(2);
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'session.status' }),
      'A session.status listener failed',
    );
  });

  it('answers no failures when every listener succeeded', async () => {
    const bus = new EventBus<TestEvents>('Test');
    bus.on('session.status', async () => undefined);
    await expect(bus.publish('session.status', change)).resolves.toEqual([]);
    expect(logged).not.toHaveBeenCalled();
  });
});
