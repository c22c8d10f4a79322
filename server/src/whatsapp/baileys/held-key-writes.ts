// The Signal key writes of decrypting an incoming message, held back until that message is committed.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuthKeyWrite } from './auth-state.repository';

/**
 * Decrypting a message advances its Signal session and spends its message key, and Baileys writes that before it
 * hands the message over. Were it written at once, a crash before the message is committed would leave a message
 * WhatsApp delivers again (its receipt was held) but that can no longer be decrypted ("Key used already"): lost.
 * So a decryption's writes wait here, readable, until their message is committed; a crash leaves Postgres with the
 * state before the decryption, and the redelivered message decrypts again.
 *
 * Writes made outside a decryption (sends, pre-keys, LID mappings) are written at once, as before; when they touch a
 * key that a held write also holds, theirs is newer and the held value for that key is dropped.
 */
interface HeldEntry {
  writes: Map<string, AuthKeyWrite>;
  /** The messages whose receipt followed this decryption; empty until Baileys sends (and the gate holds) it. */
  messageIds: string[];
}

const keyOf = (write: Pick<AuthKeyWrite, 'type' | 'keyId'>): string => `${write.type}.${write.keyId}`;

export class HeldKeyWrites {
  private readonly decryption = new AsyncLocalStorage<true>();
  private entries: HeldEntry[] = [];

  constructor(private readonly write: (writes: AuthKeyWrite[]) => Promise<void>) {}

  /** Runs a decryption: the key writes it makes are held for the message it belongs to. */
  decrypting<T>(work: () => Promise<T>): Promise<T> {
    return this.decryption.run(true, work);
  }

  /** Writes a batch now, or holds it when it comes from a decryption. */
  async save(writes: AuthKeyWrite[]): Promise<void> {
    if (this.decryption.getStore()) {
      this.entries.push({ writes: new Map(writes.map((write) => [keyOf(write), write])), messageIds: [] });
      return;
    }
    for (const entry of this.entries) for (const write of writes) entry.writes.delete(keyOf(write));
    await this.write(writes);
  }

  /** The newest held value of a key: its JSON, null when held deleted, undefined when nothing is held for it. */
  held(type: string, keyId: string): string | null | undefined {
    const key = keyOf({ type, keyId });
    for (let index = this.entries.length - 1; index >= 0; index -= 1) {
      const write = this.entries[index].writes.get(key);
      if (write) return write.json;
    }
    return undefined;
  }

  /** Baileys is sending the delivery receipt of these messages: the decryptions not yet assigned were theirs. */
  assign(messageIds: string[]): void {
    for (const entry of this.entries) if (entry.messageIds.length === 0) entry.messageIds = [...messageIds];
  }

  /**
   * The messages are committed: their decryptions' writes go to Postgres (rejects if that fails, and they stay held).
   * A message that had no receipt to hold (a newsletter, say) claims the decryptions not yet assigned.
   */
  async commit(messageIds: string[]): Promise<void> {
    const ids = new Set(messageIds);
    let owned = this.entries.filter((entry) => entry.messageIds.some((id) => ids.has(id)));
    if (owned.length === 0) owned = this.entries.filter((entry) => entry.messageIds.length === 0);
    if (owned.length === 0) return;
    const merged = new Map<string, AuthKeyWrite>();
    for (const entry of owned) for (const [key, write] of entry.writes) merged.set(key, write);
    if (merged.size > 0) await this.write([...merged.values()]);
    this.entries = this.entries.filter((entry) => !owned.includes(entry));
  }

  /** The connection is going: what is held is never written, and WhatsApp delivers those messages again. */
  discard(): void {
    this.entries = [];
  }
}
