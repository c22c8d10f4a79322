// A real, unmodified Baileys client pointed at a started sim: its auth state survives reconnects like a gateway's.
import { rm } from 'node:fs/promises';
import type {
  AuthenticationState,
  ConnectionState,
  SignalDataTypeMap,
  SignalKeyStore,
  UserFacingSocketConfig,
  WASocket,
} from '@whiskeysockets/baileys';
import pino from 'pino';
import type { SimHandle } from '../../src/index';
import { loadWaLibrary } from '../../src/core/wa-library';

/** A fixed WhatsApp Web version: tests never ask the internet for the latest one. */
export const TEST_WA_VERSION: [number, number, number] = [2, 3000, 1043857760];

/** What a client needs from the sim: where to connect, and a phone to scan its QR (a SimHandle is one). */
export type SimEndpoint = Pick<SimHandle, 'wsUrl' | 'link'>;

export interface ClientClose {
  statusCode: number | undefined;
  message: string;
}

export interface TestClientOptions {
  /**
   * Keep credentials in this directory (Baileys' multi-file auth state), to survive a new TestClient. By default
   * they live in memory, for this TestClient's sockets only: much faster, since a first login saves 812 pre-keys.
   */
  authDir?: string;
  /** Extra socket options (e.g. `qrTimeout`); `waWebSocketUrl`, `version`, `logger` and `auth` are set here. */
  socket?: Partial<UserFacingSocketConfig>;
}

/**
 * One Baileys "installation": credentials on disk and the current socket. `connect()` opens a socket with the saved
 * credentials, as an app does after a 515 restart or a process restart.
 */
export class TestClient {
  socket: WASocket | undefined;
  private readonly updates: Partial<ConnectionState>[] = [];
  private readonly closes: ClientClose[] = [];
  private waiters: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Index in `updates` where the current socket's updates start. */
  private socketStart = 0;
  private saveCreds: (() => Promise<void>) | undefined;
  private auth: AuthenticationState | undefined;

  constructor(
    readonly sim: SimEndpoint,
    private readonly authDir: string | undefined,
    private readonly socketOptions: Partial<UserFacingSocketConfig>,
  ) {}

  /** Opens a socket with the current credentials (a new QR if the client was never linked). */
  async connect(): Promise<WASocket> {
    const baileys = await loadWaLibrary();
    if (!this.auth && this.authDir) {
      const { state, saveCreds } = await baileys.useMultiFileAuthState(this.authDir);
      this.auth = state;
      this.saveCreds = saveCreds;
    }
    this.auth ??= { creds: baileys.initAuthCreds(), keys: memoryKeyStore() };
    const socket = baileys.makeWASocket({
      version: TEST_WA_VERSION,
      waWebSocketUrl: this.sim.wsUrl,
      logger: pino({ level: 'silent' }),
      auth: this.auth,
      // Without this, Baileys holds messages back for 20 s after the first login, waiting for a history sync.
      shouldSyncHistoryMessage: () => false,
      markOnlineOnConnect: false,
      ...this.socketOptions,
    });
    socket.ev.on('creds.update', () => void this.saveCreds?.());
    socket.ev.on('connection.update', (update) => {
      this.updates.push(update);
      if (update.connection === 'close') {
        const error = update.lastDisconnect?.error as
          { output?: { statusCode?: number }; message?: string } | undefined;
        this.closes.push({ statusCode: error?.output?.statusCode, message: error?.message ?? '' });
      }
      this.notify();
    });
    this.socket = socket;
    this.socketStart = this.updates.length;
    return socket;
  }

  /** Every QR this client has shown so far, oldest first. */
  get qrs(): string[] {
    return this.updates.flatMap((update) => (update.qr ? [update.qr] : []));
  }

  get closeEvents(): ClientClose[] {
    return [...this.closes];
  }

