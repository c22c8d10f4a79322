// Contract fuzzing: over a thousand generated requests over every operation of /api/docs-json, as an admin, a user and
// nobody. Replay a failing run with FUZZ_SEED=<the printed seed>.
import { ContractFuzzer, FuzzFixtures, FuzzRequest, OMIT, Random } from '../support/contract-fuzzer';
import {
  isDeclaredStatus,
  OpenApiDocument,
  Operation,
  operationsOf,
  resourceOf,
  responseSchema,
  validateAgainstSchema,
} from '../support/openapi';
import { pairSession, poll } from '../support/paired-session';
import { messageFieldFixture, startRouteSweep } from '../support/route-sweep';
import type { WagoWithSim } from '../support/wago-with-sim';
import type { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(180_000);

const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
const REQUESTS_PER_OPERATION: Record<Identity, number> = { admin: 18, user: 12, anonymous: 6 };
const USER_PIN = '246813579';
const ADMIN_PIN = '135792468';
/** What a PIN change the fuzzer makes changes a PIN to: the two take turns, so every valid change is a change. */
const OTHER_PIN: Record<string, string> = {
  [USER_PIN]: '975318642',
  '975318642': USER_PIN,
  [ADMIN_PIN]: '864297531',
  '864297531': ADMIN_PIN,
};
/** For a kind of object the run owns none of: every answer must still be well-formed. */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
/** A well-formed group JID of a group no session is in. */
const UNKNOWN_GROUP = '120363000000000000@g.us';
/** Where the fuzzed sinks publish: valid for a NATS sink, and nothing listens there. */
const SINK_URL = 'nats://127.0.0.1:9';
/** Logins fuzz this account: locking it out must not lock the fuzzer out. */
const LOGIN_TARGET = 'fuzz-login-target';
const CARLA = { phoneNumber: '15550401001', pushName: 'Carla' };

type Identity = 'admin' | 'user' | 'anonymous';

/** The objects one account owns, which valid path parameters point at. */
interface Owned {
  username: string;
  pin: string;
  token: string;
  /** The session messages and webhooks hang off (the paired one for the admin). */
  mainSessionId: string;
  /** An unpaired session for start, stop, logout, rename and pairing codes. */
  scratchSessionId: string;
  webhookId: string;
  sinkId: string;
  apiKeyId: string;
  deliveryId?: string;
  messageId?: string;
}

interface Outcome {
  request: FuzzRequest;
  status: number;
  /** The answer parsed as JSON, when it is JSON. */
  body: unknown;
  findings: string[];
}

describe('contract fuzzing of every operation in /api/docs-json', () => {
  let wago: WagoWithSim;
  let receiver: WebhookReceiver;
  let document: OpenApiDocument;
  let admin: Owned;
  let user: Owned;
  let loginTargetId: string;
  let created = 0;

  const call = async <T>(method: string, path: string, token: string | undefined, body?: unknown) => {
    const answer = await wago.api.call<T>(method, path, { token, body });
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const uniqueName = (prefix: string): string => `${prefix}-${++created}`;
  const createSession = async (owner: Owned): Promise<string> =>
    (await call<{ id: string }>('POST', '/sessions', owner.token, { name: uniqueName('fuzz') })).id;
  const createWebhook = async (owner: Owned, sessionId: string): Promise<string> =>
    (await call<{ id: string }>('POST', `/sessions/${sessionId}/webhooks`, owner.token, { url: receiver.url })).id;
  // A NATS sink at a port nothing listens on: valid, and publishing to it (the test route, retries) fails at once.
  const createSink = async (owner: Owned, sessionId: string): Promise<string> =>
    (await call<{ id: string }>('POST', `/sessions/${sessionId}/sinks`, owner.token, { kind: 'nats', url: SINK_URL }))
      .id;
  const createApiKey = async (owner: Owned): Promise<string> =>
    (await call<{ id: string }>('POST', '/auth/api-keys', owner.token, { name: uniqueName('fuzz') })).id;
  const createUser = async (): Promise<string> =>
    (
      await call<{ user: { id: string } }>('POST', '/auth/register', admin.token, {
        username: uniqueName('fuzz-user'),
        pin: USER_PIN,
      })
    ).user.id;
  const signIn = async (username: string, pin: string): Promise<string> =>
    (await call<{ accessToken: string }>('POST', '/auth/login', undefined, { username, pin })).accessToken;

  async function firstDelivery(owner: Owned): Promise<string> {
    const deliveries = await poll(
      () => call<{ items: { id: string }[] }>('GET', `/webhooks/${owner.webhookId}/deliveries`, owner.token),
      (page) => page.items.length > 0,
      `a delivery to ${owner.username}'s webhook`,
    );
    return deliveries.items[0].id;
  }

  async function ownObjects(username: string, pin: string, token: string, mainSessionId?: string): Promise<Owned> {
    const owned: Owned = {
      username,
      pin,
      token,
      mainSessionId: '',
      scratchSessionId: '',
      webhookId: '',
      sinkId: '',
      apiKeyId: '',
    };
    owned.mainSessionId = mainSessionId ?? (await createSession(owned));
    owned.scratchSessionId = await createSession(owned);
    owned.webhookId = await createWebhook(owned, owned.mainSessionId);
    owned.sinkId = await createSink(owned, owned.mainSessionId);
    owned.apiKeyId = await createApiKey(owned);
    return owned;
  }

  beforeAll(async () => {
    ({ wago, receiver, document } = await startRouteSweep(CARLA));
    const bot = await pairSession(wago.api, wago.admin.accessToken, wago.sim, {
      name: 'fuzz-bot',
      phoneNumber: '15550401000',
      pushName: 'Fuzz bot',
    });
    admin = await ownObjects('admin', ADMIN_PIN, wago.admin.accessToken, bot.id);
    const sent = await call<{ id: string }>('POST', `/sessions/${bot.id}/messages`, admin.token, {
      to: CARLA.phoneNumber,
      text: 'fuzzing starts',
    });
    admin.messageId = sent.id;
    admin.deliveryId = await firstDelivery(admin);
    const plain = await wago.api.createUser(wago.admin, 'fuzz-plain', USER_PIN);
    user = await ownObjects('fuzz-plain', USER_PIN, plain.accessToken);
    // Starting the user's unpaired session makes session.status events: deliveries of the user's own.
    await call('POST', `/sessions/${user.mainSessionId}/start`, user.token);
    user.deliveryId = await firstDelivery(user);
    loginTargetId = (await wago.api.createUser(wago.admin, LOGIN_TARGET, USER_PIN)).user.id;
  });

  afterAll(async () => {
    await receiver?.close();
    await wago?.stop();
  });

  /** Valid values come from the identity's own objects; a DELETE gets a fresh object so the run never runs out. */
  const fixtures: FuzzFixtures = {
    async pathParameter(operation, parameter, identity) {
      const owner = identity === 'user' ? user : admin;
      const destroys = operation.method === 'DELETE' && operation.path.endsWith(`{${parameter.name}}`);
      const fresh = destroys && identity !== 'anonymous';
      switch (resourceOf(operation, parameter)) {
        case 'sessions':
          if (fresh) return createSession(owner);
          return /\/(messages|webhooks)/.test(operation.path) ? owner.mainSessionId : owner.scratchSessionId;
        case 'webhooks':
          return fresh ? createWebhook(owner, owner.scratchSessionId) : owner.webhookId;
        case 'sinks':
          return fresh ? createSink(owner, owner.scratchSessionId) : owner.sinkId;
        case 'api-keys':
          return fresh ? createApiKey(owner) : owner.apiKeyId;
        case 'users':
          return fresh ? createUser() : loginTargetId;
        case 'deliveries':
          return owner.deliveryId ?? UNKNOWN_ID;
        case 'messages':
          return owner.messageId ?? 'unknown-message';
        case 'chats':
        case 'contacts':
          return `${CARLA.phoneNumber}@s.whatsapp.net`;
        case 'groups':
          return UNKNOWN_GROUP;
        default:
          return UNKNOWN_ID;
      }
    },
    bodyField(operation, field, identity) {
      const owner = identity === 'user' ? user : admin;
      const signsIn = operation.path.endsWith('/auth/login');
      const sinks = /\/sinks/.test(operation.path);
      switch (field) {
        case 'url':
          return sinks ? SINK_URL : receiver.url;
        // The fuzzed sinks are NATS ones: a stream, never an exchange (stated in words).
        case 'kind':
          return sinks ? 'nats' : undefined;
        case 'stream':
          return sinks ? 'WAGO_FUZZ' : undefined;
        case 'exchange':
          return sinks ? OMIT : undefined;
        case 'to':
        case 'phoneNumber':
        case 'jid':
          return CARLA.phoneNumber;
        case 'phoneNumbers':
        case 'participants':
          return [CARLA.phoneNumber];
        case 'mentions':
          return [CARLA.phoneNumber];
        case 'username':
          return signsIn ? LOGIN_TARGET : uniqueName('fuzz-user');
        case 'pin':
          return USER_PIN;
        case 'currentPin':
          return owner.pin;
        case 'newPin':
          return OTHER_PIN[owner.pin];
        case 'name':
          return uniqueName('fuzz');
        // A group change needs at least one field (stated in words): the subject is always one.
        case 'subject':
          return uniqueName('fuzz-group');
        // A key may be limited only to sessions of its owner, and expire only in the future (both stated in words).
        case 'sessionIds':
          return [owner.mainSessionId];
        case 'expiresAt':
          return new Date(Date.now() + 3_600_000).toISOString();
        default:
          return messageFieldFixture(field, CARLA.phoneNumber);
      }
    },
  };

  function authHeaders(identity: Identity, random: Random): Record<string, string> {
    if (identity === 'admin') return { authorization: `Bearer ${admin.token}` };
    if (identity === 'user') return { authorization: `Bearer ${user.token}` };
    return random.pick<Record<string, string>>([
      {},
      { authorization: 'Bearer not-a-jwt' },
      { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' },
      { 'x-api-key': 'wago_notAKeyAtAll0000000000000000000000000000' },
      { authorization: 'Basic YWRtaW46MTM1NzkyNDY4' },
    ]);
  }

  async function send(request: FuzzRequest, random: Random): Promise<Outcome> {
    const { operation } = request;
    const response = await fetch(`${wago.server.baseUrl}${request.url}`, {
      method: operation.method,
      headers: { ...request.headers, ...authHeaders(request.identity as Identity, random) },
      body: request.body,
      redirect: 'manual',
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return {
      request,
      status: response.status,
      body: parseJson(text),
      findings: [
        ...judge(operation, response.status, contentType, text),
        ...(request.variant === 'valid' && response.status === 400
          ? [`answered 400 to a request the document calls valid: ${text.slice(0, 300)}`]
          : []),
      ],
    };
  }

  /** What is wrong with an answer: a 5xx, an error not in the error shape, a 2xx the document does not describe. */
  function judge(operation: Operation, status: number, contentType: string, text: string): string[] {
    if (status >= 500) return [`answered ${status}: ${text.slice(0, 300)}`];
    if (status >= 400) {
      const body = parseJson(text);
      const shaped =
        typeof body === 'object' &&
        body !== null &&
        (body as { statusCode?: unknown }).statusCode === status &&
        typeof (body as { error?: unknown }).error === 'string' &&
        isMessage((body as { message?: unknown }).message);
      return shaped ? [] : [`answered ${status} without the error shape: ${text.slice(0, 300)}`];
    }
    if (!isDeclaredStatus(operation, status)) return [`answered ${status}, which the document does not declare`];
    const schema = responseSchema(operation, status, contentType);
    if (!schema) return text === '' ? [] : [`answered ${status} with a body the document does not declare`];
    if (contentType.startsWith('text/')) return validateAgainstSchema(document, schema, text);
    const body = parseJson(text);
    if (body === undefined) return [`answered ${status} with ${contentType}, not JSON: ${text.slice(0, 300)}`];
    return validateAgainstSchema(document, schema, body);
  }

  /** A PIN change revokes the identity's JWT: carry on with the new PIN and token, or sign in again. */
  async function keepSignedIn(outcome: Outcome): Promise<void> {
    const identity = outcome.request.identity;
    if (identity === 'anonymous') return;
    const owner = identity === 'user' ? user : admin;
    if (outcome.request.operation.path.endsWith('/auth/pin') && outcome.status === 200) {
      // The body may open with a byte order mark, which the server accepts.
      owner.pin = (JSON.parse((outcome.request.body ?? '{}').replace(/^\ufeff/, '')) as { newPin: string }).newPin;
      owner.token = (outcome.body as { accessToken: string }).accessToken;
      return;
    }
    if (outcome.status !== 401) return;
    const me = await wago.api.call('GET', '/auth/me', { token: owner.token });
    if (me.status === 401) owner.token = await signIn(owner.username, owner.pin);
  }

  it('answers every request without a 5xx, every error in the error shape, every 2xx as the document declares', async () => {
    process.stdout.write(`Contract fuzzing with FUZZ_SEED=${SEED}\n`);
    const random = new Random(SEED);
    const fuzzer = new ContractFuzzer(document, random, fixtures);
    const plan: { operation: Operation; identity: Identity }[] = [];
    for (const operation of operationsOf(document)) {
      for (const identity of ['admin', 'user', 'anonymous'] as const) {
        for (let index = 0; index < REQUESTS_PER_OPERATION[identity]; index++) plan.push({ operation, identity });
      }
    }
    for (let index = plan.length - 1; index > 0; index--) {
      const other = random.int(0, index);
      [plan[index], plan[other]] = [plan[other], plan[index]];
    }

    const outcomes: Outcome[] = [];
    for (const [index, { operation, identity }] of plan.entries()) {
      const request = await fuzzer.request(operation, identity);
      const outcome = await send(request, random);
      if (outcome.findings.length > 0) {
        outcome.findings = outcome.findings.map((finding) => `#${index} ${finding}`);
      }
      outcomes.push(outcome);
      await keepSignedIn(outcome);
    }

    const answeredTwoHundreds = new Set(
      outcomes.filter(({ status }) => status < 300).map(({ request }) => request.operation.name),
    );
    const neverSucceeded = operationsOf(document)
      .map((operation) => operation.name)
      .filter((name) => !answeredTwoHundreds.has(name));
    process.stdout.write(
      `${outcomes.length} requests; operations never answered 2xx: ${neverSucceeded.join(', ') || 'none'}\n`,
    );

    const failures = outcomes
      .filter((outcome) => outcome.findings.length > 0)
      .map(({ request, status, findings }) => ({
        request: `${request.operation.method} ${request.url.slice(0, 200)} as ${request.identity} (${request.variant})`,
        status,
        findings,
      }));
    expect(outcomes.length).toBeGreaterThanOrEqual(1000);
    expect(failures).toEqual([]);
  });
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isMessage(message: unknown): boolean {
  return typeof message === 'string' || (Array.isArray(message) && message.every((line) => typeof line === 'string'));
}

describe('the schema check the fuzzer relies on', () => {
  const document: OpenApiDocument = {
    openapi: '3.1.0',
    paths: {},
    components: {
      schemas: {
        DeviceDto: { type: 'object', properties: { platform: { type: 'string' } }, required: ['platform'] },
      },
    },
  };

  it('admits null only where the schema says so: a type array, or anyOf with null beside a reference', () => {
    expect(validateAgainstSchema(document, { $ref: '#/components/schemas/DeviceDto' }, null)).toEqual([
      '$: expected object, got null',
    ]);
    const nullableDevice = { anyOf: [{ $ref: '#/components/schemas/DeviceDto' }, { type: 'null' as const }] };
    expect(validateAgainstSchema(document, nullableDevice, null)).toEqual([]);
    expect(validateAgainstSchema(document, nullableDevice, { platform: 'web' })).toEqual([]);
    expect(validateAgainstSchema(document, { type: ['string', 'null'] }, null)).toEqual([]);
    expect(validateAgainstSchema(document, { type: 'string' }, null)).toEqual(['$: expected string, got null']);
  });

  it('reports a missing field, a malformed date-time and an undeclared field', () => {
    const schema = {
      type: 'object' as const,
      properties: { at: { type: 'string' as const, format: 'date-time' }, count: { type: 'integer' as const } },
      required: ['at', 'count'],
    };
    expect(validateAgainstSchema(document, schema, { at: 'yesterday', extra: 1 })).toEqual([
      '$.count: required but missing',
      '$.at: "yesterday" is not a date-time',
      '$.extra: not declared',
    ]);
  });
});
