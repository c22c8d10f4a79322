import { Logger } from '@nestjs/common';
import type { ClusterMembership } from '../cluster/cluster-membership';
import { FakeClock } from '../../test/support/fake-clock';
import { FakeClusterBus } from '../../test/support/fake-cluster-bus';
import { FakeClusterRequests } from '../../test/support/fake-cluster-requests';
import { NodeUnavailableError } from '../cluster/cluster-requests';
import { NodeIdentity } from '../cluster/node-identity';
import type { AuthUser } from '../auth/auth-user';
import { loadAppConfig } from '../core/config/app-config';
import { ConflictError } from '../core/errors/domain-errors';
import { SessionStatusChanged, WhatsAppEvents } from '../whatsapp/events';
import { Disconnect, WhatsAppAccount } from '../whatsapp/whatsapp.provider';
import { BALANCE_INTERVAL_MS, OwnershipScan } from './ownership-scan';
import type { SessionLeaseRepository } from './session-lease.repository';
import { SessionLifecycleService } from './session-lifecycle.service';
import type { SessionEntity } from './session.entity';
import type { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { UnusedWhatsAppProvider } from '../../test/support/unused-whatsapp-provider';
import { recordingAudit } from '../../test/support/in-memory-audit';

const alice: AuthUser = { id: 'alice', username: 'alice', role: 'user', via: 'jwt' };

const ACCOUNT: WhatsAppAccount = {
  jid: '15550001111@s.whatsapp.net',
  lid: '900100200300@lid',
  phoneNumber: '15550001111',
  pushName: 'Alice',
  device: { platform: 'Ubuntu', browser: 'Chrome', deviceId: 7 },
};

/** What a test makes the provider report about a session's current connection. */
interface ConnectionReports {
  onQr(qr: string, expiresAt: Date): void;
  onOpen(account: WhatsAppAccount): void;
  onPushName(pushName: string): void;
  onClose(disconnect: Disconnect): void;
}

class FakeProvider extends UnusedWhatsAppProvider {
  /** The connection id each session's open connection was asked for. */
  readonly connections = new Map<string, number>();
  readonly linked = new Map<string, string>();
  readonly calls: string[] = [];
  failConnect = false;

  constructor(private readonly events: WhatsAppEvents) {
    super();
  }

  /** The lease epoch each session's open connection was fenced with. */
  readonly leaseEpochs = new Map<string, number>();

  override async connect(sessionId: string, connectionId: number, leaseEpoch: number): Promise<void> {
    this.calls.push(`connect ${sessionId}`);
    this.leaseEpochs.set(sessionId, leaseEpoch);
    if (this.failConnect) throw new Error('database unavailable');
    this.connections.set(sessionId, connectionId);
  }
  override async requestPairingCode(sessionId: string, phoneNumber: string): Promise<string> {
    this.calls.push(`pairing-code ${sessionId} ${phoneNumber}`);
    return 'ABCD1234';
  }
  override async disconnect(sessionId: string): Promise<void> {
    this.calls.push(`disconnect ${sessionId}`);
    this.connections.delete(sessionId);
  }
  override async logout(sessionId: string): Promise<void> {
    this.calls.push(`logout ${sessionId}`);
    this.connections.delete(sessionId);
    this.linked.delete(sessionId);
  }
  override async wipeCredentials(sessionId: string): Promise<void> {
    this.calls.push(`wipe ${sessionId}`);
    this.linked.delete(sessionId);
  }
  override async linkedJid(sessionId: string): Promise<string | null> {
    return this.linked.get(sessionId) ?? null;
  }
  override isConnected(): boolean {
    return false;
  }
  override async disconnectAll(): Promise<void> {
    this.calls.push('disconnect all');
    this.connections.clear();
  }

  /** Publishes, as the real provider does, the events of the session's current connection. */
  listener(sessionId: string): ConnectionReports {
    const connectionId = this.connections.get(sessionId);
    if (connectionId === undefined) throw new Error(`no connection for ${sessionId}`);
    const about = { sessionId, connectionId };
    return {
      onQr: (qr, expiresAt) => void this.events.publish('connection.qr', { ...about, qr, expiresAt }),
      onOpen: (account) => void this.events.publish('connection.opened', { ...about, account }),
      onPushName: (pushName) => void this.events.publish('connection.renamed', { ...about, pushName }),
      onClose: (disconnect) => void this.events.publish('connection.closed', { ...about, disconnect }),
    };
  }

  count(call: string): number {
    return this.calls.filter((entry) => entry === call).length;
  }
}

/** Leases as Postgres keeps them: taking one raises the session row's epoch. */
class FakeLeases {
  readonly held = new Map<string, number>();
  readonly elsewhere = new Set<string>();
  private lost: (() => void) | undefined;

  constructor(private readonly rows: FakeSessions) {}

  onLost(listener: () => void): () => void {
    this.lost = listener;
    return () => (this.lost = undefined);
  }
  async acquire(sessionId: string): Promise<boolean> {
    if (this.elsewhere.has(sessionId)) return false;
    if (!this.held.has(sessionId)) this.held.set(sessionId, this.rows.raiseEpoch(sessionId));
    return true;
  }
  async acquireMany(sessionIds: string[]): Promise<string[]> {
    const taken: string[] = [];
    for (const sessionId of sessionIds) if (await this.acquire(sessionId)) taken.push(sessionId);
    return taken;
  }
  epochOf(sessionId: string): number | undefined {
    return this.held.get(sessionId);
  }
  /** Another node takes the lease while this one has not noticed losing it (a connection gone silent). */
  takenByAnotherNode(sessionId: string): void {
    this.elsewhere.add(sessionId);
    this.rows.raiseEpoch(sessionId);
  }
  async release(sessionId: string): Promise<void> {
    this.held.delete(sessionId);
  }
  loseAll(): void {
    this.held.clear();
    this.lost?.();
  }
}

/** The cluster as this node sees it: the nodes alive (itself first), and whether it left. */
class FakeMembership {
  others: { id: string; sessions: number }[] = [];
  left = false;

  constructor(private readonly node: NodeIdentity) {}

  reportSessionsWith(): void {}
  async leave(): Promise<void> {
    this.left = true;
  }
  async list(): Promise<{ id: string; sessions: number; self: boolean }[]> {
    return [{ id: this.node.id, sessions: 0, self: true }, ...this.others.map((other) => ({ ...other, self: false }))];
  }
}

class FakeSessions {
  readonly rows = new Map<string, SessionEntity>();
  markedReconnecting: string[] = [];

  add(fields: Partial<SessionEntity> = {}): SessionEntity {
    const id = `session-${this.rows.size + 1}`;
    const row = {
      id,
      ownerId: 'alice',
      name: id,
      status: 'created',
      desiredState: 'stopped',
      jid: null,
      lid: null,
      phoneNumber: null,
      pushName: null,
      device: null,
      lastConnectedAt: null,
      lastDisconnect: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      ...fields,
    } as SessionEntity;
    this.rows.set(id, row);
    return row;
  }
  async findById(id: string): Promise<SessionEntity | null> {
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }
  async update(id: string, changes: Partial<SessionEntity>): Promise<void> {
    const row = this.rows.get(id);
    if (row) Object.assign(row, changes, { updatedAt: new Date() });
  }
  async updateAsOwner(id: string, leaseEpoch: number, changes: Partial<SessionEntity>): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || (row.leaseEpoch ?? 0) !== leaseEpoch) return false;
    await this.update(id, changes);
    return true;
  }
  raiseEpoch(id: string): number {
    const row = this.rows.get(id);
    if (!row) return -1;
    row.leaseEpoch = (row.leaseEpoch ?? 0) + 1;
    return row.leaseEpoch;
  }
  async findRunCandidates(localIds: string[]): Promise<SessionEntity[]> {
    return [...this.rows.values()]
      .filter((row) => row.desiredState === 'running' || localIds.includes(row.id))
      .map((row) => ({ ...row }));
  }
  async findQr(id: string): Promise<{ qr: string; expiresAt: Date } | null> {
    const row = this.rows.get(id);
    return row?.status === 'qr' && row.qr && row.qrExpiresAt ? { qr: row.qr, expiresAt: row.qrExpiresAt } : null;
  }
  async countConnected(ids: string[]): Promise<number> {
    return ids.filter((id) => this.rows.get(id)?.status === 'connected').length;
  }
  async markReconnecting(owned: { id: string; leaseEpoch: number }[]): Promise<void> {
    this.markedReconnecting = owned.map(({ id }) => id);
    for (const { id, leaseEpoch } of owned) await this.updateAsOwner(id, leaseEpoch, { status: 'reconnecting' });
  }
  async delete(id: string): Promise<void> {
    this.rows.delete(id);
  }
}

