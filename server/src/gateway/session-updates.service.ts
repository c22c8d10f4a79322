// What both realtime transports share: who the client is, which session it may follow, and that session's updates.
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AuthUser, Identified } from '../auth/auth-user';
import { missingScope } from '../auth/api-key-scopes';
import { AuthService } from '../auth/auth.service';
import { ClusterBus } from '../cluster/cluster-bus';
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

/** Whether a caller may receive `session.event`s: they carry message content, so an API key needs messages:read. */
export function receivesEvents(user: AuthUser): boolean {
  return !missingScope(user.apiKey, 'messages:read');
}

export function mayReceive(user: AuthUser, update: SessionUpdate): boolean {
  return update.event !== 'session.event' || receivesEvents(user);
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
 * Which updates a transport hears: those of this node only (Socket.IO, whose Postgres adapter carries what a node
 * emits to the clients of every other node), or those of the whole cluster (the plain WebSocket, which has no adapter
 * and hears the other nodes' updates on the cluster bus).
 */
export type UpdateScope = 'this-node' | 'cluster';

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
  ) {}

  /** Every update made on this node goes to the other nodes, for their WebSocket clients. */
  onModuleInit(): void {
    this.stopRelaying = this.listen((update) => void this.bus.publish('session.update', update), 'this-node');
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
      const qr = await this.lifecycle.qrOf(sessionId);
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
      this.events.on('session.status', ({ sessionId, status, reason, at }) =>
        listener({ event: 'session.status', data: { sessionId, status, reason, at } }),
      ),
      this.events.on('session.qr', ({ sessionId, qr, expiresAt }) =>
        listener({ event: 'session.qr', data: { sessionId, qr, expiresAt } }),
      ),
      this.published.on('event.published', (event) => listener({ event: 'session.event', data: event })),
      ...(scope === 'cluster' ? [this.bus.on('session.update', listener)] : []),
    ];
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }
}
