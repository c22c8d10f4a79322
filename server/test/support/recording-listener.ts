// A ConnectionListener that records what a provider reports and lets a test wait for it.
import type { ConnectionListener, Disconnect, WhatsAppAccount } from '../../src/whatsapp/whatsapp.provider';

export class RecordingListener implements ConnectionListener {
  readonly qrs: { qr: string; expiresAt: Date }[] = [];
  readonly opens: WhatsAppAccount[] = [];
  readonly pushNames: string[] = [];
  readonly closes: Disconnect[] = [];
  private waiters: (() => void)[] = [];

  onQr(qr: string, expiresAt: Date): void {
    this.qrs.push({ qr, expiresAt });
    this.notify();
  }

  onOpen(account: WhatsAppAccount): void {
    this.opens.push(account);
    this.notify();
  }

  onPushName(pushName: string): void {
    this.pushNames.push(pushName);
    this.notify();
  }

  onClose(disconnect: Disconnect): void {
    this.closes.push(disconnect);
    this.notify();
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

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
