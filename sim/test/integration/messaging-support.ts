// Shared by the messaging tests: a sim with a linked Baileys client, and watching every messages.upsert that client
// receives, with the kind Baileys gave it.
import type { AnyMessageContent, MiscMessageGenerationOptions, WAMessage, WASocket } from '@whiskeysockets/baileys';
import { startSim, type CreatedAccount, type SimHandle } from '../../src/index';
import { createLinkedClient, type TestClient } from '../support/baileys-client';

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

/** A new sim where Alice and Carol are phones and Bob is a real Baileys client linked to his account. */
export interface SimWithLinkedBob {
  sim: SimHandle;
  /** Bob's linked device, its offline queue read. */
  client: TestClient;
  /** What Bob's device upserted from its login on. */
  received: UpsertRecorder;
  alice: CreatedAccount;
  bob: CreatedAccount;
  carol: CreatedAccount;
}

export async function startSimWithLinkedBob(phoneNumbers: {
  alice: string;
  bob: string;
  carol: string;
}): Promise<SimWithLinkedBob> {
  const sim = await startSim();
  let client: TestClient | undefined;
  try {
    const alice = sim.createAccount({ phoneNumber: phoneNumbers.alice, pushName: 'Alice' });
    const carol = sim.createAccount({ phoneNumber: phoneNumbers.carol, pushName: 'Carol' });
    client = await createLinkedClient(sim, { phoneNumber: phoneNumbers.bob, pushName: 'Bob' });
    const bob = sim.accounts().find((account) => account.phoneNumber === phoneNumbers.bob);
    if (!bob) throw new Error(`the sim has no account ${phoneNumbers.bob} after linking it`);
    const received = new UpsertRecorder(socketOf(client));
    await client.waitForPendingNotifications();
    return { sim, client, received, alice, bob, carol };
  } catch (error) {
    await client?.stop();
    await sim.stop();
    throw error;
  }
}
