// Holds the delivery receipts Baileys sends for incoming messages until WAGO has committed those messages, so that
// WhatsApp is never told "received" about a message a crash or a database outage could still lose.
import { Clock, Timer } from '../../core/runtime/clock';

/**
 * Baileys sends a message's delivery receipt before it hands the message to us, and offers no hook in between. Two
 * things it does let us see: it logs `sending receipt for messages` (with the ids) synchronously right before it
 * encodes and sends that receipt's frame, and it sends every frame through the websocket's `send`. The gate wraps
 * both: the frame that follows that log line is held until the ids are released, and since frames are encrypted with
 * a running counter, every later frame waits behind it, in order.
 */
const RECEIPT_LOG_MESSAGE = 'sending receipt for messages';

/** Receipts that tell WhatsApp a message reached this device; read receipts and the like are not held. */
const DELIVERY_RECEIPT_TYPES: ReadonlySet<string | undefined> = new Set([
  undefined,
  'inactive',
  'sender',
  'peer_msg',
  'hist_sync',
]);

type SendCallback = (error?: Error) => void;
export type FrameSend = (data: Uint8Array, callback?: SendCallback) => void;

/** The websocket Baileys writes its frames to (the `ws` instance inside its WebSocketClient). */
export interface FrameSocket {
  send: FrameSend;
}

/** What Baileys logs through: the shape of its ILogger, which the gate wraps. */
export interface BaileysLogger {
  level: string;
  child(bindings: Record<string, unknown>): BaileysLogger;
  trace(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

interface QueuedFrame {
  data: Uint8Array;
  /** The messages this receipt acknowledges; empty for any other frame, which only waits for its turn. */
  messageIds: string[];
}

export interface ReceiptGateOptions {
  /** Baileys is about to send (and the gate to hold) the delivery receipt of these messages. */
  onHold?(messageIds: string[]): void;
  /** A receipt held this long means its message was never handed over or committed: the connection must go. */
  holdLimitMs: number;
  onStalled(messageIds: string[]): void;
  clock: Clock;
}

export class ReceiptGate {
  private readonly queue: QueuedFrame[] = [];
  /** Ids of held receipts' messages, with the timer that gives up on them. */
  private readonly held = new Map<string, Timer>();
  private nextReceipt: string[] | undefined;
  private send: FrameSend | undefined;
  private closed = false;

  constructor(private readonly options: ReceiptGateOptions) {}

  /** Frames waiting to go, the held receipts and everything behind them. */
  get waiting(): number {
    return this.queue.length;
  }

  /** The logger to give Baileys: everything goes to `inner`, and receipt log lines mark the frame that follows. */
  wrapLogger(inner: BaileysLogger): BaileysLogger {
    const wrapped: BaileysLogger = {
      get level() {
        return inner.level;
      },
      child: (bindings) => inner.child(bindings),
      trace: (obj, msg) => inner.trace(obj, msg),
      debug: (obj, msg) => {
        if (msg === RECEIPT_LOG_MESSAGE) this.noteReceipt(obj);
        inner.debug(obj, msg);
      },
      info: (obj, msg) => inner.info(obj, msg),
      warn: (obj, msg) => inner.warn(obj, msg),
      error: (obj, msg) => inner.error(obj, msg),
    };
    return wrapped;
  }

  /** Takes over the socket's frame sends. */
  attach(socket: FrameSocket): void {
    const send = socket.send.bind(socket);
    this.send = send;
    socket.send = (data, callback) => this.sendFrame(send, data, callback);
  }

  /** The messages are committed (or need no commit): their receipts may go. */
  release(messageIds: Iterable<string>): void {
    for (const id of messageIds) {
      this.held.get(id)?.cancel();
      this.held.delete(id);
    }
    this.flush();
  }

  /** The connection is going down: what is held is never sent, so WhatsApp offers those messages again. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const timer of this.held.values()) timer.cancel();
    this.held.clear();
  }

  private noteReceipt(details: unknown): void {
    const { attrs, messageIds } = (details ?? {}) as { attrs?: { type?: unknown }; messageIds?: unknown };
    const type = typeof attrs?.type === 'string' ? attrs.type : undefined;
    if (!DELIVERY_RECEIPT_TYPES.has(type) || !Array.isArray(messageIds)) return;
    this.nextReceipt = messageIds.filter((id): id is string => typeof id === 'string');
    this.options.onHold?.(this.nextReceipt);
  }

  private sendFrame(send: FrameSend, data: Uint8Array, callback?: SendCallback): void {
    const messageIds = this.nextReceipt ?? [];
    this.nextReceipt = undefined;
    if (this.closed && messageIds.length > 0) {
      callback?.(new Error('The connection is closing: the receipt is not sent'));
      return;
    }
    if (this.closed || (messageIds.length === 0 && this.queue.length === 0)) {
      send(data, callback);
      return;
    }
    for (const id of messageIds) {
      if (!this.held.has(id)) this.held.set(id, this.stallTimer(id));
    }
    this.queue.push({ data, messageIds });
    // Baileys waits for this before it hands the message over; the frame itself goes once the message is committed.
    callback?.();
    this.flush();
  }

  private flush(): void {
    const send = this.send;
    if (!send) return;
    while (!this.closed && this.queue.length > 0) {
      const next = this.queue[0];
      if (next.messageIds.some((id) => this.held.has(id))) return;
      this.queue.shift();
      // A failed write means the connection is closing; Baileys hears of that from the socket itself.
      send(next.data, () => undefined);
    }
  }

  private stallTimer(id: string): Timer {
    const timer = this.options.clock.setTimeout(
      () => {
        if (this.held.get(id) === timer && !this.closed) this.options.onStalled([...this.held.keys()]);
      },
      this.options.holdLimitMs,
      { holdsProcess: false },
    );
    return timer;
  }
}
