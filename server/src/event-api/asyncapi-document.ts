// The AsyncAPI 3.0 document served at /api/asyncapi.json: every event on every channel (webhooks, RabbitMQ, NATS,
// Socket.IO, the plain WebSocket), their payloads the same schemas the OpenAPI document's `webhooks` use.
import { mergeComponents, type JsonSchema } from '../core/http/typed-schema';
import {
  REALTIME_SCHEMA_COMPONENTS,
  SESSION_QR_EVENT,
  SESSION_STATUS_EVENT,
  SUBSCRIBE_ACK,
  SUBSCRIBE_REQUEST,
  WEBSOCKET_FRAMES,
} from '../gateway/realtime-schemas';
import { DEFAULT_EXCHANGE, DEFAULT_STREAM } from '../sinks/broker-url';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/envelope';
import {
  PUBLISHED_EVENT_ENVELOPE,
  EVENT_ENVELOPES,
  EVENT_SCHEMA_COMPONENTS,
  EVENT_SUMMARIES,
  EVENT_TYPES,
  type EventType,
} from '../webhooks/event-schemas';
import { webhookHeadersSchema } from './webhook-headers';

type Json = Record<string, unknown>;
type Reference = { $ref: string };

/** A message: its name on the wire (event name, Socket.IO event) and its payload schema. */
export type AsyncApiMessage = Json & { name: string; payload: JsonSchema };

/** The document, typed as far as its readers (the tests) look into it. */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: Json;
  defaultContentType: string;
  servers: Record<string, Json>;
  channels: Record<string, Json & { messages: Record<string, Reference> }>;
  operations: Record<string, Json>;
  components: {
    schemas: Record<string, JsonSchema>;
    messages: Record<string, AsyncApiMessage>;
    securitySchemes: Record<string, Json>;
  };
}

/** `message.received` → `messageReceived`: a message's key in its channel. */
export function messageKey(name: string): string {
  return name.replace(/[.-](\w)/g, (_, letter: string) => letter.toUpperCase());
}

const ref = (pointer: string): Reference => ({ $ref: pointer });
const BINDINGS = { http: '0.3.0', amqp: '0.3.0', ws: '0.1.0', nats: '0.1.0' } as const;

interface Transport {
  channel: string;
  operation: string;
  /** The component name of a message: `webhookMessageReceived`. */
  prefix: string;
  types: readonly EventType[];
  message: (type: EventType) => AsyncApiMessage;
}

const eventMessage = (type: EventType, extra: Json): AsyncApiMessage => ({
  name: type,
  title: type,
  summary: EVENT_SUMMARIES[type],
  contentType: 'application/json',
  payload: EVENT_ENVELOPES[type].json,
  ...extra,
});

const TRANSPORTS: Transport[] = [
  {
    channel: 'webhooks',
    operation: 'postToWebhook',
    prefix: 'webhook',
    types: EVENT_TYPES,
    message: (type) =>
      eventMessage(type, {
        headers: webhookHeadersSchema(),
        bindings: { http: { bindingVersion: BINDINGS.http } },
      }),
  },
  {
    channel: 'rabbitmq',
    operation: 'publishToRabbitMq',
    prefix: 'amqp',
    types: WEBHOOK_EVENT_TYPES,
    message: (type) =>
      eventMessage(type, {
        description: 'Persistent; the AMQP `message-id` property is the event id, `content-type` application/json.',
        bindings: { amqp: { messageType: type, bindingVersion: BINDINGS.amqp } },
      }),
  },
  {
    channel: 'nats',
    operation: 'publishToNats',
    prefix: 'nats',
    types: WEBHOOK_EVENT_TYPES,
    message: (type) =>
      eventMessage(type, {
        headers: {
          type: 'object',
          properties: {
            'Nats-Msg-Id': {
              type: 'string',
              description: 'The event id: JetStream drops a message it already holds (its duplicate window)',
            },
          },
          required: ['Nats-Msg-Id'],
        },
      }),
  },
];

const SOCKET_IO_MESSAGES: Record<string, AsyncApiMessage> = {
  sessionStatus: {
    name: 'session.status',
    title: 'session.status',
    summary: 'The session’s status: the current one on subscribing, then every change',
    payload: SESSION_STATUS_EVENT.json,
  },
  sessionQr: {
    name: 'session.qr',
    title: 'session.qr',
    summary: 'The QR code to link the session: the current one on subscribing, then every new one',
    payload: SESSION_QR_EVENT.json,
  },
  sessionEvent: {
    name: 'session.event',
    title: 'session.event',
    summary: 'Each event of the session as it happens (its live tail): the envelope webhooks get',
    payload: PUBLISHED_EVENT_ENVELOPE.json,
  },
  subscribe: {
    name: 'subscribe',
    title: 'subscribe',
    summary:
      'Follow a session (an API key needs sessions:read); answered through the acknowledgement callback, then ' +
      'session.status (and session.qr) at once',
    payload: SUBSCRIBE_REQUEST.json,
  },
  subscribeAck: {
    name: 'subscribe ack',
    title: 'The answer to subscribe',
    summary: 'The acknowledgement of subscribe: `{ok: true}`, or `{ok: false, error}` (e.g. Session not found)',
    payload: SUBSCRIBE_ACK.json,
  },
  unsubscribe: {
    name: 'unsubscribe',
    title: 'unsubscribe',
    summary: 'Stop following a session (no answer)',
    payload: SUBSCRIBE_REQUEST.json,
  },
};

