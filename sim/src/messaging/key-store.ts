// In-memory Signal key store for one simulated phone: the sim keeps no state across restarts, like its accounts.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SignalDataSet, SignalDataTypeMap, SignalKeyStoreWithTransaction } from '@whiskeysockets/baileys' with {
  'resolution-mode': 'import',
};

type SignalType = keyof SignalDataTypeMap;

export class MemoryKeyStore implements SignalKeyStoreWithTransaction {
  private readonly data = new Map<SignalType, Map<string, unknown>>();
  private readonly inTransaction = new AsyncLocalStorage<true>();
  private tail: Promise<unknown> = Promise.resolve();

  get<T extends SignalType>(type: T, ids: string[]): { [id: string]: SignalDataTypeMap[T] } {
    const values = this.data.get(type);
    const found: { [id: string]: SignalDataTypeMap[T] } = {};
    for (const id of ids) {
      const value = values?.get(id);
      if (value !== undefined) found[id] = value as SignalDataTypeMap[T];
    }
    return found;
  }

  set(changes: SignalDataSet): void {
    for (const [type, entries] of Object.entries(changes) as [SignalType, Record<string, unknown>][]) {
      let values = this.data.get(type);
      if (!values) {
        values = new Map();
        this.data.set(type, values);
      }
      for (const [id, value] of Object.entries(entries)) {
        if (value === null) values.delete(id);
        else values.set(id, value);
      }
    }
  }

  isInTransaction(): boolean {
    return this.inTransaction.getStore() === true;
  }

  /**
   * Runs ratchet updates one at a time: two sends to one device must not interleave their chain steps.
   * Nested calls (Baileys' repository nests them) join the running transaction instead of deadlocking on it.
   */
  transaction<T>(exec: () => Promise<T>): Promise<T> {
    if (this.isInTransaction()) return exec();
    const run = this.tail.then(() => this.inTransaction.run(true, exec));
    this.tail = run.catch(() => undefined);
    return run;
  }
}
