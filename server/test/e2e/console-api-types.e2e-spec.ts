// The console's API types (admin/src/app/core/api-types.ts) against the running server's OpenAPI document (REST) and
// AsyncAPI document (Socket.IO): they cannot drift apart silently.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  consoleShapes,
  differences,
  messageSchema,
  operation,
  queryShape,
  routeSchemas,
  type AsyncApiDocument,
  type Direction,
  type OpenApiDocument,
  type Shape,
} from '../support/console-api-contract';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const API_TYPES = path.resolve(__dirname, '../../../admin/src/app/core/api-types.ts');

interface Contract {
  /** `METHOD /path STATUS` for a response; `METHOD /path` for a request body or query. */
  route: string;
  direction: Direction;
  /** A type expression over the console's exports. */
  type: string;
}

const answers = (route: string, type: string): Contract => ({ route, type, direction: 'response' });
const accepts = (route: string, type: string): Contract => ({ route, type, direction: 'request' });
const queries = (route: string, type: string): Contract => ({ route, type, direction: 'query' });

/** What the console's API client (admin/src/app/core/api.ts) sends to and expects from each route. */
const CONTRACTS: Contract[] = [
  answers('GET /api/v1/auth/setup 200', 'SetupState'),
  accepts('POST /api/v1/auth/register', 'Credentials'),
  accepts('POST /api/v1/auth/register', 'CreateUserRequest'),
  answers('POST /api/v1/auth/register 201', 'AccessToken'),
  answers('POST /api/v1/auth/register 201', 'CreatedUser'),
  accepts('POST /api/v1/auth/login', 'Credentials'),
  answers('POST /api/v1/auth/login 200', 'AccessToken'),
  answers('POST /api/v1/auth/login 401', 'ApiError'),
  answers('GET /api/v1/auth/me 200', 'User'),
  accepts('POST /api/v1/auth/pin', 'ChangePinRequest'),
  answers('POST /api/v1/auth/pin 200', 'AccessToken'),
  queries('GET /api/v1/users', 'PageQuery'),
  answers('GET /api/v1/users 200', 'Page<User>'),
  queries('GET /api/v1/auth/api-keys', 'PageQuery'),
  answers('GET /api/v1/auth/api-keys 200', 'Page<ApiKey>'),
  accepts('POST /api/v1/auth/api-keys', 'CreateApiKeyRequest'),
  answers('POST /api/v1/auth/api-keys 201', 'CreatedApiKey'),
  queries('GET /api/v1/sessions', 'SessionListQuery'),
  answers('GET /api/v1/sessions 200', 'Page<Session>'),
  accepts('POST /api/v1/sessions', 'CreateSessionRequest'),
  answers('POST /api/v1/sessions 201', 'Session'),
  answers('GET /api/v1/sessions/{id} 200', 'Session'),
  answers('GET /api/v1/stats 200', 'Stats'),
  answers('GET /api/v1/sessions/{id} 404', 'ApiError'),
  accepts('PATCH /api/v1/sessions/{id}', 'UpdateSessionRequest'),
  answers('PATCH /api/v1/sessions/{id} 200', 'Session'),
  answers('POST /api/v1/sessions/{id}/start 202', 'Session'),
  answers('POST /api/v1/sessions/{id}/stop 200', 'Session'),
  answers('POST /api/v1/sessions/{id}/logout 200', 'Session'),
  answers('GET /api/v1/sessions/{id}/qr 200', 'SessionQr'),
  accepts('POST /api/v1/sessions/{id}/pairing-code', 'PairingCodeRequest'),
  answers('POST /api/v1/sessions/{id}/pairing-code 200', 'PairingCode'),
  queries('GET /api/v1/sessions/{id}/chats', 'PageQuery'),
  answers('GET /api/v1/sessions/{id}/chats 200', 'Page<Chat>'),
  queries('GET /api/v1/sessions/{id}/chats/{chatJid}/messages', 'MessagePageQuery'),
  answers('GET /api/v1/sessions/{id}/chats/{chatJid}/messages 200', 'MessagePage'),
  queries('GET /api/v1/sessions/{id}/messages', 'MessageSearchQuery'),
  answers('GET /api/v1/sessions/{id}/messages 200', 'MessagePage'),
  queries('GET /api/v1/sessions/{id}/groups', 'GroupListQuery'),
  answers('GET /api/v1/sessions/{id}/groups 200', 'Page<Group>'),
  answers('GET /api/v1/sessions/{id}/groups/{groupJid} 200', 'GroupDetail'),
  queries('GET /api/v1/sessions/{id}/webhooks', 'PageQuery'),
  answers('GET /api/v1/sessions/{id}/webhooks 200', 'Page<Webhook>'),
  accepts('POST /api/v1/sessions/{id}/webhooks', 'WebhookSettings'),
  answers('POST /api/v1/sessions/{id}/webhooks 201', 'CreatedWebhook'),
  answers('GET /api/v1/webhooks/{webhookId} 200', 'Webhook'),
  accepts('PATCH /api/v1/webhooks/{webhookId}', 'Partial<WebhookSettings>'),
  answers('PATCH /api/v1/webhooks/{webhookId} 200', 'Webhook'),
  answers('POST /api/v1/webhooks/{webhookId}/test 200', 'WebhookTestResult'),
  answers('POST /api/v1/webhooks/{webhookId}/rotate-secret 200', 'WebhookSecret'),
  queries('GET /api/v1/webhooks/{webhookId}/deliveries', 'DeliveryListQuery'),
  answers('GET /api/v1/webhooks/{webhookId}/deliveries 200', 'Page<Delivery>'),
  accepts('POST /api/v1/webhooks/{webhookId}/deliveries/redeliver', 'RedeliverFailedRequest'),
  answers('POST /api/v1/webhooks/{webhookId}/deliveries/redeliver 202', 'Redeliveries'),
  queries('GET /api/v1/sessions/{id}/sinks', 'PageQuery'),
  answers('GET /api/v1/sessions/{id}/sinks 200', 'Page<Sink>'),
  accepts('POST /api/v1/sessions/{id}/sinks', 'NewSink'),
  answers('POST /api/v1/sessions/{id}/sinks 201', 'Sink'),
  answers('GET /api/v1/sinks/{sinkId} 200', 'Sink'),
  accepts('PATCH /api/v1/sinks/{sinkId}', 'Partial<SinkSettings>'),
  answers('PATCH /api/v1/sinks/{sinkId} 200', 'Sink'),
  answers('POST /api/v1/sinks/{sinkId}/test 200', 'SinkTestResult'),
  queries('GET /api/v1/sinks/{sinkId}/deliveries', 'DeliveryListQuery'),
  answers('GET /api/v1/sinks/{sinkId}/deliveries 200', 'Page<Delivery>'),
  accepts('POST /api/v1/sinks/{sinkId}/deliveries/redeliver', 'RedeliverFailedRequest'),
  answers('POST /api/v1/sinks/{sinkId}/deliveries/redeliver 202', 'Redeliveries'),
  answers('GET /api/v1/deliveries/{deliveryId} 200', 'DeliveryDetail'),
  answers('POST /api/v1/deliveries/{deliveryId}/redeliver 202', 'DeliveryDetail'),
  queries('GET /api/v1/audit', 'AuditQuery'),
  answers('GET /api/v1/audit 200', 'Page<AuditEntry>'),
];

