// Watching what a real Baileys client receives from the sim: every messages.upsert, with the kind Baileys gave it.
import type { AnyMessageContent, MiscMessageGenerationOptions, WAMessage, WASocket } from '@whiskeysockets/baileys';
import type { TestClient } from '../support/baileys-client';

export interface Upsert {
  message: WAMessage;
  /** `notify` for live messages, `append` for what waited in the offline queue. */
  type: string;
}

/** Records every message a socket upserts from now on, and lets a test wait for one. */
export class UpsertRecorder {
  readonly upserts: Upsert[] = [];
  private waiters: (() => void)[] = [];

  constructor(socket: WASocket) {
    socket.ev.on('messages.upsert', ({ messages, type }) => {
      for (const message of messages) this.upserts.push({ message, type });
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  waitFor(predicate: (upsert: Upsert) => boolean, what: string, timeoutMs = 10_000): Promise<Upsert> {
    return new Promise((resolve, reject) => {
      const found = (): boolean => {
        const upsert = this.upserts.find(predicate);
        if (!upsert) return false;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve(upsert);
        return true;
      };
      const check = (): void => void found();
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      if (!found()) this.waiters.push(check);
    });
  }

  byId(id: string, timeoutMs?: number): Promise<Upsert> {
    return this.waitFor((upsert) => upsert.message.key.id === id, `message ${id}`, timeoutMs);
  }
}

/** Polls until `probe` returns a value: the sim decrypts a device's message after Baileys' send has resolved. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function socketOf(client: TestClient): WASocket {
  if (!client.socket) throw new Error('the client has no socket');
  return client.socket;
}

/** Sends from the client through Baileys' own sendMessage and returns the id it gave the message. */
export async function sendFromClient(
  client: TestClient,
  jid: string,
  content: AnyMessageContent,
  options?: MiscMessageGenerationOptions,
): Promise<string> {
  const sent = await socketOf(client).sendMessage(jid, content, options);
  if (!sent?.key.id) throw new Error(`Baileys sent nothing to ${jid}`);
  return sent.key.id;
}
