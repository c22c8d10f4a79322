import { FakeClock } from '../../../test/support/fake-clock';
import { BaileysLogger, FrameSend, FrameSocket, ReceiptGate } from './receipt-gate';

const silent: BaileysLogger = {
  level: 'silent',
  child: () => silent,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A websocket that records what reached the wire, and a Baileys stand-in that logs and sends as Baileys does. */
function setUp(options: { holdLimitMs?: number; onStalled?: (ids: string[]) => void } = {}) {
  const wire: string[] = [];
  const socket: FrameSocket = {
    send: (data, callback) => {
      wire.push(Buffer.from(data).toString());
      callback?.();
    },
  };
  const clock = new FakeClock();
  const gate = new ReceiptGate({
    clock,
    holdLimitMs: options.holdLimitMs ?? 60_000,
    onStalled: options.onStalled ?? jest.fn(),
  });
  gate.attach(socket);
  const logger = gate.wrapLogger(silent);
  const send = (frame: string): Promise<Error | undefined> =>
    new Promise((resolve) => (socket.send as FrameSend)(Buffer.from(frame), resolve));
  const sendReceipt = (ids: string[], type?: string): Promise<Error | undefined> => {
    logger.debug({ attrs: { id: ids[0], ...(type ? { type } : {}) }, messageIds: ids }, 'sending receipt for messages');
    return send(`receipt:${ids.join(',')}${type ? `:${type}` : ''}`);
  };
  return { gate, wire, send, sendReceipt, clock };
}

describe('ReceiptGate', () => {
  it('passes frames straight through while nothing is held', async () => {
    const { wire, send } = setUp();
    await send('ping');
    expect(wire).toEqual(['ping']);
  });

  it('holds a delivery receipt until its message is released, telling Baileys at once that it was sent', async () => {
    const { gate, wire, sendReceipt } = setUp();
    await expect(sendReceipt(['m1'])).resolves.toBeUndefined();
    expect(wire).toEqual([]);
    gate.release(['m1']);
    expect(wire).toEqual(['receipt:m1']);
  });

  it('keeps every later frame behind a held receipt, in order', async () => {
    const { gate, wire, send, sendReceipt } = setUp();
    await sendReceipt(['m1']);
    await send('iq');
    await sendReceipt(['m2'], 'inactive');
    gate.release(['m2']);
    expect(wire).toEqual([]);
    gate.release(['m1']);
    expect(wire).toEqual(['receipt:m1', 'iq', 'receipt:m2:inactive']);
  });

  it('does not hold read receipts', async () => {
    const { wire, sendReceipt } = setUp();
    await sendReceipt(['m1'], 'read');
    expect(wire).toEqual(['receipt:m1:read']);
  });

  it('never sends a held receipt once closed, nor a receipt sent after closing', async () => {
    const { gate, wire, send, sendReceipt } = setUp();
    await sendReceipt(['m1']);
    gate.close();
    gate.release(['m1']);
    await expect(sendReceipt(['m2'])).resolves.toBeInstanceOf(Error);
    await send('iq');
    expect(wire).toEqual(['iq']);
  });

  it('reports a receipt held past the limit as stalled', async () => {
    const onStalled = jest.fn();
    const { gate, sendReceipt, clock } = setUp({ holdLimitMs: 1000, onStalled });
    await sendReceipt(['m1', 'm2']);
    await clock.advance(999);
    expect(onStalled).not.toHaveBeenCalled();
    await clock.advance(1);
    expect(onStalled).toHaveBeenCalledWith(['m1', 'm2']);
    gate.release(['m1', 'm2']);
  });

  it('forgets the stall timer of a released receipt', async () => {
    const onStalled = jest.fn();
    const { gate, sendReceipt, clock } = setUp({ holdLimitMs: 1000, onStalled });
    await sendReceipt(['m1']);
    gate.release(['m1']);
    await clock.advance(5000);
    expect(onStalled).not.toHaveBeenCalled();
  });
});
