import { Logger } from '@nestjs/common';
import { SessionStatusChanged, WhatsAppEvents } from './events';

const change: SessionStatusChanged = {
  sessionId: 's1',
  ownerId: 'u1',
  status: 'connected',
  reason: null,
  at: '2026-01-01T00:00:00.000Z',
};

describe('WhatsAppEvents', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('delivers a payload to every listener of that event only', () => {
    const events = new WhatsAppEvents();
    const statuses: SessionStatusChanged[] = [];
    const qrs: unknown[] = [];
    events.on('session.status', (payload) => void statuses.push(payload));
    events.on('session.qr', (payload) => void qrs.push(payload));
    events.emit('session.status', change);
    expect(statuses).toEqual([change]);
    expect(qrs).toEqual([]);
  });

  it('stops delivering after unsubscribing', () => {
    const events = new WhatsAppEvents();
    const listener = jest.fn();
    const unsubscribe = events.on('session.status', listener);
    unsubscribe();
    events.emit('session.status', change);
    expect(listener).not.toHaveBeenCalled();
  });

  it('keeps delivering to the other listeners when one throws or rejects, and logs the failure', async () => {
    const events = new WhatsAppEvents();
    const after = jest.fn();
    events.on('session.status', () => {
      throw new Error('sync failure');
    });
    events.on('session.status', () => Promise.reject(new Error('async failure')));
    events.on('session.status', after);
    events.emit('session.status', change);
    await new Promise((resolve) => setImmediate(resolve));
    expect(after).toHaveBeenCalledWith(change);
    expect(Logger.prototype.error).toHaveBeenCalledTimes(2);
  });
});

describe('WhatsAppEvents.deliver', () => {
  it('resolves once every listener has finished', async () => {
    const events = new WhatsAppEvents();
    const finished: string[] = [];
    events.on('session.status', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      finished.push('slow');
    });
    events.on('session.status', () => void finished.push('fast'));
    await events.deliver('session.status', change);
    expect(finished.sort()).toEqual(['fast', 'slow']);
  });

  it('rejects when a listener fails, after the others have run', async () => {
    const events = new WhatsAppEvents();
    const after = jest.fn();
    events.on('session.status', () => Promise.reject(new Error('commit failed')));
    events.on('session.status', after);
    await expect(events.deliver('session.status', change)).rejects.toThrow('commit failed');
    expect(after).toHaveBeenCalled();
  });
});
