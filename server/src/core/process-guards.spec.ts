import { EventEmitter } from 'node:events';
import { installProcessGuards, ProcessLogger } from './process-guards';

class RecordingLogger implements ProcessLogger {
  readonly lines: Array<{ level: string; details: object; message: string }> = [];

  error(details: object, message: string): void {
    this.lines.push({ level: 'error', details, message });
  }

  fatal(details: object, message: string): void {
    this.lines.push({ level: 'fatal', details, message });
  }
}

function guarded(): { events: EventEmitter; logger: RecordingLogger; stops: () => number } {
  const events = new EventEmitter();
  const logger = new RecordingLogger();
  let stopped = 0;
  installProcessGuards(events, logger, () => stopped++);
  return { events, logger, stops: () => stopped };
}

function connectionReset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}

describe('installProcessGuards', () => {
  it('logs an unhandled rejection and keeps serving', () => {
    const { events, logger, stops } = guarded();
    events.emit('unhandledRejection', new TypeError('boom'));
    expect(stops()).toBe(0);
    expect(logger.lines).toEqual([
      {
        level: 'error',
        details: { err: expect.objectContaining({ type: 'TypeError', message: 'boom' }) as unknown },
        message: 'Unhandled promise rejection; still serving',
      },
    ]);
  });

  it('keeps serving after a connection reset nobody listened for', () => {
    const { events, logger, stops } = guarded();
    events.emit('uncaughtException', connectionReset());
    expect(stops()).toBe(0);
    expect(logger.lines[0]).toMatchObject({ level: 'error', details: { err: { code: 'ECONNRESET' } } });
  });

  it('shuts down after any other uncaught exception', () => {
    const { events, logger, stops } = guarded();
    events.emit('uncaughtException', new RangeError('state is broken'));
    expect(stops()).toBe(1);
    expect(logger.lines[0]).toMatchObject({ level: 'fatal', message: 'Uncaught exception; shutting down' });
  });

  it('never logs the fields of an error beyond its type, code, message and stack', () => {
    const { events, logger } = guarded();
    const failed = Object.assign(new Error('insert failed'), {
      parameters: ['private-key-material'],
      driverError: { detail: 'private-key-material' },
    });
    events.emit('unhandledRejection', failed);
    expect(JSON.stringify(logger.lines)).not.toContain('private-key-material');
    expect(Object.keys((logger.lines[0].details as { err: object }).err).sort()).toEqual([
      'code',
      'message',
      'stack',
      'type',
    ]);
  });
});
