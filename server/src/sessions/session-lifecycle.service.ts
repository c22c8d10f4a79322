// The rules of a session's life on WhatsApp: start, QR and pairing code, disconnect policy, reconnects, ownership.
import { Injectable, Logger, OnModuleInit, OnModuleDestroy } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuthUser } from '../auth/auth-user';
import { ClusterBus } from '../cluster/cluster-bus';
import { ClusterMembership } from '../cluster/cluster-membership';
import { ClusterRequests } from '../cluster/cluster-requests';
import { NodeIdentity } from '../cluster/node-identity';
import { AppConfig } from '../core/config/app-config';
import { ConflictError } from '../core/errors/domain-errors';
import { Clock, Timer } from '../core/runtime/clock';
import { KeyedSerialQueue } from '../core/runtime/keyed-serial-queue';
import { WhatsAppEvents } from '../whatsapp/events';
import { WhatsAppUnavailableError } from '../whatsapp/whatsapp.errors';
import { Disconnect, WhatsAppAccount, WhatsAppProvider } from '../whatsapp/whatsapp.provider';
import { Pacer, reconnectDelay } from './reconnect-pacing';
import { SessionLeaseRepository } from './session-lease.repository';
import { SessionEntity } from './session.entity';
import type { SessionStatus } from './session-status';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

export interface SessionQr {
  qr: string;
  expiresAt: Date;
}

/** A session this process owns (holds the lease of) and keeps connected. */
interface Runtime {
  sessionId: string;
  ownerId: string;
  status: SessionStatus;
  /** The epoch of this process's lease on the session when the runtime began: its writes are fenced with it. */
  leaseEpoch: number;
  /** The connection this runtime opened last: events of any other (an earlier one) are recognised and ignored. */
  connectionId: number;
  qr: SessionQr | null;
  /** A pairing code was requested: QRs keep coming but the session stays `pairing_code`. */
  pairing: boolean;
  connected: boolean;
  /** Failed reconnects since the last successful connect, for the backoff. */
  attempt: number;
  retry: Timer | undefined;
}

/** Statuses of a session that is (or is trying to be) connected. */
const LIVE_STATUSES: ReadonlySet<SessionStatus> = new Set([
  'starting',
  'qr',
  'pairing_code',
  'connected',
  'reconnecting',
]);

/** How long the node that runs a session may take to answer for a pairing code (WhatsApp's own answer included). */
const ASK_PAIRING_CODE_MS = 30_000;
/** How long the node that runs a session may take to log it out. */
const ASK_LOGOUT_MS = 20_000;

/** A session handed to another node is left to it this long; then any node may take it (the taker may have died). */
const HANDOFF_RESERVATION_MS = 15_000;
/** While stopping, how often this node looks whether the others took its sessions over. */
const HANDOFF_CHECK_MS = 250;

/** The lease epoch of a runtime whose lease was never held: no write of it passes the fence. */
const NOT_OWNED = -1;

/** Statuses in which a running session can still be linked by pairing code. */
const PAIRING_STATUSES: ReadonlySet<SessionStatus> = new Set(['starting', 'qr', 'pairing_code']);

/** Disconnects after which reconnecting would be wrong, and the status each leaves. */
const FINAL_DISCONNECTS: Partial<Record<Disconnect['reason'], SessionStatus>> = {
  qr_timeout: 'qr_timeout',
  logged_out: 'logged_out',
  banned: 'banned',
  replaced: 'replaced',
  multidevice_mismatch: 'failed',
};

/** WhatsApp no longer accepts these credentials: keeping them would only fail again. */
const WIPE_ON: ReadonlySet<Disconnect['reason']> = new Set(['logged_out', 'banned']);

