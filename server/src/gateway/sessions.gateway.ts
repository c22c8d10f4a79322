// Socket.IO at /socket.io: authenticate at the handshake, `subscribe` to sessions, receive their status, QR and events.
import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import type { AuthUser, Identified } from '../auth/auth-user';
import { RealtimeConnectionLimit } from './realtime-connection-limit';
import { missingScope } from '../auth/api-key-scopes';
import { RealtimeConnections } from './realtime-connections.service';
import { mayReceive, SESSION_UPDATE_EVENTS, SessionUpdate, SessionUpdates } from './session-updates.service';

export type SubscribeAck = { ok: true } | { ok: false; error: string };

/** Each kind of update has its room per session, so a client joins only those its scopes let it receive. */
const room = (event: SessionUpdate['event'], sessionId: string): string => `${event}:${sessionId}`;

/**
 * Clients send `auth: {token}` (or `?token=`); a bad token fails the connect with `unauthorized`, a user holding all
 * their realtime connections (both transports together) with `too_many_connections`. They `subscribe`
 * with `{sessionId}` and get `session.status` / `session.qr` for it: the current state at once, then every change;
 * QR only for callers who may link a phone (API keys: sessions:write), and every `session.event` from then on for
 * those who may read its messages (messages:read).
 */
@WebSocketGateway({ path: '/socket.io', destroyUpgrade: false })
export class SessionsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(SessionsGateway.name);
  private stopListening: (() => void) | undefined;

  constructor(
    private readonly updates: SessionUpdates,
    private readonly limit: RealtimeConnectionLimit,
    private readonly connections: RealtimeConnections,
  ) {}

  afterInit(server: Server): void {
    server.use((socket, next) => {
      const { auth, query } = socket.handshake;
      const token: unknown = (auth as { token?: unknown }).token ?? query.token;
      this.updates.authenticate(token).then(
        (identified) => {
          if (!identified) return next(new Error('unauthorized'));
          // The client may have gone while the token was checked: its transport's 'close' is past, a slot taken
          // now would never be given back.
          if (socket.conn.readyState !== 'open') return next(new Error('disconnected'));
          const release = this.limit.tryOpen(identified.user.id);
          if (!release) return next(new Error('too_many_connections'));
          // A client that leaves before the connect completes never gets 'disconnect', only its transport's 'close'.
          socket.once('disconnect', release);
          socket.conn.once('close', release);
          (socket.data as { identified?: Identified }).identified = identified;
          next();
        },
        (error: unknown) => {
          this.logger.error({ err: error }, 'Authenticating a Socket.IO client failed');
          next(new Error('unauthorized'));
        },
      );
    });
    // Statuses and QRs: this node's, which the Postgres adapter carries to the other nodes' clients. Events: each
    // node's own clients only, from wherever they were made (SessionUpdates hears the other nodes' on the bus).
    this.stopListening = this.updates.listen(({ event, data }) => {
      const emitter = event === 'session.event' ? server.local : server;
      emitter.to(room(event, data.sessionId)).emit(event, data);
    }, 'socket.io');
  }

  handleConnection(socket: Socket): void {
    const { user, source } = (socket.data as { identified: Identified }).identified;
    const unregister = this.connections.register({ source, end: () => socket.disconnect(true) });
    socket.on('disconnect', unregister);
    socket.on('subscribe', (request: unknown, ack: unknown) => {
      const answer = typeof ack === 'function' ? (ack as (answer: SubscribeAck) => void) : () => undefined;
      this.subscribe(socket, user, request, answer).catch((error: unknown) => {
        this.logger.error({ err: error }, 'Subscribing a Socket.IO client failed');
        answer({ ok: false, error: 'Subscription failed' });
      });
    });
    socket.on('unsubscribe', (request: unknown) => {
      const sessionId = (request as { sessionId?: unknown } | null)?.sessionId;
      if (typeof sessionId !== 'string') return;
      for (const event of SESSION_UPDATE_EVENTS) void socket.leave(room(event, sessionId));
    });
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }

  private async subscribe(
    socket: Socket,
    user: AuthUser,
    request: unknown,
    answer: (answer: SubscribeAck) => void,
  ): Promise<void> {
    const sessionId = (request as { sessionId?: unknown } | null)?.sessionId;
    if (typeof sessionId !== 'string') {
      answer({ ok: false, error: 'sessionId must be a session id' });
      return;
    }
    // Following a session's status is reading it: an API key needs sessions:read, as for GET /sessions/{id}.
    const refusal = missingScope(user.apiKey, 'sessions:read');
    if (refusal) {
      answer({ ok: false, error: refusal });
      return;
    }
    if (!(await this.updates.snapshot(user, sessionId))) {
      answer({ ok: false, error: 'Session not found' });
      return;
    }
    // The state is read again after joining, so no change between the first read and the join slips through.
    await socket.join(
      SESSION_UPDATE_EVENTS.filter((event) => mayReceive(user, event)).map((event) => room(event, sessionId)),
    );
    const snapshot = (await this.updates.snapshot(user, sessionId)) ?? [];
    answer({ ok: true });
    for (const { event, data } of snapshot) socket.emit(event, data);
  }
}