interface RealtimeContract {
  /** `<channel> <message name>` in the AsyncAPI document. */
  message: string;
  /** `response`: the console receives it; `request`: the console sends it. */
  direction: 'response' | 'request';
  type: string;
}

/** What the console's realtime service (admin/src/app/core/realtime.ts) receives and sends over Socket.IO. */
const REALTIME_CONTRACTS: RealtimeContract[] = [
  { message: 'socketIo session.status', direction: 'response', type: 'SessionStatusEvent' },
  { message: 'socketIo session.qr', direction: 'response', type: 'SessionQrEvent' },
  { message: 'socketIo session.event', direction: 'response', type: 'SessionEvent' },
  { message: 'socketIo subscribe', direction: 'request', type: 'SubscribeRequest' },
  { message: 'socketIo subscribe ack', direction: 'response', type: 'SubscribeAck' },
  { message: 'socketIo unsubscribe', direction: 'request', type: 'SubscribeRequest' },
];

/** Routes the console calls without a body either way. */
const BODILESS_ROUTES = [
  'DELETE /api/v1/users/{id}',
  'DELETE /api/v1/auth/api-keys/{id}',
  'DELETE /api/v1/sessions/{id}',
  'DELETE /api/v1/webhooks/{webhookId}',
  'DELETE /api/v1/sinks/{sinkId}',
];

/** Every difference between the console's type and what the route says (any one alternative of a `oneOf` may match). */
function contractDifferences(document: OpenApiDocument, contract: Contract, consoleShape: Shape): string[] {
  const at = contract.type;
  if (contract.direction === 'query') {
    return differences(consoleShape, queryShape(document, contract.route), 'query', at);
  }
  const alternatives = routeSchemas(document, contract.route, contract.direction).map((serverShape) =>
    differences(consoleShape, serverShape, contract.direction, at),
  );
  return alternatives.find((found) => found.length === 0) ?? alternatives.flat();
}

/** The shape of the contract's type in a console types file. */
function shapeIn(typesFile: string, contract: Contract): Shape {
  return consoleShapes(typesFile, [contract.type]).get(contract.type) as Shape;
}