const WEBSOCKET_MESSAGES: Record<string, AsyncApiMessage> = Object.fromEntries(
  Object.entries(WEBSOCKET_FRAMES).map(([event, frame]) => [
    messageKey(event),
    {
      name: event,
      title: event,
      summary: `\`{"event": "${event}", "data": …}\`: data as Socket.IO’s ${event}`,
      payload: frame.json,
    },
  ]),
);

/** The server the realtime channels are on, from the gateway's public URL. */
function gatewayServer(publicUrl: string): Json {
  const url = new URL(publicUrl);
  const pathname = url.pathname.replace(/\/+$/, '');
  return {
    host: url.host,
    protocol: url.protocol === 'https:' ? 'wss' : 'ws',
    ...(pathname ? { pathname } : {}),
    title: 'This gateway',
    description:
      'Socket.IO (v4) at /socket.io and a plain WebSocket at /ws/sessions/{sessionId}. Both authenticate with a ' +
      'console token or an API key (sessions:read).',
    security: [ref('#/components/securitySchemes/token')],
  };
}

const elsewhere = (protocol: string, example: string, description: string): Json => ({
  host: '{host}',
  protocol,
  description,
  variables: { host: { default: example, description: 'Host and port, as configured' } },
});

export function asyncApiDocument(publicUrl: string): AsyncApiDocument {
  const messages: Record<string, AsyncApiMessage> = {};
  const channels: AsyncApiDocument['channels'] = {};
  const operations: Record<string, Json> = {};
  for (const transport of TRANSPORTS) {
    const channelMessages = Object.fromEntries(
      transport.types.map((type) => {
        const name = `${transport.prefix}${messageKey(`-${type}`)}`;
        messages[name] = transport.message(type);
        return [messageKey(type), ref(`#/components/messages/${name}`)];
      }),
    );
    channels[transport.channel] = { ...CHANNELS[transport.channel], messages: channelMessages };
    operations[transport.operation] = {
      action: 'send',
      channel: ref(`#/channels/${transport.channel}`),
      ...OPERATIONS[transport.operation],
      messages: Object.keys(channelMessages).map((key) => ref(`#/channels/${transport.channel}/messages/${key}`)),
    };
  }
  for (const [key, message] of Object.entries(SOCKET_IO_MESSAGES)) {
    messages[`socketIo${messageKey(`-${key}`)}`] = { contentType: 'application/json', ...message };
  }
  for (const [key, message] of Object.entries(WEBSOCKET_MESSAGES)) {
    messages[`webSocket${messageKey(`-${key}`)}`] = { contentType: 'application/json', ...message };
  }
  const channelOf = (prefix: string, keys: string[]): Record<string, Reference> =>
    Object.fromEntries(keys.map((key) => [key, ref(`#/components/messages/${prefix}${messageKey(`-${key}`)}`)]));
  channels.socketIo = {
    address: '/socket.io',
    title: 'Socket.IO',
    description:
      'Connect with `auth: {token}` (or `?token=`); a bad token fails the connect with `unauthorized`, too many ' +
      'connections of one user with `too_many_connections`. Emit `subscribe` per session to follow.',
    servers: [ref('#/servers/gateway')],
    messages: channelOf('socketIo', Object.keys(SOCKET_IO_MESSAGES)),
  };
  channels.webSocket = {
    address: '/ws/sessions/{sessionId}',
    title: 'Plain WebSocket',
    description:
      'One session’s updates as JSON text frames, the current state first. Refused at the upgrade: a bad token ' +
      '401, a key without sessions:read 403, an unknown or foreign session 404, too many connections 429. The ' +
      'client sends nothing; the socket closes with 4401 when its credential ends.',
    servers: [ref('#/servers/gateway')],
    parameters: { sessionId },
    messages: channelOf('webSocket', Object.keys(WEBSOCKET_MESSAGES)),
    bindings: {
      ws: {
        method: 'GET',
        query: {
          type: 'object',
          properties: { token: { type: 'string', description: 'A console token or an API key' } },
          required: ['token'],
        },
        bindingVersion: BINDINGS.ws,
      },
    },
  };
  const socketIoMessage = (key: string): Json => ref(`#/channels/socketIo/messages/${key}`);
  for (const key of ['sessionStatus', 'sessionQr', 'sessionEvent']) {
    operations[`emit${messageKey(`-${key}`)}`] = {
      action: 'send',
      channel: ref('#/channels/socketIo'),
      summary: `Emits ${SOCKET_IO_MESSAGES[key].name} to the clients subscribed to the session`,
      messages: [socketIoMessage(key)],
    };
  }
  operations.onSubscribe = {
    action: 'receive',
    channel: ref('#/channels/socketIo'),
    summary: 'A client follows a session',
    messages: [socketIoMessage('subscribe')],
    reply: { channel: ref('#/channels/socketIo'), messages: [socketIoMessage('subscribeAck')] },
  };
  operations.onUnsubscribe = {
    action: 'receive',
    channel: ref('#/channels/socketIo'),
    summary: 'A client stops following a session',
    messages: [socketIoMessage('unsubscribe')],
  };
  operations.sendWebSocketFrames = {
    action: 'send',
    channel: ref('#/channels/webSocket'),
    summary: 'Streams the session’s updates',
    messages: Object.keys(WEBSOCKET_MESSAGES).map((key) => ref(`#/channels/webSocket/messages/${key}`)),
  };

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'WAGO events',
      version: '1',
      description:
        'Every event WAGO sends, on every channel. Webhooks, RabbitMQ and NATS carry the same envelope ' +
        '`{version, id, type, sessionId, timestamp, data}` from one durable outbox (retried, deduplicated by `id`); ' +
        'Socket.IO and the plain WebSocket carry session status and QR updates, and each event as it happens. The ' +
        'REST API is described by the OpenAPI document at /api/docs-json, whose `webhooks` use the same schemas.',
    },
    defaultContentType: 'application/json',
    servers: {
      gateway: gatewayServer(publicUrl),
      webhookReceiver: elsewhere('https', 'hooks.example.com', 'A webhook’s receiver: its `url` (http or https)'),
      rabbitmq: elsewhere('amqp', 'localhost:5672', 'The broker of a RabbitMQ sink: its `url`'),
      nats: elsewhere('nats', 'localhost:4222', 'The server of a NATS sink: its `url` (JetStream)'),
    },
    channels,
    operations,
    components: {
      schemas: mergeComponents(EVENT_SCHEMA_COMPONENTS, REALTIME_SCHEMA_COMPONENTS),
      messages,
      securitySchemes: {
        token: {
          type: 'httpApiKey',
          in: 'query',
          name: 'token',
          description: 'A console token (JWT) or an API key; Socket.IO also takes it as `auth: {token}`',
        },
      },
    },
  };
}