@Injectable()
export class SessionLifecycleService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Sessions');
  private readonly runtimes = new Map<string, Runtime>();
  /** Per-session queue: operations and connection callbacks of one session never interleave. */
  private readonly operations = new KeyedSerialQueue();
  private readonly pacer: Pacer;
  private shuttingDown = false;
  private readonly unsubscribes: (() => void)[] = [];
  /** Sessions being handed to another node, by id: the node they go to, and until when they are left to it. */
  private readonly handedOff = new Map<string, { to: string; until: number }>();
  /** Connection ids are never reused in this process, so no runtime takes another's events for its own. */
  private lastConnectionId = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly repository: SessionsRepository,
    private readonly leases: SessionLeaseRepository,
    private readonly provider: WhatsAppProvider,
    private readonly events: WhatsAppEvents,
    private readonly bus: ClusterBus,
    private readonly requests: ClusterRequests,
    private readonly membership: ClusterMembership,
    private readonly node: NodeIdentity,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {
    this.pacer = new Pacer(config.whatsapp.reconnectRatePerSecond, clock);
  }

  /** Before anything connects: the ownership scan's first takeovers start at bootstrap. */
  onModuleInit(): void {
    this.answerOtherNodes();
    this.unsubscribes.push(
      this.bus.on('session.handoff', ({ sessionId, to }) => this.reserve(sessionId, to)),
      this.leases.onLost(() => this.onLeasesLost()),
      this.events.on('connection.qr', (event) =>
        this.onConnection(event, 'a new QR', (runtime) => this.onQr(runtime, event.qr, event.expiresAt)),
      ),
      this.events.on('connection.opened', (event) =>
        this.onConnection(event, 'a login', (runtime) => this.onOpen(runtime, event.account)),
      ),
      this.events.on('connection.renamed', (event) =>
        this.onConnection(event, 'a push name', async (runtime) => {
          await this.writeAsOwner(runtime, { pushName: event.pushName });
        }),
      ),
      this.events.on('connection.closed', (event) =>
        this.onConnection(event, 'a disconnect', (runtime) => this.onClose(runtime, event.disconnect)),
      ),
    );
  }

  /**
   * Closes every connection without logging anyone out; the sessions stay meant to run and come back. In a cluster
   * they are handed to the other nodes at once (SIGTERM handoff): this node leaves the cluster first, so nobody hands
   * it anything more, releases each session as soon as its connection is closed, and waits (SHUTDOWN_HANDOFF_SECONDS
   * at most) until the others have them connected.
   */
  async onModuleDestroy(): Promise<void> {
    this.shuttingDown = true;
    this.unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
    this.pacer.cancel();
    await this.membership.leave();
    // What is under way (an ownership scan's takeovers and stops among it) ends before the connections close.
    await this.operations.idle();
    for (const runtime of this.runtimes.values()) runtime.retry?.cancel();
    const owned = [...this.runtimes.values()].map(({ sessionId, leaseEpoch }) => ({ id: sessionId, leaseEpoch }));
    const ids = owned.map(({ id }) => id);
    this.runtimes.clear();
    await this.provider.disconnectAll();
    await this.repository.markReconnecting(owned).catch((error: unknown) => {
      this.logger.error({ err: error }, 'Marking sessions as reconnecting on shutdown failed');
    });
    await this.handToOtherNodes(ids);
  }

  private async handToOtherNodes(ids: string[]): Promise<void> {
    const others = await this.otherNodes();
    if (ids.length === 0 || others.length === 0) return;
    // Spread over the others, least loaded first; each taker is told before the lease is free.
    for (const [index, sessionId] of ids.entries()) {
      await this.bus.publish('session.handoff', { sessionId, to: others[index % others.length].id });
      await this.releaseLease(sessionId);
      await this.bus.publish('session.changed', { sessionId });
    }
    const deadline = this.clock.now().getTime() + this.config.whatsapp.shutdownHandoffMs;
    while (this.clock.now().getTime() < deadline) {
      const taken = await this.repository.countConnected(ids).catch(() => 0);
      if (taken === ids.length) {
        this.logger.log(`Handed ${ids.length} session(s) to the other nodes`);
        return;
      }
      await this.clock.sleep(HANDOFF_CHECK_MS);
    }
    this.logger.warn('Stopping before the other nodes had every session connected; they go on taking them over');
  }

  /** The other nodes alive, least loaded first. */
  private async otherNodes(): Promise<{ id: string; sessions: number }[]> {
    const nodes = await this.membership.list().catch(() => []);
    return nodes.filter((node) => node.id !== this.node.id).sort((a, b) => a.sessions - b.sessions);
  }

  /**
   * Gives a connected session to another node (rebalancing): closes its connection cleanly, releases the lease and
   * tells the taker, which logs in from the stored credentials (`reconnecting` → `connected`, no QR).
   */
  async handOff(sessionId: string, to: string): Promise<void> {
    await this.exclusive(sessionId, async () => {
      const runtime = this.runtimes.get(sessionId);
      if (this.shuttingDown || runtime?.status !== 'connected') return;
      this.reserve(sessionId, to);
      await this.bus.publish('session.handoff', { sessionId, to });
      this.forget(runtime);
      await this.provider.disconnect(sessionId);
      await this.setStatus(runtime, 'reconnecting', 'handoff');
      await this.releaseLease(sessionId);
      this.logger.log(`Session ${sessionId} handed off to node ${to}`);
      await this.bus.publish('session.changed', { sessionId });
    });
  }

  /** The sessions this node may give away now: connected ones (a pairing is never moved). */
  movableSessionIds(): string[] {
    return [...this.runtimes.values()]
      .filter((runtime) => runtime.status === 'connected')
      .map((runtime) => runtime.sessionId);
  }

  /** A session is on its way to node `to`: no other node takes it for a while. */
  private reserve(sessionId: string, to: string): void {
    this.handedOff.set(sessionId, { to, until: this.clock.now().getTime() + HANDOFF_RESERVATION_MS });
  }

  /** Whether the session is on its way to another node than this one. */
  private goingElsewhere(sessionId: string): boolean {
    const handoff = this.handedOff.get(sessionId);
    if (!handoff) return false;
    if (handoff.until <= this.clock.now().getTime()) {
      this.handedOff.delete(sessionId);
      return false;
    }
    return handoff.to !== this.node.id;
  }

  /** Starts connecting (QR for a new session, login from stored credentials otherwise); idempotent. */
  async start(user: AuthUser, sessionId: string): Promise<SessionEntity> {
    const session = await this.sessions.get(user, sessionId);
    const started = await this.exclusive(sessionId, async () => {
      if (!this.runtimes.has(sessionId) && (await this.meantToRun(sessionId))) {
        await this.open(session, 'starting', null);
      }
      this.tellOwner(sessionId);
      return this.reload(sessionId);
    });
    await this.audit.record({ actor: user, action: 'session.started', targetType: 'session', targetId: sessionId });
    return started;
  }

  /** The QR to scan right now, whichever node of the cluster runs the session. */
  async currentQr(user: AuthUser, sessionId: string): Promise<SessionQr> {
    const session = await this.sessions.get(user, sessionId);
    const qr = await this.qrOf(sessionId);
    if (!qr) throw new ConflictError(`Session ${sessionId} has no QR code (status: ${session.status})`);
    return qr;
  }

  /**
   * The QR the session shows, if any (for the realtime gateway; no access check): from memory when this node runs
   * the session, else as the node that does wrote it.
   */
  async qrOf(sessionId: string): Promise<SessionQr | null> {
    const runtime = this.runtimes.get(sessionId);
    if (runtime) return runtime.status === 'qr' ? runtime.qr : null;
    return this.repository.findQr(sessionId);
  }

  /**
   * Links by code instead of QR: starts the session if needed and asks WhatsApp for the code to type. When another
   * node runs the session, that node asks (it holds the connection the code is for).
   */
  async requestPairingCode(user: AuthUser, sessionId: string, phoneNumber: string): Promise<string> {
    const session = await this.sessions.get(user, sessionId);
    const code = await this.exclusive(sessionId, async () => {
      const runtime = this.runtimes.get(sessionId);
      if (runtime) return this.pair(runtime, phoneNumber);
      if (await this.provider.linkedJid(sessionId)) {
        throw new ConflictError(`Session ${sessionId} is already linked to WhatsApp; log it out to link another phone`);
      }
      // Held elsewhere: asked of that node below, outside this session's queue.
      if (!(await this.meantToRun(sessionId))) return null;
      return this.pair(await this.open(session, 'starting', null), phoneNumber);
    });
    if (code !== null) return code;
    const answer = await this.requests.ask('session.pairing-code', { sessionId, phoneNumber }, ASK_PAIRING_CODE_MS);
    return answer.code;
  }

  /**
   * Marks the session meant to run, having taken its lease first: a session meant to run that nobody holds is any
   * node's to take over, and one never paired would be taken for an interrupted pairing and stopped. True when this
   * process holds the lease; false when another does (that one sees the session is meant to run).
   */
  private async meantToRun(sessionId: string): Promise<boolean> {
    const acquired = await this.leases.acquire(sessionId);
    try {
      await this.repository.update(sessionId, { desiredState: 'running' });
    } catch (error) {
      if (acquired) await this.releaseLease(sessionId);
      throw error;
    }
    return acquired;
  }

  private async pair(runtime: Runtime, phoneNumber: string): Promise<string> {
    if (!PAIRING_STATUSES.has(runtime.status)) {
      throw new ConflictError(`Session ${runtime.sessionId} cannot pair now (status: ${runtime.status})`);
    }
    runtime.pairing = true;
    let code: string;
    try {
      code = await this.provider.requestPairingCode(runtime.sessionId, phoneNumber);
    } catch (error) {
      runtime.pairing = false;
      throw new WhatsAppUnavailableError(`WhatsApp did not give a pairing code: ${(error as Error).message}`);
    }
    runtime.qr = null;
    await this.setStatus(runtime, 'pairing_code', null);
    return code;
  }

  /** Closes the connection and keeps the credentials; the session stays down until started again. */
  async stop(user: AuthUser, sessionId: string): Promise<SessionEntity> {
    const session = await this.sessions.get(user, sessionId);
    const stopped = await this.exclusive(sessionId, async () => {
      await this.repository.update(sessionId, { desiredState: 'stopped' });
      const runtime = this.runtimes.get(sessionId);
      if (runtime) {
        await this.halt(runtime);
        await this.record(session, 'stopped', null, { lastDisconnect: this.disconnect(null, 'stopped') });
      } else if (LIVE_STATUSES.has(session.status) && (await this.leases.acquire(sessionId))) {
        // Nobody runs it (its process died before a takeover): just correct the record.
        await this.leases.release(sessionId);
        await this.record(session, 'stopped', null, {});
      }
      this.tellOwner(sessionId);
      return this.reload(sessionId);
    });
    await this.audit.record({ actor: user, action: 'session.stopped', targetType: 'session', targetId: sessionId });
    return stopped;
  }

  /** Logs the device out at WhatsApp and wipes its credentials. */
  async logout(user: AuthUser, sessionId: string): Promise<SessionEntity> {
    const session = await this.sessions.get(user, sessionId);
    return this.exclusive(sessionId, async () => {
      if (!(await this.logOutDevice(sessionId))) {
        // Already logged out: nothing happened, so nothing is recorded.
        if (session.status === 'logged_out') return session;
        throw new ConflictError(`Session ${sessionId} is not linked to WhatsApp (status: ${session.status})`);
      }
      await this.record(session, 'logged_out', null, {
        desiredState: 'stopped',
        lastDisconnect: this.disconnect(null, 'logged_out'),
      });
      await this.audit.record({
        actor: user,
        action: 'session.logged_out',
        targetType: 'session',
        targetId: sessionId,
      });
      return this.reload(sessionId);
    });
  }

  /** Logs out if linked, then deletes the session and everything of it. */
  async delete(user: AuthUser, sessionId: string): Promise<void> {
    const { name } = await this.sessions.get(user, sessionId);
    await this.exclusive(sessionId, async () => {
      const session = await this.repository.findById(sessionId);
      if (session) await this.logOutDevice(sessionId);
      await this.sessions.delete(user, sessionId);
      this.tellOwner(sessionId);
    });
    await this.audit.record({
      actor: user,
      action: 'session.deleted',
      targetType: 'session',
      targetId: sessionId,
      summary: { name },
    });
  }

  /**
   * Before a user is deleted: logs out and deletes each of their sessions, so no phone keeps a linked device that
   * nobody can see. Best effort per session: one owned by another node is deleted anyway, and that node's owner scan
   * closes its connection.
   */
  async deleteAllOwnedBy(ownerId: string): Promise<void> {
    for (const sessionId of await this.repository.findIdsOwnedBy(ownerId)) {
      await this.exclusive(sessionId, async () => {
        const session = await this.repository.findById(sessionId);
        if (!session) return;
        await this.logOutDevice(sessionId).catch((error: unknown) =>
          this.logger.warn({ err: error, sessionId }, 'Could not log out the session of a deleted user'),
        );
        await this.repository.delete(sessionId);
        this.tellOwner(sessionId);
      });
    }
  }

  /**
   * Logs the device out wherever this process can: its own connection, or a brief one from stored credentials when
   * the session is not running anywhere. False when there was nothing to log out.
   */
  private async logOutDevice(sessionId: string): Promise<boolean> {
    const runtime = this.runtimes.get(sessionId);
    if (runtime) {
      this.forget(runtime);
    } else {
      if (!(await this.provider.linkedJid(sessionId))) return false;
      if (!(await this.leases.acquire(sessionId))) {
        // Another node runs it: that node logs it out on its connection.
        await this.requests.ask('session.logout', { sessionId }, ASK_LOGOUT_MS);
        return true;
      }
    }
    try {
      await this.provider.logout(sessionId);
    } finally {
      await this.releaseLease(sessionId);
    }
    return true;
  }

  /** What this node does when another asks, for a session it runs; null (another node answers) for the rest. */
  private answerOtherNodes(): void {
    this.requests.answer('session.pairing-code', ({ sessionId, phoneNumber }) =>
      this.runtimes.has(sessionId)
        ? this.exclusive(sessionId, async () => ({ code: await this.pair(this.runningHere(sessionId), phoneNumber) }))
        : null,
    );
    this.requests.answer('session.logout', ({ sessionId }) =>
      this.runtimes.has(sessionId)
        ? this.exclusive(sessionId, async () => {
            const runtime = this.runningHere(sessionId);
            await this.logOutDevice(sessionId);
            await this.record({ id: sessionId, ownerId: runtime.ownerId }, 'logged_out', null, {
              desiredState: 'stopped',
              lastDisconnect: this.disconnect(null, 'logged_out'),
            });
            return {};
          })
        : null,
    );
  }

  /** The session's runtime here, which a request found a moment ago (it may have stopped since). */
  private runningHere(sessionId: string): Runtime {
    const runtime = this.runtimes.get(sessionId);
    if (!runtime) throw new ConflictError(`Session ${sessionId} was stopped meanwhile`);
    return runtime;
  }

  /** Creates the runtime of a session this process just took the lease of, and connects it. */
  private async open(session: SessionEntity, status: SessionStatus, reason: string | null): Promise<Runtime> {
    const runtime = this.createRuntime(session);
    let written: boolean;
    try {
      written = await this.setStatus(runtime, status, reason);
    } catch (error) {
      this.forget(runtime);
      await this.releaseLease(session.id);
      throw error;
    }
    if (!written) throw new ConflictError(`Session ${session.id} was taken by another node or deleted meanwhile`);
    await this.connect(runtime);
    return runtime;
  }

  private createRuntime(session: SessionEntity): Runtime {
    const runtime: Runtime = {
      sessionId: session.id,
      ownerId: session.ownerId,
      status: session.status,
      leaseEpoch: this.leases.epochOf(session.id) ?? NOT_OWNED,
      connectionId: 0,
      qr: null,
      pairing: false,
      connected: false,
      attempt: 0,
      retry: undefined,
    };
    this.runtimes.set(session.id, runtime);
    return runtime;
  }

  private async connect(runtime: Runtime): Promise<void> {
    this.lastConnectionId += 1;
    runtime.connectionId = this.lastConnectionId;
    try {
      await this.provider.connect(runtime.sessionId, runtime.connectionId, runtime.leaseEpoch);
    } catch (error) {
      this.logger.error({ err: error, sessionId: runtime.sessionId }, 'Opening a WhatsApp connection failed');
      await this.onClose(runtime, { reason: 'connection_closed', code: null, message: String(error) });
    }
  }

  /** A connection's events, queued with the session's other operations and dropped once outdated. */
  private onConnection(
    event: { sessionId: string; connectionId: number },
    name: string,
    work: (runtime: Runtime) => Promise<void>,
  ): void {
    const { sessionId, connectionId } = event;
    this.exclusive(sessionId, async () => {
      const runtime = this.runtimes.get(sessionId);
      if (runtime?.connectionId !== connectionId) return;
      await work(runtime);
    }).catch((error: unknown) => {
      this.logger.error({ err: error, sessionId }, `Handling ${name} failed`);
    });
  }

  private async onQr(runtime: Runtime, qr: string, expiresAt: Date): Promise<void> {
    if (runtime.pairing) return;
    runtime.qr = { qr, expiresAt };
    // Written for the other nodes of a cluster, which serve it too.
    const written =
      runtime.status !== 'qr'
        ? await this.setStatus(runtime, 'qr', null, { qr, qrExpiresAt: expiresAt })
        : await this.writeAsOwner(runtime, { qr, qrExpiresAt: expiresAt });
    if (!written) return;
    void this.events.publish('session.qr', {
      sessionId: runtime.sessionId,
      ownerId: runtime.ownerId,
      qr,
      expiresAt: expiresAt.toISOString(),
    });
  }

  private async onOpen(runtime: Runtime, account: WhatsAppAccount): Promise<void> {
    Object.assign(runtime, { qr: null, pairing: false, connected: true, attempt: 0 });
    await this.setStatus(runtime, 'connected', null, {
      jid: account.jid,
      lid: account.lid,
      phoneNumber: account.phoneNumber,
      device: account.device,
      lastConnectedAt: this.clock.now(),
      // A login that does not carry the name yet must not erase the one we know.
      ...(account.pushName ? { pushName: account.pushName } : {}),
    });
  }

  /** The disconnect policy: stop for good where WhatsApp says so, otherwise reconnect with backoff. */
  private async onClose(runtime: Runtime, disconnect: Disconnect): Promise<void> {
    Object.assign(runtime, { qr: null, pairing: false, connected: false });
    const lastDisconnect = this.disconnect(disconnect.code, disconnect.reason);
    const finalStatus = FINAL_DISCONNECTS[disconnect.reason];
    this.logger.warn(
      { sessionId: runtime.sessionId, code: disconnect.code, reason: disconnect.reason },
      `Session ${runtime.sessionId} disconnected: ${disconnect.reason}${finalStatus ? '' : ', reconnecting'}`,
    );
    if (!finalStatus) {
      // Scheduled first: when the database is what failed, the status write below fails too, and the session must
      // still come back once it recovers.
      this.scheduleReconnect(runtime);
      await this.setStatus(runtime, 'reconnecting', disconnect.reason, { lastDisconnect });
      return;
    }
    this.forget(runtime);
    if (WIPE_ON.has(disconnect.reason)) await this.provider.wipeCredentials(runtime.sessionId);
    // Written before the lease goes, so no other node takes the session in between. When another node of ours took
    // it (this one lost its lease without noticing yet), that login is what WhatsApp calls `replaced`: the write is
    // fenced off, and the session stays with the new owner.
    await this.setStatus(runtime, finalStatus, disconnect.reason, { desiredState: 'stopped', lastDisconnect });
    await this.releaseLease(runtime.sessionId);
  }

  private scheduleReconnect(runtime: Runtime): void {
    const { reconnectMinDelayMs, reconnectMaxDelayMs } = this.config.whatsapp;
    const delay = reconnectDelay(runtime.attempt, reconnectMinDelayMs, reconnectMaxDelayMs);
    runtime.attempt += 1;
    runtime.retry?.cancel();
    runtime.retry = this.clock.setTimeout(() => {
      runtime.retry = undefined;
      this.reconnectPaced(runtime);
    }, delay);
  }

  private reconnectPaced(runtime: Runtime): void {
    const { sessionId } = runtime;
    this.pacer
      .run(() =>
        this.exclusive(sessionId, async () => {
          if (this.shuttingDown || this.runtimes.get(sessionId) !== runtime || runtime.connected) return;
          await this.connect(runtime);
        }),
      )
      .catch((error: unknown) => this.logger.error({ err: error, sessionId }, 'Reconnecting failed'));
  }

  /** Closes this process's connection of a session and gives up its ownership, credentials kept. */
  private async halt(runtime: Runtime): Promise<void> {
    this.forget(runtime);
    await this.provider.disconnect(runtime.sessionId);
    await this.releaseLease(runtime.sessionId);
  }

  /** Drops the runtime: pending callbacks and reconnects of it become no-ops. */
  private forget(runtime: Runtime): void {
    runtime.retry?.cancel();
    runtime.retry = undefined;
    if (this.runtimes.get(runtime.sessionId) === runtime) this.runtimes.delete(runtime.sessionId);
  }

  private async releaseLease(sessionId: string): Promise<void> {
    await this.leases.release(sessionId).catch((error: unknown) => {
      this.logger.error({ err: error, sessionId }, 'Releasing a session lease failed');
    });
  }

  /** The sessions this process owns now. */
  localSessionIds(): string[] {
    return [...this.runtimes.keys()];
  }

  /**
   * Brings this process in line with the database (`rows`: the run candidates read for `localIds`): takes over
   * sessions meant to run that nobody owns, saying why with `takeoverReason`, and stops or forgets local ones stopped
   * or deleted through another node.
   */
  async reconcile(
    localIds: string[],
    rows: SessionEntity[],
    takeoverReason: 'server_restart' | 'owner_lost',
  ): Promise<void> {
    if (this.shuttingDown) return;
    const found = new Set(rows.map((row) => row.id));
    const work: Promise<void>[] = [];
    for (const sessionId of localIds) {
      const runtime = this.runtimes.get(sessionId);
      if (runtime && !found.has(sessionId)) work.push(this.exclusive(sessionId, () => this.halt(runtime)));
    }
    const unowned: string[] = [];
    for (const row of rows) {
      const runtime = this.runtimes.get(row.id);
      if (runtime && row.desiredState === 'stopped') {
        work.push(
          this.exclusive(row.id, async () => {
            await this.halt(runtime);
            await this.record(row, 'stopped', null, {});
          }),
        );
      } else if (!runtime && row.desiredState === 'running' && !this.goingElsewhere(row.id)) {
        unowned.push(row.id);
      }
    }
    // Every lease nobody holds, in one go; most of the candidates are other nodes' sessions.
    const taken = unowned.length > 0 && !this.shuttingDown ? await this.leases.acquireMany(unowned) : [];
    for (const sessionId of taken) work.push(this.exclusive(sessionId, () => this.claim(sessionId, takeoverReason)));
    const failures = (await Promise.allSettled(work)).filter((result) => result.status === 'rejected');
    for (const failure of failures) this.logger.error({ err: failure.reason }, 'Applying a session change failed');
  }

  /** Takes over a session meant to run that no process owns, and reconnects it from its stored credentials. */
  private async claim(sessionId: string, reason: 'server_restart' | 'owner_lost'): Promise<void> {
    if (this.runtimes.has(sessionId)) return;
    if (this.shuttingDown || this.goingElsewhere(sessionId)) {
      // Taken by the scan a moment ago, and not to be run here after all.
      await this.releaseLease(sessionId);
      return;
    }
    if (!(await this.leases.acquire(sessionId))) return;
    const handedHere = this.handedOff.delete(sessionId);
    // Read again under the lease: it may have been stopped or deleted in the meantime.
    const session = await this.repository.findById(sessionId);
    const linkedJid = session?.desiredState === 'running' ? await this.provider.linkedJid(sessionId) : null;
    if (!session || session.desiredState !== 'running') {
      await this.releaseLease(sessionId);
      return;
    }
    if (!linkedJid) {
      // A pairing cut short by the end of its process: nobody is looking at that QR any more.
      await this.releaseLease(sessionId);
      await this.record(session, 'stopped', 'pairing_interrupted', { desiredState: 'stopped' });
      return;
    }
    this.logger.log(`Reconnecting session: ${sessionId} (${session.jid ?? linkedJid})`);
    const runtime = this.createRuntime(session);
    if (await this.setStatus(runtime, 'reconnecting', handedHere ? 'handoff' : reason)) this.reconnectPaced(runtime);
  }

  /** The lease connection died: another process may own these sessions now, so this one lets go at once. */
  private onLeasesLost(): void {
    for (const runtime of [...this.runtimes.values()]) {
      this.forget(runtime);
      this.exclusive(runtime.sessionId, async () => {
        await this.provider.disconnect(runtime.sessionId);
        await this.setStatus(runtime, 'reconnecting', 'lease_lost');
      }).catch((error: unknown) => {
        this.logger.error({ err: error, sessionId: runtime.sessionId }, 'Letting go of a session failed');
      });
    }
  }

  /** The owner's status write (fenced by its lease epoch); false when another node owns the session now. */
  private async setStatus(
    runtime: Runtime,
    status: SessionStatus,
    reason: string | null,
    changes: Partial<SessionEntity> = {},
  ): Promise<boolean> {
    runtime.status = status;
    return this.record({ id: runtime.sessionId, ownerId: runtime.ownerId }, status, reason, changes, runtime);
  }

  /**
   * Writes a status (with any other changes) and tells the event bus. With `owner`, only while its lease epoch is
   * still the session's: false (nothing written, nothing told) when another node took the session.
   */
  private async record(
    session: Pick<SessionEntity, 'id' | 'ownerId'>,
    status: SessionStatus,
    reason: string | null,
    changes: Partial<SessionEntity>,
    owner?: Runtime,
  ): Promise<boolean> {
    // A QR is only ever shown in the `qr` status.
    const qr = status === 'qr' ? {} : { qr: null, qrExpiresAt: null };
    const update = { ...changes, ...qr, status };
    if (!owner) await this.repository.update(session.id, update);
    else if (!(await this.writeAsOwner(owner, update))) return false;
    void this.events.publish('session.status', {
      sessionId: session.id,
      ownerId: session.ownerId,
      status,
      reason,
      at: this.clock.now().toISOString(),
    });
    return true;
  }

  /** A write of the session's owner, fenced by its lease epoch; when refused, this process lets the session go. */
  private async writeAsOwner(runtime: Runtime, changes: Partial<SessionEntity>): Promise<boolean> {
    if (await this.repository.updateAsOwner(runtime.sessionId, runtime.leaseEpoch, changes)) return true;
    await this.letGo(runtime);
    return false;
  }

  /**
   * Another node took the session (this one lost its lease without noticing in time), or it was deleted: the
   * connection here closes, and nothing of it is written.
   */
  private async letGo(runtime: Runtime): Promise<void> {
    this.forget(runtime);
    // A newer runtime of the session here (this node took it again since) keeps its connection and lease.
    if (this.runtimes.has(runtime.sessionId) || this.leases.epochOf(runtime.sessionId) !== runtime.leaseEpoch) return;
    this.logger.warn(`Session ${runtime.sessionId} is owned by another node now; closing its connection here`);
    await this.provider.disconnect(runtime.sessionId);
    // Not waited for: the lease connection may be the one that went silent (its heartbeat then declares it lost).
    void this.releaseLease(runtime.sessionId);
  }

  private disconnect(code: number | null, reason: string): SessionEntity['lastDisconnect'] {
    return { code, reason, at: this.clock.now().toISOString() };
  }

  private async reload(sessionId: string): Promise<SessionEntity> {
    const session = await this.repository.findById(sessionId);
    if (!session) throw new ConflictError(`Session ${sessionId} was deleted meanwhile`);
    return session;
  }

  /** The session changed here but runs on another node (or nowhere): that node's scan looks at it now. */
  private tellOwner(sessionId: string): void {
    if (!this.runtimes.has(sessionId)) void this.bus.publish('session.changed', { sessionId });
  }

  private exclusive<T>(sessionId: string, work: () => Promise<T>): Promise<T> {
    return this.operations.run(sessionId, work);
  }
}