describe('the console’s API types against the server’s OpenAPI document', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let document: OpenApiDocument;
  let events: AsyncApiDocument;
  let shapes: Map<string, Shape>;

  beforeAll(async () => {
    // One compilation for every type: the compiler is the slow part.
    shapes = consoleShapes(API_TYPES, [
      ...CONTRACTS.map((contract) => contract.type),
      ...REALTIME_CONTRACTS.map((contract) => contract.type),
    ]);
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({ databaseUrl: database.url });
    const answer = await fetch(`${server.baseUrl}/api/docs-json`);
    expect(answer.status).toBe(200);
    document = (await answer.json()) as OpenApiDocument;
    const asyncApi = await fetch(`${server.baseUrl}/api/asyncapi.json`);
    expect(asyncApi.status).toBe(200);
    events = (await asyncApi.json()) as AsyncApiDocument;
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it.each(CONTRACTS)('$route: the console’s $type ($direction) matches the server', (contract) => {
    expect(contractDifferences(document, contract, shapes.get(contract.type) as Shape)).toEqual([]);
  });

  it.each(REALTIME_CONTRACTS)('$message: the console’s $type ($direction) matches the server', (contract) => {
    const consoleShape = shapes.get(contract.type) as Shape;
    expect(
      differences(consoleShape, messageSchema(events, contract.message), contract.direction, contract.type),
    ).toEqual([]);
  });

  it.each(BODILESS_ROUTES)('%s, which the console calls, exists', (route) => {
    expect(() => operation(document, route)).not.toThrow();
  });

  describe('the check itself', () => {
    let directory: string;

    beforeAll(() => {
      directory = mkdtempSync(path.join(tmpdir(), 'wago-api-types-'));
    });

    afterAll(() => {
      rmSync(directory, { recursive: true, force: true });
    });

    it('reports a renamed field, a field the server does not mark nullable, an unknown enum value and a lacking one', () => {
      const drifted = path.join(directory, 'api-types.ts');
      writeFileSync(
        drifted,
        `export interface User { id: string; username: string | null; role: 'admin' | 'owner'; createdAt: string }
         export interface CreatedUser { user: User }
         export interface Session { id: string; name: string; status: string; pushname: string | null }`,
      );
      const me = answers('GET /api/v1/auth/me 200', 'User');
      expect(contractDifferences(document, me, shapeIn(drifted, me))).toEqual([
        'User.username: never null in the server, not in the console',
        'User.role: the console has one of admin | owner, the server one of admin | user',
      ]);
      const get = answers('GET /api/v1/sessions/{id} 200', 'Session');
      const session = contractDifferences(document, get, shapeIn(drifted, get));
      expect(session).toContain('Session (server: SessionDto): the console has "pushname", the server does not');
      expect(session).toContain('Session (server: SessionDto): the server sends "pushName", the console lacks it');
    });

    it('reports a realtime event whose field the console types differently, or lacks', () => {
      const drifted = path.join(directory, 'api-types.ts');
      writeFileSync(
        drifted,
        `export interface SessionStatusEvent { sessionId: string; status: 'connected' | 'qr'; at: string }`,
      );
      const consoleShape = consoleShapes(drifted, ['SessionStatusEvent']).get('SessionStatusEvent') as Shape;
      const found = differences(consoleShape, messageSchema(events, 'socketIo session.status'), 'response', 'Event');
      expect(found).toContain('Event (server: SessionStatusUpdate): the server sends "reason", the console lacks it');
      expect(found.some((line) => line.startsWith('Event.status: the console has one of connected | qr'))).toBe(true);
    });

    it('reports a console event type that cannot read every envelope the server may send under that name', () => {
      const drifted = path.join(directory, 'api-types.ts');
      writeFileSync(
        drifted,
        `export interface SessionEvent {
           version: number; id: string; type: 'message.received' | 'message.sent'; sessionId: string;
           data: Record<string, unknown>;
         }`,
      );
      const consoleShape = consoleShapes(drifted, ['SessionEvent']).get('SessionEvent') as Shape;
      const found = differences(consoleShape, messageSchema(events, 'socketIo session.event'), 'response', 'Event');
      expect(found).toContain(
        'Event.timestamp (server: MessageReceivedEvent): the server sends it, the console lacks it',
      );
      expect(found).toContain('Event.type (server: CallReceivedEvent): the console does not know call.received');
      expect(found.some((line) => line.startsWith('Event.type (server: MessageSentEvent)'))).toBe(false);
    });

    it('reports a request field the server requires but the console may leave out', () => {
      const drifted = path.join(directory, 'api-types.ts');
      writeFileSync(drifted, `export interface CreateSessionRequest { name?: string }`);
      const create = accepts('POST /api/v1/sessions', 'CreateSessionRequest');
      expect(contractDifferences(document, create, shapeIn(drifted, create))).toEqual([
        'CreateSessionRequest.name: required by the server, optional in the console',
      ]);
    });
  });
});
