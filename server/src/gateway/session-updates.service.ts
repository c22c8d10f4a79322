// What both realtime transports share: who the client is, which session it may follow, and that session's updates.
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AuthUser, Identified } from '../auth/auth-user';
import { ApiKeyScope, missingScope } from '../auth/api-key-scopes';
import { AuthService } from '../auth/auth.service';
import { ClusterBus } from '../cluster/cluster-bus';
import { ClusterMembership } from '../cluster/cluster-membership';
import { DomainError } from '../core/errors/domain-errors';
import { SessionLifecycleService } from '../sessions/session-lifecycle.service';
import { SessionsService } from '../sessions/sessions.service';
import type { WebhookEnvelope } from '../webhooks/envelope';
import { PublishedEvents } from '../webhooks/published-events';
import { WhatsAppEvents } from '../whatsapp/events';
import type { SessionStatus } from '../sessions/session-status';

/** `session.status` as clients receive it. */
export interface SessionStatusEvent {
  sessionId: string;
  status: SessionStatus;
  reason: string | null;
  at: string;
}

/** `session.qr` as clients receive it. */
export interface SessionQrEvent {
  sessionId: string;
  qr: string;
  expiresAt: string;
}

/**
 * A session's updates as clients receive them. `session.event` is every event WAGO publishes for the session, exactly
 * its webhook envelope (message content included: only callers who may read messages receive it).
 */
export type SessionUpdate =
  | { event: 'session.status'; data: SessionStatusEvent }
  | { event: 'session.qr'; data: SessionQrEvent }
  | { event: 'session.event'; data: WebhookEnvelope };

/**
 * The API-key scope each update needs beyond following the session (sessions:read): a QR links a phone to the session,
 * as `GET /sessions/{id}/qr` does (sessions:write); an event carries message content (messages:read).
 */
const SCOPE_OF_UPDATE: Record<SessionUpdate['event'], ApiKeyScope | null> = {
  'session.status': null,
  'session.qr': 'sessions:write',
  'session.event': 'messages:read',
};

export const SESSION_UPDATE_EVENTS = Object.keys(SCOPE_OF_UPDATE) as SessionUpdate['event'][];

/** Whether a caller may receive this kind of update (people always; API keys by their scopes). */
export function mayReceive(user: AuthUser, event: SessionUpdate['event']): boolean {
  const scope = SCOPE_OF_UPDATE[event];
  return scope === null || !missingScope(user.apiKey, scope);
}

/** Statuses a disconnect leads to: for these, the last disconnect's reason says why the session is in it. */
const DISCONNECTED: ReadonlySet<SessionStatus> = new Set([
  'reconnecting',
  'qr_timeout',
  'logged_out',
  'banned',
  'replaced',
  'failed',
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which updates a transport hears. Socket.IO's Postgres adapter carries the statuses and QRs a node emits to the
 * clients of every other node, so it hears this node's own, plus the other nodes' events from the cluster bus (events
 * are many: each node emits them to its own clients only, without the adapter). The plain WebSocket has no adapter
 * and hears every update of the whole cluster.
 */
export type UpdateScope = 'socket.io' | 'cluster';

@Injectable()
export class SessionUpdates implements OnModuleInit, OnModuleDestroy {
  private stopRelaying: (() => void) | undefined;

  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly lifecycle: SessionLifecycleService,
    private readonly events: WhatsAppEvents,
    private readonly published: PublishedEvents,
    private readonly bus: ClusterBus,
    private readonly membership: ClusterMembership,
  ) {}

  /**
   * Every update made on this node goes to the other nodes, for their realtime clients; events (one or more per
   * message) only when there are other nodes, so a single node pays nothing for its live tail.
   */
  onModuleInit(): void {
    this.stopRelaying = this.listenHere((update) => {
      if (update.event !== 'session.event' || this.membership.hasPeers())
        void this.bus.publish('session.update', update);
    });
  }

  onModuleDestroy(): void {
    this.stopRelaying?.();
  }

  /**
   * The caller behind a handshake token (JWT or API key) and what the token is, or undefined when it is missing or
   * invalid.
   */
  async authenticate(token: unknown): Promise<Identified | undefined> {
    if (typeof token !== 'string' || token.length === 0) return undefined;
    try {
      return await this.auth.identify(token);
    } catch (error) {
      if (error instanceof DomainError) return undefined;
      throw error;
    }
  }

  /**
   * The updates that describe the session now (its status, and its QR while it shows one), or undefined when the
   * user may not see it: unknown and foreign sessions look the same.
   */
  async snapshot(user: AuthUser, sessionId: unknown): Promise<SessionUpdate[] | undefined> {
    if (typeof sessionId !== 'string' || !UUID.test(sessionId)) return undefined;
    try {
      const session = await this.sessions.get(user, sessionId);
      const updates: SessionUpdate[] = [
        {
          event: 'session.status',
          data: {
            sessionId,
            status: session.status,
            reason: DISCONNECTED.has(session.status) ? (session.lastDisconnect?.reason ?? null) : null,
            at: session.updatedAt.toISOString(),
          },
        },
      ];
      const qr = mayReceive(user, 'session.qr') ? await this.lifecycle.qrOf(sessionId) : null;
      if (qr) {
        updates.push({
          event: 'session.qr',
          data: { sessionId, qr: qr.qr, expiresAt: qr.expiresAt.toISOString() },
        });
      }
      return updates;
    } catch (error) {
      if (error instanceof DomainError) return undefined;
      throw error;
    }
  }

  /**
   * Every status and QR change and every published event of every session made on this node, or in the whole
   * cluster, as clients receive them; returns the unsubscribe function.
   */
  listen(listener: (update: SessionUpdate) => void, scope: UpdateScope): () => void {
    const unsubscribes = [
      this.listenHere(listener),
      this.bus.on('session.update', (update) => {
        if (scope === 'cluster' || update.event === 'session.event') listener(update);
      }),
    ];
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }

  /** The updates made on this node. */
  private listenHere(listener: (update: SessionUpdate) => void): () => void {
    const unsubscribes = [
      this.events.on('session.status', ({ sessionId, status, reason, at }) =>
        listener({ event: 'session.status', data: { sessionId, status, reason, at } }),
      ),
      this.events.on('session.qr', ({ sessionId, qr, expiresAt }) =>
        listener({ event: 'session.qr', data: { sessionId, qr, expiresAt } }),
      ),
      this.published.on('event.published', (event) => listener({ event: 'session.event', data: event })),
    ];
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }
}
