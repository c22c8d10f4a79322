// The messaging control routes over HTTP: status codes, bodies and the 4xx answers to bad requests.
import { startSim, type SimHandle } from '../../src/index';
import { createLinkedClient, type TestClient } from '../support/baileys-client';
import { eventually, sendFromClient, socketOf, UpsertRecorder } from './messaging-support';

describe('messaging control routes', () => {
  let sim: SimHandle;
  let client: TestClient;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    sim = await startSim();
    sim.createAccount({ phoneNumber: '5511900000021', pushName: 'Alice' });
    client = await createLinkedClient(sim, { phoneNumber: '5511900000022', pushName: 'Bob' });
    await client.waitForPendingNotifications();
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  it('sends a message for an account and answers 201 with its id', async () => {
    const received = new UpsertRecorder(socketOf(client));

    const response = await call('POST', '/control/accounts/+5511900000021/messages', {
      to: '+55 11 900000022',
      text: 'over HTTP',
    });

    expect(response.status).toBe(201);
    const { id } = response.body as { id: string };
    expect(id).toMatch(/^3A[0-9A-F]{18}$/);
    expect((await received.byId(id)).message.message?.conversation).toBe('over HTTP');
  });

  it('creates a group and answers 201 with its JID', async () => {
    const response = await call('POST', '/control/groups', {
      subject: 'HTTP group',
      participants: ['5511900000021', '5511900000022'],
      addressingMode: 'pn',
    });

    expect(response.status).toBe(201);
    expect((response.body as { jid: string }).jid).toMatch(/^120363\d{12}@g\.us$/);
  });

  it('lists what the account received from linked devices in its inbox', async () => {
    const id = await sendFromClient(client, '5511900000021@s.whatsapp.net', { text: 'read me' });

    const inbox = await eventually(async () => {
      const response = await call('GET', '/control/accounts/5511900000021/inbox');
      return (response.body as { id: string }[]).some((message) => message.id === id) ? response : undefined;
    }, 'the message in the inbox');

    expect(inbox.status).toBe(200);
    expect(inbox.body).toContainEqual({
      id,
      chat: '5511900000022@s.whatsapp.net',
      from: '5511900000022@s.whatsapp.net',
      type: 'text',
      text: 'read me',
      mentions: [],
      quotedId: null,
      at: expect.any(String),
    });
  });

  it.each([
    ['a missing text', { to: '5511900000022' }, /text/],
    ['an unknown field', { to: '5511900000022', text: 'x', urgent: true }, /urgent/],
    ['a bad mentionBy', { to: '5511900000022', text: 'x', mentionBy: 'name' }, /mentionBy/],
    ['a mention that is no phone number', { to: '5511900000022', text: 'x', mentions: ['bob'] }, /mentions\[0\]/],
    ['a corruptFirstCopy that is no boolean', { to: '5511900000022', text: 'x', corruptFirstCopy: 'yes' }, /corrupt/],
  ])('answers 400 for %s', async (_case, body, message) => {
    const response = await call('POST', '/control/accounts/5511900000021/messages', body);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(message),
    });
  });

  it.each([
    ['an unknown sender', '/control/accounts/5511900000099/messages', { to: '5511900000022', text: 'x' }],
    ['an unknown recipient', '/control/accounts/5511900000021/messages', { to: '5511900000099', text: 'x' }],
    [
      'an unknown quoted message',
      '/control/accounts/5511900000021/messages',
      { to: '5511900000022', text: 'x', quotedId: 'NOPE' },
    ],
    ['an unknown group participant', '/control/groups', { subject: 'x', participants: ['5511900000099'] }],
  ])('answers 404 for %s', async (_case, path, body) => {
    const response = await call('POST', path, body);

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('answers 403 when the sender is not in the group', async () => {
    sim.createAccount({ phoneNumber: '5511900000023', pushName: 'Carol' });
    const { jid } = await sim.createGroup({ subject: 'Closed', participants: ['5511900000022'] });

    const response = await call('POST', '/control/accounts/5511900000023/messages', { to: jid, text: 'let me in' });

    expect(response.status).toBe(403);
  });

  it('answers 404 for the inbox of an unknown account', async () => {
    expect((await call('GET', '/control/accounts/5511900000099/inbox')).status).toBe(404);
  });
});
