import type {
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
  SignalKeyStoreWithTransaction,
} from '@whiskeysockets/baileys';
import pino from 'pino';
import { loadBaileys } from './baileys';
import { serialiseKeyTransactions } from './key-transactions';

/** Keys in memory, as the Postgres store keeps them: one value per type and id. */
class MemoryKeyStore implements SignalKeyStore {
  private readonly values = new Map<string, unknown>();

  async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]): Promise<Record<string, SignalDataTypeMap[T]>> {
    const found: Record<string, SignalDataTypeMap[T]> = {};
    for (const id of ids) {
      const value = this.values.get(`${type}.${id}`);
      if (value !== undefined) found[id] = value as SignalDataTypeMap[T];
    }
    return found;
  }

  async set(data: SignalDataSet): Promise<void> {
    for (const [type, entries] of Object.entries(data)) {
      for (const [id, value] of Object.entries(entries ?? {})) {
        if (value === null) this.values.delete(`${type}.${id}`);
        else this.values.set(`${type}.${id}`, value);
      }
    }
  }
}

const SESSION = '70000000001_1.0';

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('serialiseKeyTransactions', () => {
  let keys: SignalKeyStoreWithTransaction;

  beforeEach(async () => {
    const { addTransactionCapability } = await loadBaileys();
    keys = addTransactionCapability(new MemoryKeyStore(), pino({ level: 'silent' }), {
      maxCommitRetries: 1,
      delayBetweenTriesMs: 0,
    });
    serialiseKeyTransactions(keys, 'session-1');
  });

  /** What Baileys does with a Signal session: read it, change it, and write it back when the transaction ends. */
  function appendToSession(lockName: string, part: string, gate: Promise<void>): Promise<void> {
    return keys.transaction(async () => {
      const { [SESSION]: current } = await keys.get('session', [SESSION]);
      await gate;
      await keys.set({ session: { [SESSION]: Buffer.concat([current ?? Buffer.alloc(0), Buffer.from(part)]) } });
    }, lockName);
  }

  it('keeps both changes when transactions Baileys locks under different names change the same session', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // A decrypt (locked by the sender's JID) and a send (locked by our own JID) at the same time.
    const decrypt = appendToSession('70000000001@lid', 'A', gate);
    const send = appendToSession('15550000000@s.whatsapp.net', 'B', gate);
    await nextTurn();
    await nextTurn();
    open();
    await Promise.all([decrypt, send]);
    const { [SESSION]: session } = await keys.get('session', [SESSION]);
    expect(Buffer.from(session).toString()).toBe('AB');
  });

  it('lets a deletion of sessions run while another transaction is open', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const send = appendToSession('15550000000@s.whatsapp.net', 'B', gate);
    await keys.transaction(async () => keys.set({ session: { other: null } }), 'delete-1-sessions');
    open();
    await send;
  });
});
