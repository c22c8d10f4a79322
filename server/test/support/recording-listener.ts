// Records one connection's `connection.*` events as a provider publishes them, and lets a test wait for them.
import type { WhatsAppEvents } from '../../src/whatsapp/events';
import type { Disconnect, WhatsAppAccount } from '../../src/whatsapp/whatsapp.provider';

let lastConnectionId = 1_000_000;

export class RecordingListener {
  /** The id to connect with: `provider.connect(sessionId, listener.connectionId)`. */
  readonly connectionId: number;
  readonly qrs: { qr: string; expiresAt: Date }[] = [];
  readonly opens: WhatsAppAccount[] = [];
  readonly pushNames: string[] = [];
  readonly closes: Disconnect[] = [];
  private waiters: (() => void)[] = [];

  constructor(events: WhatsAppEvents, sessionId: string) {
    lastConnectionId += 1;
    this.connectionId = lastConnectionId;
    const mine = (event: { sessionId: string; connectionId: number }): boolean =>
      event.sessionId === sessionId && event.connectionId === this.connectionId;
    events.on('connection.qr', (event) => {
      if (mine(event)) this.record(() => this.qrs.push({ qr: event.qr, expiresAt: event.expiresAt }));
    });
    events.on('connection.opened', (event) => {
      if (mine(event)) this.record(() => this.opens.push(event.account));
    });
    events.on('connection.renamed', (event) => {
      if (mine(event)) this.record(() => this.pushNames.push(event.pushName));
    });
    events.on('connection.closed', (event) => {
      if (mine(event)) this.record(() => this.closes.push(event.disconnect));
    });
  }

  waitForQr(count = 1, timeoutMs = 15_000): Promise<string> {
    return this.waitFor(() => this.qrs[count - 1]?.qr, `QR #${count}`, timeoutMs);
  }

  waitForOpen(count = 1, timeoutMs = 15_000): Promise<WhatsAppAccount> {
    return this.waitFor(() => this.opens[count - 1], `login #${count}`, timeoutMs);
  }

  waitForClose(count = 1, timeoutMs = 15_000): Promise<Disconnect> {
    return this.waitFor(() => this.closes[count - 1], `close #${count}`, timeoutMs);
  }

  private waitFor<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value === undefined) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(check);
    });
  }

  private record(add: () => void): void {
    add();
    for (const waiter of [...this.waiters]) waiter();
  }
}
