// Isolation: a second user, by JWT and by API key, reaches none of the first user's objects, through any route of
// /api/docs-json (new routes are covered as they appear) or either realtime transport.
import { connect as natsConnect } from 'nats';
import { ContractFuzzer, Random } from '../support/contract-fuzzer';
import {
  OpenApiDocument,
  Operation,
  operationsOf,
  ParameterObject,
  parametersOf,
  requestBodySchema,
  resourceOf,
} from '../support/openapi';
import { pairSession, poll } from '../support/paired-session';
import { RealtimeWatcher, SessionSocketReader } from '../support/realtime';
import { messageFieldFixture, startRouteSweep } from '../support/route-sweep';
import type { WagoWithSim } from '../support/wago-with-sim';
import type { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

/** The first user's sink's stream on the machine's NATS, removed at the end. */
const NATS_STREAM = `ISOLATION_${Date.now()}`;

const CARLA = { phoneNumber: '15550501001', pushName: 'Carla' };

/** The first user and one object of each kind they own. */
interface Owner {
  userId: string;
  token: string;
  sessionId: string;
  webhookId: string;
  sinkId: string;
  deliveryId: string;
  messageId: string;
  apiKeyId: string;
  mediaId: string;
  groupJid: string;
}

type Credential = 'JWT' | 'API key';

interface Row {
  route: string;
  credential: Credential;
  status: number;
  expected: number[];
}

/**
 * What the second user gets for an object of the first: 404, as for an object that does not exist. Managing users is
 * for admins (403 to any plain user), and managing API keys for a signed-in person, so a key may get 403 there.
 */
function expectedForIntruder(operation: Operation, credential: Credential): number[] {
  if (operation.path.startsWith('/api/v1/users')) return [403];
  if (operation.path.startsWith('/api/v1/auth/api-keys') && credential === 'API key') return [403, 404];
  return [404];
}

/** Runs the owner's own requests that change nothing first, those that end an object last (the session at the end). */
function destructiveness(operation: Operation): number {
  if (operation.method !== 'DELETE') return /\/(logout|leave)$/.test(operation.path) ? 1 : 0;
  return operation.path === '/api/v1/sessions/{id}' ? 3 : 2;
}

describe('isolation between users, over every route and both realtime transports', () => {
  let wago: WagoWithSim;
  let receiver: WebhookReceiver;
  let document: OpenApiDocument;
  let owner: Owner;
  let intruder: Record<Credential, string>;
  let created = 0;

  const call = async <T>(method: string, path: string, token: string, body?: unknown): Promise<T> => {
    const answer = await wago.api.call<T>(method, path, { token, body });
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };

  const ownersObject = (operation: Operation, parameter: ParameterObject): string => {
    const objects: Record<string, string> = {
      sessions: owner.sessionId,
      webhooks: owner.webhookId,
      sinks: owner.sinkId,
      deliveries: owner.deliveryId,
      messages: owner.messageId,
      'api-keys': owner.apiKeyId,
      users: owner.userId,
      media: owner.mediaId,
      chats: `${CARLA.phoneNumber}@s.whatsapp.net`,
      contacts: `${CARLA.phoneNumber}@s.whatsapp.net`,
      groups: owner.groupJid,
    };
    const resource = resourceOf(operation, parameter);
    if (!(resource in objects))
      throw new Error(`${operation.name}: the isolation suite owns no ${resource} object yet`);
    return objects[resource];
  };

  /** A request the server would carry out for the owner: the owner's objects in the path, a valid body. */
  const requestFor = (operation: Operation): { path: string; body?: unknown } => {
    const fuzzer = new ContractFuzzer(document, new Random(++created), {
      pathParameter: () => Promise.reject(new Error('not used')),
      bodyField: (_operation, field) => {
        if (field === 'url') return receiver.url;
        if (field === 'to' || field === 'phoneNumber' || field === 'jid') return CARLA.phoneNumber;
        if (field === 'phoneNumbers' || field === 'participants') return [CARLA.phoneNumber];
        if (field === 'mentions') return [];
        if (field === 'name' || field === 'username') return `isolation-${++created}`;
        return messageFieldFixture(field, CARLA.phoneNumber);
      },
    });
    let path = operation.path.replace(/^\/api\/v1/, '');
    for (const parameter of parametersOf(operation, 'path')) {
      path = path.replace(`{${parameter.name}}`, encodeURIComponent(ownersObject(operation, parameter)));
    }
    const schema = requestBodySchema(operation);
    return { path, body: schema ? fuzzer.validValue(schema, operation, 'owner') : undefined };
  };

  const send = (operation: Operation, credential: Credential | 'owner') => {
    const { path, body } = requestFor(operation);
    const auth =
      credential === 'owner'
        ? { token: owner.token }
        : credential === 'JWT'
          ? { token: intruder.JWT }
          : { apiKey: intruder['API key'] };
    return wago.api.call(operation.method, path, { ...auth, body });
  };

  const objectRoutes = (): Operation[] =>
    operationsOf(document).filter(
      (operation) => operation.path.startsWith('/api/v1/') && parametersOf(operation, 'path').length > 0,
    );

  beforeAll(async () => {
    ({ wago, receiver, document } = await startRouteSweep(CARLA));

    const first = await wago.api.createUser(wago.admin, 'first-user');
    const session = await pairSession(wago.api, first.accessToken, wago.sim, {
      name: 'first-users-line',
      phoneNumber: '15550501000',
      pushName: 'First',
    });
    const webhook = await call<{ id: string }>('POST', `/sessions/${session.id}/webhooks`, first.accessToken, {
      url: receiver.url,
    });
    // A sink on the machine's NATS, on a stream of its own.
    const sink = await call<{ id: string }>('POST', `/sessions/${session.id}/sinks`, first.accessToken, {
      kind: 'nats',
      url: 'nats://127.0.0.1:4222',
      stream: NATS_STREAM,
    });
    const message = await call<{ id: string }>('POST', `/sessions/${session.id}/messages`, first.accessToken, {
      to: CARLA.phoneNumber,
      text: 'for the first user’s eyes only',
    });
    const deliveries = await poll(
      () => call<{ items: { id: string }[] }>('GET', `/webhooks/${webhook.id}/deliveries`, first.accessToken),
      (page) => page.items.length > 0,
      'a delivery of the first user’s message.sent',
    );
    // A contact (a number check learns it) and a group of the first user's session.
    await call('POST', `/sessions/${session.id}/contacts/check`, first.accessToken, {
      phoneNumbers: [CARLA.phoneNumber],
    });
    const group = await call<{ jid: string }>('POST', `/sessions/${session.id}/groups`, first.accessToken, {
      subject: 'First user’s group',
      participants: [CARLA.phoneNumber],
    });
    const apiKey = await call<{ id: string }>('POST', '/auth/api-keys', first.accessToken, { name: 'first-users-key' });
    const upload = await fetch(`${wago.server.baseUrl}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${first.accessToken}`, 'content-type': 'text/plain' },
      body: 'the first user’s file',
    });
    if (upload.status !== 201) throw new Error(`POST /media: ${upload.status} ${await upload.text()}`);
    const media = (await upload.json()) as { id: string };
    owner = {
      userId: first.user.id,
      token: first.accessToken,
      sessionId: session.id,
      webhookId: webhook.id,
      sinkId: sink.id,
      deliveryId: deliveries.items[0].id,
      messageId: message.id,
      apiKeyId: apiKey.id,
      mediaId: media.id,
      groupJid: group.jid,
    };

    const second = await wago.api.createUser(wago.admin, 'second-user');
    const secondKey = await call<{ key: string }>('POST', '/auth/api-keys', second.accessToken, { name: 'second-key' });
    intruder = { JWT: second.accessToken, 'API key': secondKey.key };
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
    const nats = await natsConnect({ servers: 'nats://127.0.0.1:4222' }).catch(() => undefined);
    await (await nats?.jetstreamManager())?.streams.delete(NATS_STREAM).catch(() => undefined);
    await nats?.close();
  });

  it('answers the second user 404 for every object of the first, on every route that names one', async () => {
    const rows: Row[] = [];
    for (const operation of objectRoutes()) {
      for (const credential of ['JWT', 'API key'] as const) {
        const answer = await send(operation, credential);
        rows.push({
          route: operation.name,
          credential,
          status: answer.status,
          expected: expectedForIntruder(operation, credential),
        });
        expect(answer.body).toMatchObject({ statusCode: answer.status, error: expect.any(String) });
      }
    }
    process.stdout.write(
      `Isolation matrix:\n${rows.map((row) => `  ${row.status} ${row.route} (${row.credential})`).join('\n')}\n`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => !row.expected.includes(row.status))).toEqual([]);
  });

  it('lists none of the first user’s objects to the second', async () => {
    const ownIds = new Set(Object.values(owner));
    const lists = operationsOf(document).filter(
      (operation) =>
        operation.method === 'GET' &&
        operation.path.startsWith('/api/v1/') &&
        parametersOf(operation, 'path').length === 0,
    );
    for (const operation of lists) {
      for (const credential of ['JWT', 'API key'] as const) {
        const answer = await send(operation, credential);
        const items = (answer.body as { items?: { id?: string }[] }).items ?? [];
        const leaked = items.filter((item) => item.id !== undefined && ownIds.has(item.id));
        expect({ route: operation.name, credential, leaked }).toEqual({
          route: operation.name,
          credential,
          leaked: [],
        });
      }
    }
  });

  it('refuses the second user a Socket.IO subscription to the first user’s session, as an unknown session', async () => {
    for (const token of Object.values(intruder)) {
      const watcher = await RealtimeWatcher.connect(wago.server.baseUrl, token);
      try {
        expect(await watcher.subscribe(owner.sessionId)).toEqual({ ok: false, error: 'Session not found' });
        expect(watcher.statusesOf(owner.sessionId)).toEqual([]);
      } finally {
        watcher.close();
      }
    }
  });

  it('refuses the second user the first user’s /ws/sessions/{id} stream with 404', async () => {
    for (const token of Object.values(intruder)) {
      await expect(SessionSocketReader.open(wago.server.baseUrl, owner.sessionId, token)).rejects.toMatchObject({
        status: 404,
      });
    }
  });

  it('lets the first user reach the same session on both transports, so the refusals are about ownership', async () => {
    const watcher = await RealtimeWatcher.connect(wago.server.baseUrl, owner.token);
    try {
      expect(await watcher.subscribe(owner.sessionId)).toEqual({ ok: true });
    } finally {
      watcher.close();
    }
    const reader = await SessionSocketReader.open(wago.server.baseUrl, owner.sessionId, owner.token);
    reader.close();
  });

  it('lets the first user reach every object the second was refused, so the 404s are about ownership', async () => {
    const routes = objectRoutes().sort((a, b) => destructiveness(a) - destructiveness(b));
    const rows: Row[] = [];
    for (const operation of routes) {
      const answer = await send(operation, 'owner');
      // A plain user manages no users, whoever owns them.
      const refused = operation.path.startsWith('/api/v1/users');
      const found = refused ? answer.status === 403 : answer.status !== 404 && answer.status < 500;
      if (!found) rows.push({ route: operation.name, credential: 'JWT', status: answer.status, expected: [] });
    }
    expect(rows).toEqual([]);
  });
});