  /** Resolves with the `n`-th QR (1-based) the client shows. */
  waitForQr(n = 1, timeoutMs = 10_000): Promise<string> {
    return this.waitFor(() => this.qrs[n - 1], `QR #${n}`, timeoutMs);
  }

  /** Resolves once the current socket is open (logged in). */
  waitForOpen(timeoutMs = 15_000): Promise<void> {
    return this.waitForUpdate((update) => update.connection === 'open', 'connection open', timeoutMs);
  }

  /** Resolves once the current socket got the sim's `<ib><offline/>`: everything queued for it has arrived. */
  waitForPendingNotifications(timeoutMs = 15_000): Promise<void> {
    return this.waitForUpdate((update) => update.receivedPendingNotifications === true, 'offline queue', timeoutMs);
  }

  /** Resolves with the next close after the `count` already seen. */
  waitForClose(timeoutMs = 15_000): Promise<ClientClose> {
    const seen = this.closes.length;
    return this.waitFor(() => this.closes[seen], 'connection close', timeoutMs);
  }

  /** Shows a QR, has the account's phone scan it, survives the 515 restart and waits for the login. */
  async linkByQr(phoneNumber: string): Promise<{ deviceJid: string }> {
    const seenQrs = this.qrs.length;
    if (!this.socket) await this.connect();
    const qr = await this.waitForQr(seenQrs + 1);
    const restart = this.waitForClose();
    const linked = await this.sim.link(phoneNumber, { qr });
    const closed = await restart;
    if (closed.statusCode !== 515) throw new Error(`expected a 515 restart after pairing, got ${closed.statusCode}`);
    await this.connect();
    await this.waitForOpen();
    return linked;
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.ev.removeAllListeners('connection.update');
      await socket.end(undefined);
    }
    // Waits nobody will see end are abandoned, not failed: their promises may no longer have a listener.
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.waiters = [];
  }

  private waitForUpdate(
    predicate: (update: Partial<ConnectionState>) => boolean,
    what: string,
    timeoutMs: number,
  ): Promise<void> {
    const probe = (): true | undefined => this.updates.slice(this.socketStart).some(predicate) || undefined;
    return this.waitFor(probe, what, timeoutMs).then(() => undefined);
  }

  private waitFor<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value === undefined) return false;
        clearTimeout(timer);
        this.timers.delete(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.timers.add(timer);
      const listener = (): void => {
        if (check()) this.waiters = this.waiters.filter((waiter) => waiter !== listener);
      };
      if (!check()) this.waiters.push(listener);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

export function createTestClient(sim: SimEndpoint, options: TestClientOptions = {}): TestClient {
  return new TestClient(sim, options.authDir, options.socket ?? {});
}

/** Removes an auth directory even while a closing Baileys socket still writes its last keys into it. */
export async function removeAuthDir(authDir: string): Promise<void> {
  await rm(authDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

function memoryKeyStore(): SignalKeyStore {
  const data = new Map<string, unknown>();
  return {
    get: <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
      const found: Record<string, SignalDataTypeMap[T]> = {};
      for (const id of ids) {
        const value = data.get(`${type}/${id}`);
        if (value !== undefined) found[id] = value as SignalDataTypeMap[T];
      }
      return found;
    },
    set: (entries) => {
      for (const [type, values] of Object.entries(entries)) {
        for (const [id, value] of Object.entries(values ?? {})) {
          if (value === null || value === undefined) data.delete(`${type}/${id}`);
          else data.set(`${type}/${id}`, value);
        }
      }
    },
  };
}

/** A client already linked to a new account (QR, 515, login): the starting point of most messaging tests. */
export async function createLinkedClient(
  sim: SimHandle,
  account: { phoneNumber: string; pushName: string },
  options: TestClientOptions = {},
): Promise<TestClient & { deviceJid: string }> {
  sim.createAccount(account);
  const client = createTestClient(sim, options);
  const { deviceJid } = await client.linkByQr(account.phoneNumber);
  return Object.assign(client, { deviceJid });
}