const sessionId = { description: 'The session id (uuid)' };
const BROKER_PARAMETERS = { sessionId, eventType: { description: 'The event type', enum: [...WEBHOOK_EVENT_TYPES] } };

const CHANNELS: Record<string, Json> = {
  webhooks: {
    address: null,
    title: 'Webhooks',
    description:
      'An HTTP POST of each event the webhook selects to its `url`, signed (Standard Webhooks). Configured with ' +
      '/api/v1/sessions/{id}/webhooks.',
    servers: [ref('#/servers/webhookReceiver')],
  },
  rabbitmq: {
    address: '{sessionId}.{eventType}',
    title: 'RabbitMQ',
    description: `The routing key on the sink's durable topic exchange (\`${DEFAULT_EXCHANGE}\` unless it names another), with publisher confirms. Bind a queue with e.g. \`*.message.received\` or \`<sessionId>.#\`.`,
    servers: [ref('#/servers/rabbitmq')],
    parameters: BROKER_PARAMETERS,
    bindings: {
      amqp: {
        is: 'routingKey',
        exchange: { name: DEFAULT_EXCHANGE, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
        bindingVersion: BINDINGS.amqp,
      },
    },
  },
  nats: {
    address: 'wago.{sessionId}.{eventType}',
    title: 'NATS JetStream',
    description:
      `The subject each event is published on, acknowledged by the sink’s JetStream stream (\`${DEFAULT_STREAM}\` ` +
      'unless it names another), with header `Nats-Msg-Id` = the event id. Subscribe to e.g. ' +
      '`wago.*.message.received` or `wago.<sessionId>.>`.',
    servers: [ref('#/servers/nats')],
    parameters: BROKER_PARAMETERS,
  },
};

const OPERATIONS: Record<string, Json> = {
  postToWebhook: {
    summary: 'POSTs each selected event to the webhook',
    description:
      'Any 2xx delivers; 410 disables the webhook; anything else is retried on the retry schedule. A 2xx answer ' +
      'to message.received may carry `{"reply": {"text": "…"}}` (see WebhookAnswer).',
    bindings: { http: { method: 'POST', bindingVersion: BINDINGS.http } },
  },
  publishToRabbitMq: {
    summary: 'Publishes each selected event to the exchange',
    bindings: { amqp: { deliveryMode: 2, mandatory: false, bindingVersion: BINDINGS.amqp } },
  },
  publishToNats: {
    summary: 'Publishes each selected event to JetStream',
  },
};
