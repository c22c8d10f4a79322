import type { CacheStore } from '@whiskeysockets/baileys';

/**
 * A least-recently-used map with a fixed number of entries and no timers, so a session's key cache has a known
 * upper bound on memory and nothing to close. Its owner is the only writer, so entries never go stale.
 */
export class BoundedCache implements CacheStore {
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly maxEntries: number) {}

  get<T>(key: string): T | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, value);
    return value as T;
  }

  set<T>(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  del(key: string): void {
    this.entries.delete(key);
  }

  flushAll(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
