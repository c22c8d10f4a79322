// Baileys' AuthenticationState backed by Postgres: creds saved on every change, key batches atomic, reads cached.
import type { Logger } from 'pino';
import type {
  AuthenticationCreds,
  AuthenticationState,
  SignalDataSet,
  SignalDataTypeMap,
  SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { Baileys } from './baileys';
import type { AuthKeyWrite, AuthStateRepository, LeaseEpoch } from './auth-state.repository';
import { SessionOwnedElsewhereError } from '../whatsapp.errors';
import { systemClock } from '../../core/runtime/clock';
import { TaskTracker } from '../../core/runtime/task-tracker';
import { BoundedCache } from './bounded-cache';
import { HeldKeyWrites } from './held-key-writes';

export interface PostgresAuthStateOptions {
  /** Most Signal keys a session keeps in memory; the rest are read from Postgres when needed. */
  cacheSize: number;
  logger: Logger;
  /** The lease epoch every write is fenced with (null: none). */
  leaseEpoch: LeaseEpoch;
  /** A write was refused because another node owns the session now: no more writes are tried after it. */
  onOwnedElsewhere: () => void;
}

export interface PostgresAuthState {
  state: AuthenticationState;
  /** Whether these creds belong to a paired device, i.e. the socket logs in instead of showing a QR. */
  readonly paired: boolean;
  /** Queues a save of the current creds; saves run one at a time, in order, and bursts collapse into one write. */
  saveCreds(): void;
  /** Resolves once every queued creds save is written; rejects if the last one failed. */
  flush(): Promise<void>;
  /** Writes what is pending, then accepts no more writes: the socket is gone and the state is saved. */
  close(): Promise<void>;
  /**
   * Accepts no more writes at once and waits for those already under way, so that a wipe that follows is final and
   * no late event from a closing socket brings credentials back.
   */
  discard(): Promise<void>;
  /** The key writes of decrypting incoming messages, held until each message is committed (never by close()). */
  readonly heldKeys: HeldKeyWrites;
}

export function isPaired(creds: AuthenticationCreds): boolean {
  return Boolean(creds.account && creds.me?.id);
}

/** Reads a session's creds, or undefined when it has none (never paired, logged out, or wiped). */
export async function readStoredCreds(
  baileys: Baileys,
  repository: AuthStateRepository,
  sessionId: string,
): Promise<AuthenticationCreds | undefined> {
  const json = await repository.readCreds(sessionId);
  return json === null ? undefined : (JSON.parse(json, baileys.BufferJSON.reviver) as AuthenticationCreds);
}

export async function usePostgresAuthState(
  baileys: Baileys,
  repository: AuthStateRepository,
  sessionId: string,
  options: PostgresAuthStateOptions,
): Promise<PostgresAuthState> {
  const { BufferJSON, initAuthCreds, makeCacheableSignalKeyStore, proto } = baileys;
  const stored = await readStoredCreds(baileys, repository, sessionId);
  // Creds that never finished pairing (e.g. a pairing code requested before a restart) would try to log in and fail.
  const creds = stored && isPaired(stored) ? stored : initAuthCreds();
  /** No more creds saves. */
  let closed = false;
  /** No more key writes. */
  let keysClosed = false;
  const keyWrites = new TaskTracker(systemClock);
  const cache = new BoundedCache(options.cacheSize);
  const heldKeys = new HeldKeyWrites((writes) => repository.writeKeys(sessionId, writes, options.leaseEpoch));
  /** Closes the state for good after a refused write and tells the connection, once. */
  const ownedElsewhere = (): void => {
    if (closed && keysClosed) return;
    closed = true;
    keysClosed = true;
    heldKeys.discard();
    options.onOwnedElsewhere();
  };

  const store: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const rows = await repository.readKeys(sessionId, type, ids);
      // A held decryption's value is newer than what Postgres has.
      for (const id of ids) {
        const held = heldKeys.held(type, id);
        if (held === null) rows.delete(id);
        else if (held !== undefined) rows.set(id, held);
      }
      const values: Record<string, SignalDataTypeMap[T]> = {};
      for (const [id, json] of rows) {
        const value: unknown = JSON.parse(json, BufferJSON.reviver);
        values[id] = (
          type === 'app-state-sync-key'
            ? proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>)
            : value
        ) as SignalDataTypeMap[T];
      }
      return values;
    },
    async set(data: SignalDataSet) {
      if (keysClosed) return;
      const writes: AuthKeyWrite[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [keyId, value] of Object.entries(entries ?? {})) {
          writes.push({
            type,
            keyId,
            json: value === null || value === undefined ? null : JSON.stringify(value, BufferJSON.replacer),
          });
        }
      }
      const write = keyWrites.track(heldKeys.save(writes));
      try {
        await write;
      } catch (error) {
        // Baileys' cache took these values before asking for this write (under its lock, so nothing read them
        // since): forgotten, the next read gets what Postgres holds, not keys a rolled-back transaction made.
        for (const { type, keyId } of writes) cache.del(`${type}.${keyId}`);
        if (error instanceof SessionOwnedElsewhereError) ownedElsewhere();
        throw error;
      }
    },
  };

  let dirty = false;
  let writing: Promise<void> = Promise.resolve();
  let inFlight = false;
  let lastError: unknown;

  const drain = async (): Promise<void> => {
    inFlight = true;
    try {
      while (dirty && !closed) {
        dirty = false;
        try {
          await repository.writeCreds(sessionId, JSON.stringify(creds, BufferJSON.replacer), options.leaseEpoch);
          lastError = undefined;
        } catch (error) {
          if (error instanceof SessionOwnedElsewhereError) {
            lastError = error;
            ownedElsewhere();
            return;
          }
          // Kept dirty: the next creds.update or flush() tries again.
          dirty = true;
          lastError = error;
          options.logger.error({ err: error, sessionId }, 'Saving WhatsApp credentials failed');
          return;
        }
      }
    } finally {
      inFlight = false;
    }
  };

  const flush = async (): Promise<void> => {
    if (dirty && !inFlight) writing = drain();
    await writing;
    if (lastError !== undefined) throw lastError;
  };

  const saveCreds = (): void => {
    if (closed) return;
    dirty = true;
    if (!inFlight) writing = drain();
  };

  return {
    state: {
      creds,
      keys: makeCacheableSignalKeyStore(store, options.logger, cache),
    },
    get paired() {
      return isPaired(creds);
    },
    saveCreds,
    flush,
    heldKeys,
    async close() {
      keysClosed = true;
      heldKeys.discard();
      await keyWrites.idle();
      try {
        await flush();
      } catch (error) {
        // The new owner's credentials are the ones that count.
        if (!(error instanceof SessionOwnedElsewhereError)) throw error;
      } finally {
        closed = true;
      }
    },
    async discard() {
      closed = true;
      keysClosed = true;
      heldKeys.discard();
      await Promise.allSettled([keyWrites.idle(), writing]);
    },
  };
}
