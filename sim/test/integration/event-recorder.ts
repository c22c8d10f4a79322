// Records one kind of Baileys event from a socket, so a test can wait for the one it expects.
import type { BaileysEventMap, WASocket } from '@whiskeysockets/baileys';

export class EventRecorder<E extends keyof BaileysEventMap> {
  readonly events: BaileysEventMap[E][] = [];
  /** When each event arrived (epoch milliseconds), index for index. */
  readonly arrivals: number[] = [];
  private waiters: (() => void)[] = [];

  constructor(socket: WASocket, event: E) {
    socket.ev.on(event, (data) => {
      this.events.push(data);
      this.arrivals.push(Date.now());
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  /** The first event (already seen or still to come) that matches. */
  waitFor(
    predicate: (event: BaileysEventMap[E]) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<BaileysEventMap[E]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.find(predicate);
        if (found === undefined) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== listener);
        resolve(found);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      if (!check()) this.waiters.push(listener);
    });
  }
}