describe('SessionLifecycleService', () => {
  let provider: FakeProvider;
  let leases: FakeLeases;
  let rows: FakeSessions;
  let events: WhatsAppEvents;
  let bus: FakeClusterBus;
  let requests: FakeClusterRequests;
  let node: NodeIdentity;
  let membership: FakeMembership;
  let statuses: SessionStatusChanged[];
  let lifecycle: SessionLifecycleService;
  let ownershipScan: OwnershipScan;
  let clock: FakeClock;
  let logs: string[];

  /** Lets due timers and the operations and callbacks they queue run to the end. */
  async function settle(ms = 0): Promise<void> {
    await clock.advance(ms);
    for (let round = 0; round < 3; round++) await clock.advance(0);
  }

  /** The application has started: the ownership scan runs. */
  function boot(): void {
    ownershipScan.onApplicationBootstrap();
  }

  function build(): SessionLifecycleService {
    const config = loadAppConfig({
      JWT_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      WA_RECONNECT_MIN_DELAY_MS: '1000',
      WA_RECONNECT_MAX_DELAY_MS: '8000',
      WA_RECONNECT_RATE: '2',
      WA_OWNER_SCAN_INTERVAL_MS: '5000',
    });
    const repository = rows as unknown as SessionsRepository;
    const built = new SessionLifecycleService(
      config,
      new SessionsService(repository, recordingAudit().audit),
      repository,
      leases as unknown as SessionLeaseRepository,
      provider,
      events,
      bus.asBus(),
      requests.asRequests(),
      membership as unknown as ClusterMembership,
      node,
      clock,
      recordingAudit(clock).audit,
    );
    ownershipScan = new OwnershipScan(
      built,
      repository,
      bus.asBus(),
      membership as unknown as ClusterMembership,
      node,
      config,
      clock,
    );
    built.onModuleInit();
    return built;
  }

  beforeEach(() => {
    clock = new FakeClock();
    jest.spyOn(Math, 'random').mockReturnValue(1);
    logs = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logs.push(String(message)));
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    events = new WhatsAppEvents();
    bus = new FakeClusterBus();
    requests = new FakeClusterRequests();
    node = new NodeIdentity(clock);
    membership = new FakeMembership(node);
    provider = new FakeProvider(events);
    rows = new FakeSessions();
    leases = new FakeLeases(rows);
    statuses = [];
    events.on('session.status', (change) => void statuses.push(change));
    lifecycle = build();
  });

  afterEach(async () => {
    // Alone again, so stopping waits for no other node on the fake clock.
    membership.others = [];
    await ownershipScan.onModuleDestroy();
    await lifecycle.onModuleDestroy();
    jest.restoreAllMocks();
  });

  const statusesOf = (sessionId: string): string[] =>
    statuses.filter((change) => change.sessionId === sessionId).map((change) => change.status);

  /** A session started and logged in (as after a QR scan). */
  async function connected(): Promise<SessionEntity> {
    const session = rows.add();
    await lifecycle.start(alice, session.id);
    provider.linked.set(session.id, ACCOUNT.jid);
    provider.listener(session.id).onOpen(ACCOUNT);
    await settle();
    return session;
  }

  describe('starting', () => {
    it('takes the lease, marks the session meant to run and connects it', async () => {
      const session = rows.add();
      const answer = await lifecycle.start(alice, session.id);
      expect(answer.status).toBe('starting');
      expect(rows.rows.get(session.id)?.desiredState).toBe('running');
      expect(leases.held.has(session.id)).toBe(true);
      expect(provider.calls).toEqual([`connect ${session.id}`]);
      expect(statuses).toEqual([
        expect.objectContaining({ sessionId: session.id, ownerId: 'alice', status: 'starting' }),
      ]);
    });

    it('shows each QR, publishes it, and records the account when the phone links', async () => {
      const session = rows.add();
      const qrs: unknown[] = [];
      events.on('session.qr', (qr) => void qrs.push(qr));
      await lifecycle.start(alice, session.id);
      const expiresAt = new Date(clock.now().getTime() + 60_000);
      provider.listener(session.id).onQr('2@qr-one', expiresAt);
      await settle();
      expect(await lifecycle.currentQr(alice, session.id)).toEqual({ qr: '2@qr-one', expiresAt });
      // Written for the other nodes of a cluster.
      expect(rows.rows.get(session.id)).toMatchObject({ qr: '2@qr-one', qrExpiresAt: expiresAt });
      expect(qrs).toEqual([
        { sessionId: session.id, ownerId: 'alice', qr: '2@qr-one', expiresAt: expiresAt.toISOString() },
      ]);

      provider.listener(session.id).onOpen(ACCOUNT);
      await settle();
      expect(rows.rows.get(session.id)).toMatchObject({
        status: 'connected',
        jid: ACCOUNT.jid,
        lid: ACCOUNT.lid,
        phoneNumber: ACCOUNT.phoneNumber,
        pushName: 'Alice',
        device: ACCOUNT.device,
        lastConnectedAt: clock.now(),
      });
      expect(await lifecycle.qrOf(session.id)).toBeNull();
      expect(rows.rows.get(session.id)).toMatchObject({ qr: null, qrExpiresAt: null });
      await expect(lifecycle.currentQr(alice, session.id)).rejects.toThrow('status: connected');
      expect(statusesOf(session.id)).toEqual(['starting', 'qr', 'connected']);
    });

    it('serves the QR of a session another node runs, as that node wrote it', async () => {
      const expiresAt = new Date(clock.now().getTime() + 20_000);
      const session = rows.add({ status: 'qr', desiredState: 'running', qr: '2@elsewhere', qrExpiresAt: expiresAt });
      leases.elsewhere.add(session.id);
      expect(await lifecycle.currentQr(alice, session.id)).toEqual({ qr: '2@elsewhere', expiresAt });
    });

    it('keeps the known push name when a login does not carry one', async () => {
      const session = rows.add({ pushName: 'Known' });
      await lifecycle.start(alice, session.id);
      provider.listener(session.id).onOpen({ ...ACCOUNT, pushName: null });
      await settle();
      expect(rows.rows.get(session.id)?.pushName).toBe('Known');
    });

    it('does not open a second connection for a running session', async () => {
      const session = rows.add();
      await lifecycle.start(alice, session.id);
      await lifecycle.start(alice, session.id);
      expect(provider.count(`connect ${session.id}`)).toBe(1);
    });

    it('leaves a session another process owns alone, but records that it is meant to run', async () => {
      const session = rows.add();
      leases.elsewhere.add(session.id);
      const answer = await lifecycle.start(alice, session.id);
      expect(provider.calls).toEqual([]);
      expect(answer).toMatchObject({ status: 'created', desiredState: 'running' });
    });

    it('answers another user’s session like a missing one', async () => {
      const session = rows.add({ ownerId: 'bob' });
      await expect(lifecycle.start(alice, session.id)).rejects.toThrow('not found');
      expect(provider.calls).toEqual([]);
    });
  });

  describe('pairing by code', () => {
    it('starts the session, asks for a code and stays pairing_code while QRs keep coming', async () => {
      const session = rows.add();
      expect(await lifecycle.requestPairingCode(alice, session.id, '15550001111')).toBe('ABCD1234');
      provider.listener(session.id).onQr('2@later-qr', new Date(clock.now().getTime() + 20_000));
      await settle();
      expect(statusesOf(session.id)).toEqual(['starting', 'pairing_code']);
      expect(await lifecycle.qrOf(session.id)).toBeNull();
    });

    it('refuses a code for a session already linked to a phone', async () => {
      const session = rows.add({ status: 'stopped' });
      provider.linked.set(session.id, ACCOUNT.jid);
      await expect(lifecycle.requestPairingCode(alice, session.id, '15550001111')).rejects.toThrow(ConflictError);
      expect(provider.calls).toEqual([]);
    });

    it('refuses a code for a connected session', async () => {
      const session = await connected();
      await expect(lifecycle.requestPairingCode(alice, session.id, '15550001111')).rejects.toThrow(
        'cannot pair now (status: connected)',
      );
    });
  });

  describe('sessions another node runs', () => {
    it('asks the node that runs it for a pairing code', async () => {
      const session = rows.add({ status: 'qr', desiredState: 'running' });
      leases.elsewhere.add(session.id);
      requests.answers.set('session.pairing-code', { code: 'WXYZ9876' });
      expect(await lifecycle.requestPairingCode(alice, session.id, '15550001111')).toBe('WXYZ9876');
      expect(requests.asked).toEqual([
        { kind: 'session.pairing-code', request: { sessionId: session.id, phoneNumber: '15550001111' } },
      ]);
      expect(provider.calls).toEqual([]);
    });

    it('answers another node for a session it runs, and leaves the others to their nodes', async () => {
      const session = rows.add();
      await lifecycle.start(alice, session.id);
      expect(requests.handle('session.pairing-code', { sessionId: 'elsewhere', phoneNumber: '1' })).toBeNull();
      expect(
        await requests.handle('session.pairing-code', { sessionId: session.id, phoneNumber: '15550001111' }),
      ).toEqual({
        code: 'ABCD1234',
      });
      expect(statusesOf(session.id)).toEqual(['starting', 'pairing_code']);
    });

    it('has the node that runs it log it out, then deletes it', async () => {
      const session = rows.add({ status: 'connected', desiredState: 'running', jid: ACCOUNT.jid });
      provider.linked.set(session.id, ACCOUNT.jid);
      leases.elsewhere.add(session.id);
      requests.answers.set('session.logout', {});
      await lifecycle.delete(alice, session.id);
      expect(requests.asked).toEqual([{ kind: 'session.logout', request: { sessionId: session.id } }]);
      expect(provider.calls).toEqual([]);
      expect(rows.rows.has(session.id)).toBe(false);
    });

    it('logs out a session it runs when another node asks', async () => {
      const session = await connected();
      expect(await requests.handle('session.logout', { sessionId: session.id })).toEqual({});
      expect(provider.calls).toContain(`logout ${session.id}`);
      expect(rows.rows.get(session.id)).toMatchObject({ status: 'logged_out', desiredState: 'stopped' });
      expect(leases.held.has(session.id)).toBe(false);
    });
  });

  describe('balancing the cluster', () => {
    it('gives a connected session to a node under its share, which is told before the lease is free', async () => {
      boot();
      const first = await connected();
      const second = await connected();
      membership.others = [{ id: 'other', sessions: 0 }];
      await settle(BALANCE_INTERVAL_MS);
      const handedOff = bus.published.find((message) => message.kind === 'session.handoff');
      expect(handedOff?.payload).toEqual({ sessionId: expect.any(String), to: 'other' });
      const { sessionId } = handedOff?.payload as { sessionId: string };
      expect([first.id, second.id]).toContain(sessionId);
      expect(provider.calls).toContain(`disconnect ${sessionId}`);
      expect(leases.held.has(sessionId)).toBe(false);
      expect(statusesOf(sessionId).at(-1)).toBe('reconnecting');
      expect(statuses.at(-1)).toMatchObject({ sessionId, status: 'reconnecting', reason: 'handoff' });
      expect(bus.published.at(-1)).toEqual({ kind: 'session.changed', payload: { sessionId } });
      // Given once: the giver does not take it back on its next scans, nor give the other one away.
      await settle(5_000);
      expect(provider.count(`connect ${sessionId}`)).toBe(1);
      expect(bus.published.filter((message) => message.kind === 'session.handoff')).toHaveLength(1);
    });

    it('leaves a session handed to another node to it, and takes it if that node has not within 15 s', async () => {
      const session = rows.add({ status: 'reconnecting', desiredState: 'running', jid: ACCOUNT.jid });
      provider.linked.set(session.id, ACCOUNT.jid);
      bus.receive('session.handoff', { sessionId: session.id, to: 'other' });
      boot();
      await settle(10_000);
      expect(provider.count(`connect ${session.id}`)).toBe(0);
      await settle(6_000);
      expect(provider.count(`connect ${session.id}`)).toBe(1);
    });

    it('takes a session handed to it, as a handoff', async () => {
      const session = rows.add({ status: 'reconnecting', desiredState: 'running', jid: ACCOUNT.jid });
      provider.linked.set(session.id, ACCOUNT.jid);
      bus.receive('session.handoff', { sessionId: session.id, to: node.id });
      boot();
      await settle();
      expect(provider.count(`connect ${session.id}`)).toBe(1);
      expect(statuses.at(-1)).toMatchObject({ sessionId: session.id, status: 'reconnecting', reason: 'handoff' });
    });
  });

  describe('disconnect policy', () => {
    it.each([
      ['qr_timeout', 408, 'qr_timeout', false],
      ['logged_out', 401, 'logged_out', true],
      ['banned', 403, 'banned', true],
      ['replaced', 440, 'replaced', false],
      ['multidevice_mismatch', 411, 'failed', false],
    ] as const)('stops for good on %s: status %s, wiped: %p', async (reason, code, status, wiped) => {
      const session = await connected();
      provider.listener(session.id).onClose({ reason, code, message: 'closed' });
      await settle(60_000);
      expect(rows.rows.get(session.id)).toMatchObject({
        status,
        desiredState: 'stopped',
        lastDisconnect: { code, reason, at: expect.any(String) },
      });
      expect(statuses.at(-1)).toMatchObject({ status, reason });
      expect(provider.count(`connect ${session.id}`)).toBe(1);
      expect(provider.count(`wipe ${session.id}`)).toBe(wiped ? 1 : 0);
      expect(leases.held.has(session.id)).toBe(false);
    });

    it.each(['connection_lost', 'connection_closed', 'bad_session', 'service_unavailable', 'unknown'] as const)(
      'reconnects after %s, keeping the lease',
      async (reason) => {
        const session = await connected();
        provider.listener(session.id).onClose({ reason, code: 500, message: 'closed' });
        await settle();
        expect(rows.rows.get(session.id)).toMatchObject({ status: 'reconnecting', desiredState: 'running' });
        expect(statuses.at(-1)).toMatchObject({ status: 'reconnecting', reason });
        await settle(1_000);
        expect(provider.count(`connect ${session.id}`)).toBe(2);
        expect(leases.held.has(session.id)).toBe(true);
      },
    );

    it('waits longer after each failed reconnect, up to the cap, and starts over once connected', async () => {
      const session = await connected();
      const drop = (): void => provider.listener(session.id).onClose(lost);
      const lost: Disconnect = { reason: 'connection_lost', code: 408, message: 'lost' };
      const connects = (): number => provider.count(`connect ${session.id}`);
      for (const delay of [1_000, 2_000, 4_000, 8_000, 8_000]) {
        drop();
        await settle(delay - 1);
        const before = connects();
        await settle(1);
        expect(connects()).toBe(before + 1);
      }
      provider.listener(session.id).onOpen(ACCOUNT);
      await settle();
      drop();
      await settle(1_000);
      expect(rows.rows.get(session.id)?.status).toBe('reconnecting');
      expect(connects()).toBe(7);
    });

    it('ignores what an earlier connection reports once the session has a new one', async () => {
      const session = await connected();
      const earlier = provider.listener(session.id);
      earlier.onClose({ reason: 'connection_lost', code: 408, message: 'lost' });
      await settle(1_000);
      expect(provider.count(`connect ${session.id}`)).toBe(2);
      earlier.onClose({ reason: 'logged_out', code: 401, message: 'late' });
      earlier.onOpen(ACCOUNT);
      await settle(60_000);
      expect(rows.rows.get(session.id)).toMatchObject({ status: 'reconnecting', desiredState: 'running' });
      expect(provider.count(`wipe ${session.id}`)).toBe(0);
      provider.listener(session.id).onOpen(ACCOUNT);
      await settle();
      expect(rows.rows.get(session.id)?.status).toBe('connected');
    });

    it('retries when opening a connection fails before it even starts', async () => {
      provider.failConnect = true;
      const session = rows.add();
      await lifecycle.start(alice, session.id);
      expect(rows.rows.get(session.id)?.status).toBe('reconnecting');
      provider.failConnect = false;
      await settle(1_000);
      expect(provider.count(`connect ${session.id}`)).toBe(2);
    });
  });

  describe('stopping, logging out and deleting', () => {
    it('stops: closes the connection, keeps the credentials, gives up the lease', async () => {
      const session = await connected();
      const answer = await lifecycle.stop(alice, session.id);
      expect(answer).toMatchObject({ status: 'stopped', desiredState: 'stopped' });
      expect(provider.calls).toContain(`disconnect ${session.id}`);
      expect(provider.linked.has(session.id)).toBe(true);
      expect(leases.held.has(session.id)).toBe(false);
    });

    it('cancels a reconnect that was waiting when the session is stopped', async () => {
      const session = await connected();
      provider.listener(session.id).onClose({ reason: 'connection_lost', code: 408, message: 'lost' });
      await settle();
      await lifecycle.stop(alice, session.id);
      await settle(60_000);
      expect(provider.count(`connect ${session.id}`)).toBe(1);
      expect(rows.rows.get(session.id)?.status).toBe('stopped');
    });

    it('logs a running session out and gives up the lease', async () => {
      const session = await connected();
      const answer = await lifecycle.logout(alice, session.id);
      expect(answer).toMatchObject({ status: 'logged_out', desiredState: 'stopped' });
      expect(provider.calls).toContain(`logout ${session.id}`);
      expect(leases.held.has(session.id)).toBe(false);
    });

    it('logs out a stopped but linked session too', async () => {
      const session = rows.add({ status: 'stopped' });
      provider.linked.set(session.id, ACCOUNT.jid);
      expect((await lifecycle.logout(alice, session.id)).status).toBe('logged_out');
      expect(provider.calls).toEqual([`logout ${session.id}`]);
    });

    it('refuses to log out a session that was never linked', async () => {
      const session = rows.add();
      await expect(lifecycle.logout(alice, session.id)).rejects.toThrow('not linked to WhatsApp (status: created)');
    });

    it('answers 503 for a session another process runs when that process does not answer', async () => {
      const session = rows.add({ status: 'connected', desiredState: 'running' });
      provider.linked.set(session.id, ACCOUNT.jid);
      leases.elsewhere.add(session.id);
      await expect(lifecycle.logout(alice, session.id)).rejects.toThrow(NodeUnavailableError);
      expect(requests.asked).toEqual([{ kind: 'session.logout', request: { sessionId: session.id } }]);
      expect(provider.calls).toEqual([]);
      expect(rows.rows.get(session.id)?.status).toBe('connected');
    });

    it('deletes a linked session after logging it out', async () => {
      const session = await connected();
      await lifecycle.delete(alice, session.id);
      expect(provider.calls).toContain(`logout ${session.id}`);
      expect(rows.rows.has(session.id)).toBe(false);
    });
  });

  describe('ownership', () => {
    it('at boot marks each linked session meant to run as reconnecting, logs it, and reconnects it paced', async () => {
      const sessions = [1, 2, 3, 4].map((n) =>
        rows.add({ status: 'connected', desiredState: 'running', jid: `1555000000${n}@s.whatsapp.net` }),
      );
      for (const session of sessions) provider.linked.set(session.id, session.jid as string);
      boot();
      await settle();
      expect(sessions.map((session) => rows.rows.get(session.id)?.status)).toEqual(Array(4).fill('reconnecting'));
      expect(logs).toEqual(sessions.map((session) => `Reconnecting session: ${session.id} (${session.jid})`));
      expect(statuses.map((change) => change.reason)).toEqual(Array(4).fill('server_restart'));
      expect(provider.calls.length).toBe(1);
      await settle(1_000);
      expect(provider.calls.length).toBe(3);
      await settle(500);
      expect(provider.calls.length).toBe(4);
      expect(provider.calls).not.toContain(expect.stringContaining('pairing'));
    });

    it('at boot leaves sessions another process owns and sessions meant to be stopped alone', async () => {
      const owned = rows.add({ status: 'connected', desiredState: 'running', jid: ACCOUNT.jid });
      const stopped = rows.add({ status: 'stopped', desiredState: 'stopped', jid: ACCOUNT.jid });
      provider.linked.set(owned.id, ACCOUNT.jid);
      provider.linked.set(stopped.id, ACCOUNT.jid);
      leases.elsewhere.add(owned.id);
      boot();
      await settle(5_000);
      expect(provider.calls).toEqual([]);
      expect(statuses).toEqual([]);
    });

    it('stops a session whose pairing was cut short by the end of its process', async () => {
      const session = rows.add({ status: 'qr', desiredState: 'running' });
      boot();
      await settle();
      expect(rows.rows.get(session.id)).toMatchObject({ status: 'stopped', desiredState: 'stopped' });
      expect(statuses).toEqual([expect.objectContaining({ status: 'stopped', reason: 'pairing_interrupted' })]);
      expect(leases.held.has(session.id)).toBe(false);
    });

    it('takes over a session whose owner died, as a later scan finds it', async () => {
      const session = rows.add({ status: 'connected', desiredState: 'running', jid: ACCOUNT.jid });
      provider.linked.set(session.id, ACCOUNT.jid);
      leases.elsewhere.add(session.id);
      boot();
      await settle();
      leases.elsewhere.delete(session.id);
      await settle(5_000);
      expect(statuses).toEqual([expect.objectContaining({ status: 'reconnecting', reason: 'owner_lost' })]);
      expect(provider.count(`connect ${session.id}`)).toBe(1);
    });

    it('stops a local session that was stopped through another process', async () => {
      boot();
      const session = await connected();
      await rows.update(session.id, { desiredState: 'stopped' });
      await settle(5_000);
      expect(provider.calls).toContain(`disconnect ${session.id}`);
      expect(rows.rows.get(session.id)?.status).toBe('stopped');
      expect(leases.held.has(session.id)).toBe(false);
    });

    it('stops it at once when another node says on the cluster bus that the session changed', async () => {
      boot();
      const session = await connected();
      await settle();
      await rows.update(session.id, { desiredState: 'stopped' });
      bus.receive('session.changed', { sessionId: session.id });
      await settle();
      expect(provider.calls).toContain(`disconnect ${session.id}`);
      expect(rows.rows.get(session.id)?.status).toBe('stopped');
    });

    it('tells the owner on the cluster bus when a session it runs is stopped through this node', async () => {
      const session = rows.add({ status: 'connected', desiredState: 'running', jid: ACCOUNT.jid });
      leases.elsewhere.add(session.id);
      await lifecycle.stop(alice, session.id);
      expect(rows.rows.get(session.id)?.desiredState).toBe('stopped');
      expect(bus.published).toEqual([{ kind: 'session.changed', payload: { sessionId: session.id } }]);
    });

    it('lets go of every session at once when the lease connection is lost', async () => {
      boot();
      const session = await connected();
      leases.loseAll();
      await settle();
      expect(provider.calls).toContain(`disconnect ${session.id}`);
      expect(statuses.at(-1)).toMatchObject({ status: 'reconnecting', reason: 'lease_lost' });
      await settle(5_000);
      expect(provider.count(`connect ${session.id}`)).toBe(2);
    });

    it('fences its connection with the epoch of the lease it took', async () => {
      const session = await connected();
      expect(provider.leaseEpochs.get(session.id)).toBe(1);
      expect(leases.epochOf(session.id)).toBe(1);
    });

    it('writes nothing and lets the session go when another node took its lease unnoticed (440 is no "replaced")', async () => {
      boot();
      const session = await connected();
      leases.takenByAnotherNode(session.id);
      // The new owner logged in: it wrote its status, and WhatsApp told this node's connection it was replaced.
      await rows.update(session.id, { status: 'connected' });
      const told = statuses.length;
      provider.listener(session.id).onClose({ reason: 'replaced', code: 440, message: 'replaced' });
      await settle();
      expect(rows.rows.get(session.id)).toMatchObject({ status: 'connected', desiredState: 'running' });
      expect(statuses).toHaveLength(told);
      expect(provider.calls).toContain(`disconnect ${session.id}`);
      expect(leases.held.has(session.id)).toBe(false);
      // And it does not come back here: no reconnect, and the lease is the other node's.
      await settle(10_000);
      expect(provider.count(`connect ${session.id}`)).toBe(1);
    });

    it('still stops for good on a "replaced" that no node of its own caused', async () => {
      const session = await connected();
      provider.listener(session.id).onClose({ reason: 'replaced', code: 440, message: 'replaced' });
      await settle();
      expect(rows.rows.get(session.id)).toMatchObject({ status: 'replaced', desiredState: 'stopped' });
      expect(leases.held.has(session.id)).toBe(false);
    });

    it('lets a session go when a QR or push name write finds another node owns it', async () => {
      const session = rows.add();
      await lifecycle.start(alice, session.id);
      provider.listener(session.id).onQr('qr-1', new Date(Date.now() + 60_000));
      await settle();
      leases.takenByAnotherNode(session.id);
      provider.listener(session.id).onQr('qr-2', new Date(Date.now() + 60_000));
      await settle();
      expect(rows.rows.get(session.id)?.qr).toBe('qr-1');
      expect(provider.calls).toContain(`disconnect ${session.id}`);
    });

    it('on shutdown with other nodes alive leaves the cluster, releases its sessions and waits until they run elsewhere', async () => {
      const session = await connected();
      membership.others = [{ id: 'other', sessions: 0 }];
      let stopped = false;
      const stopping = lifecycle.onModuleDestroy().then(() => (stopped = true));
      await settle();
      expect(membership.left).toBe(true);
      expect(leases.held.has(session.id)).toBe(false);
      expect(bus.published).toEqual([
        { kind: 'session.handoff', payload: { sessionId: session.id, to: 'other' } },
        { kind: 'session.changed', payload: { sessionId: session.id } },
      ]);
      await settle(1_000);
      expect(stopped).toBe(false);
      // The other node has it connected.
      await rows.update(session.id, { status: 'connected' });
      await settle(500);
      expect(stopped).toBe(true);
      await stopping;
    });

    it('on shutdown stops waiting for the other nodes after SHUTDOWN_HANDOFF_SECONDS', async () => {
      await connected();
      membership.others = [{ id: 'other', sessions: 0 }];
      let stopped = false;
      const stopping = lifecycle.onModuleDestroy().then(() => (stopped = true));
      await settle(19_000);
      expect(stopped).toBe(false);
      await settle(1_500);
      expect(stopped).toBe(true);
      await stopping;
    });

    it('on shutdown closes every connection without logging out and marks them reconnecting', async () => {
      const session = await connected();
      await lifecycle.onModuleDestroy();
      expect(provider.calls).toContain('disconnect all');
      expect(provider.calls).not.toContain(`logout ${session.id}`);
      expect(rows.markedReconnecting).toEqual([session.id]);
    });
  });
});
