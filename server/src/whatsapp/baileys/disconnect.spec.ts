import { classifyDisconnect } from './disconnect';

describe('classifyDisconnect', () => {
  it.each([
    [401, 'logged_out'],
    [419, 'logged_out'],
    [403, 'banned'],
    [440, 'replaced'],
    [408, 'connection_lost'],
    [428, 'connection_closed'],
    [undefined, 'connection_closed'],
    [500, 'bad_session'],
    [503, 'service_unavailable'],
    [411, 'multidevice_mismatch'],
    [499, 'unknown'],
  ])('maps status %p of a linked connection to %s', (code, reason) => {
    expect(classifyDisconnect(code, 'closed', false)).toEqual({ code: code ?? null, reason, message: 'closed' });
  });

  it('reads a time-out while a QR waits for its scan as a QR timeout, whoever ended it', () => {
    expect(classifyDisconnect(408, 'QR refs attempts ended', true).reason).toBe('qr_timeout');
    expect(classifyDisconnect(408, 'Stream Errored (unknown)', true).reason).toBe('qr_timeout');
  });

  it('still reports other closes of a connection showing a QR as they are', () => {
    expect(classifyDisconnect(428, 'Connection Terminated', true).reason).toBe('connection_closed');
  });
});
