// The JSON Schemas of what the realtime transports carry (Socket.IO at /socket.io, the plain WebSocket at /ws),
// each checked by the compiler against the type the gateway sends or reads.
import { SESSION_STATUSES } from '../sessions/session-status';
import {
  dateTime,
  literal,
  nullable,
  object,
  oneOf,
  oneOfValues,
  SchemaComponents,
  string,
  type JsonSchema,
  type Schema,
} from '../core/http/typed-schema';
import { PUBLISHED_EVENT_ENVELOPE } from '../webhooks/event-schemas';
import type { SessionQrEvent, SessionStatusEvent, SessionUpdate } from './session-updates.service';
import type { SubscribeAck, SubscribeRequest } from './sessions.gateway';

const components = new SchemaComponents();

export const SESSION_STATUS_EVENT = components.define(
  'SessionStatusUpdate',
  object<SessionStatusEvent>(
    {
      sessionId: string({ format: 'uuid' }),
      status: oneOfValues(SESSION_STATUSES),
      reason: nullable(string({ example: 'connection_lost', description: 'Why, when the change was not asked for' })),
      at: dateTime(),
    },
    { description: 'The session’s status: the current one on subscribing, then every change' },
  ),
);

export const SESSION_QR_EVENT = components.define(
  'SessionQrUpdate',
  object<SessionQrEvent>(
    {
      sessionId: string({ format: 'uuid' }),
      qr: string({ description: 'The QR code’s text, to render as a QR image and scan with WhatsApp' }),
      expiresAt: dateTime({ description: 'When WhatsApp rotates this QR' }),
    },
    { description: 'The QR code to link the session, while it shows one' },
  ),
);

export const SUBSCRIBE_REQUEST = components.define(
  'SubscribeRequest',
  object<SubscribeRequest>({ sessionId: string({ format: 'uuid' }) }),
);

type Accepted = Extract<SubscribeAck, { ok: true }>;
type Refused = Extract<SubscribeAck, { ok: false }>;

/** Typed as the whole SubscribeAck: an alternative added to the type and not here fails to compile. */
export const SUBSCRIBE_ACK: Schema<SubscribeAck> = components.define(
  'SubscribeAck',
  oneOf<[Accepted, Refused]>(
    object<Accepted>({ ok: literal(true) }),
    object<Refused>({
      ok: literal(false),
      error: string({ example: 'Session not found', description: 'Why the subscription was refused' }),
    }),
  ),
);

type StatusFrame = Extract<SessionUpdate, { event: 'session.status' }>;
type QrFrame = Extract<SessionUpdate, { event: 'session.qr' }>;
/** A session's events as they happen (its live event tail): the envelope webhooks get, unchanged. */
type EventFrame = Extract<SessionUpdate, { event: 'session.event' }>;

/** The frames of the plain WebSocket: `{event, data}`, data as Socket.IO sends it under that event name. */
export const WEBSOCKET_FRAMES = {
  'session.status': components.define(
    'SessionStatusFrame',
    object<StatusFrame>({ event: literal('session.status'), data: SESSION_STATUS_EVENT }),
  ),
  'session.qr': components.define(
    'SessionQrFrame',
    object<QrFrame>({ event: literal('session.qr'), data: SESSION_QR_EVENT }),
  ),
  'session.event': components.define(
    'SessionEventFrame',
    object<EventFrame>({ event: literal('session.event'), data: PUBLISHED_EVENT_ENVELOPE }),
  ),
};

export const REALTIME_SCHEMA_COMPONENTS: Record<string, JsonSchema> = components.all();
