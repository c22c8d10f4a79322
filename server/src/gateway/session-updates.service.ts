// What both realtime transports share: who the client is, which session it may follow, and that session's updates.
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AuthUser, Identified } from '../auth/auth-user';
import { AuthService } from '../auth/auth.service';
import { ClusterBus } from '../cluster/cluster-bus';
import { DomainError } from '../core/errors/domain-errors';
import { SessionLifecycleService } from '../sessions/session-lifecycle.service';
import { SessionsService } from '../sessions/sessions.service';
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

export type SessionUpdate =
  { event: 'session.status'; data: SessionStatusEvent } | { event: 'session.qr'; data: SessionQrEvent };

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
   * Every status and QR change of every session made on this node, or in the whole cluster, as clients receive
   * them; returns the unsubscribe function.
   */
  listen(listener: (update: SessionUpdate) => void, scope: UpdateScope): () => void {
    const unsubscribes = [
      this.events.on('session.status', ({ sessionId, status, reason, at }) =>
        listener({ event: 'session.status', data: { sessionId, status, reason, at } }),
      ),
      this.events.on('session.qr', ({ sessionId, qr, expiresAt }) =>
        listener({ event: 'session.qr', data: { sessionId, qr, expiresAt } }),
      ),
      ...(scope === 'cluster' ? [this.bus.on('session.update', listener)] : []),
    ];
    return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
  }
}
