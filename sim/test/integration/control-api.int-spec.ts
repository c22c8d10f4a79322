// The control API over HTTP: the published routes, their status codes and the shape of their errors.
import { startSim, type SimHandle } from '../../src/index';
import { createTestClient, type TestClient } from '../support/baileys-client';

describe('control API over HTTP', () => {
  let sim: SimHandle;

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };

  beforeAll(async () => {
    sim = await startSim();
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('creates an account with a PN JID and a LID, tolerating a leading +', async () => {
    const created = await call('POST', '/control/accounts', { phoneNumber: '+15550400001', pushName: 'Alice' });
    expect(created).toEqual({
      status: 201,
      body: {
        phoneNumber: '15550400001',
        jid: '15550400001@s.whatsapp.net',
        lid: expect.stringMatching(/^\d{15}@lid$/),
      },
    });
    expect((await call('GET', '/control/accounts')).body).toEqual([
      expect.objectContaining({ phoneNumber: '15550400001', pushName: 'Alice' }),
    ]);
  });

  it('answers 409 for an account that already exists', async () => {
    await call('POST', '/control/accounts', { phoneNumber: '15550400002', pushName: 'Bob' });
    const duplicate = await call('POST', '/control/accounts', { phoneNumber: '15550400002', pushName: 'Bob' });
    expect(duplicate).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: 'account 15550400002 already exists' },
    });
  });

  it.each([
    ['a body that is not JSON', '{nope', 'body is not valid JSON'],
    ['a missing push name', { phoneNumber: '15550400003' }, 'pushName must be a non-empty string'],
    [
      'letters in the phone number',
      { phoneNumber: 'call me', pushName: 'X' },
      'phoneNumber must be a phone number of 6 to 15 digits',
    ],
    ['an unknown field', { phoneNumber: '15550400003', pushName: 'X', admin: true }, 'unknown field(s): admin'],
  ])('answers 400 with the reason for %s', async (_case, body, message) => {
    expect(await call('POST', '/control/accounts', body)).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message },
    });
  });

  it('answers 404 for links and disconnects of an unknown account', async () => {
    const link = await call('POST', '/control/accounts/15550409999/link', { pairingCode: 'ABCD1234' });
    const disconnect = await call('POST', '/control/accounts/15550409999/disconnect', { reason: 401 });
    for (const answer of [link, disconnect]) {
      expect(answer).toEqual({
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: 'no account 15550409999' },
      });
    }
  });

  it('validates link and disconnect bodies', async () => {
    await call('POST', '/control/accounts', { phoneNumber: '15550400004', pushName: 'Carol' });
    const both = await call('POST', '/control/accounts/15550400004/link', { qr: 'x', pairingCode: 'ABCD1234' });
    const reason = await call('POST', '/control/accounts/15550400004/disconnect', { reason: 404 });
    expect(both.body).toMatchObject({ statusCode: 400, message: 'give exactly one of qr or pairingCode' });
    expect(reason.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('reason must be one of') });
  });

  it('links a device by the QR string the client emitted and disconnects it with 204', async () => {
    await call('POST', '/control/accounts', { phoneNumber: '15550400005', pushName: 'Dan' });
    const client: TestClient = createTestClient(sim);
    try {
      await client.connect();
      const qr = await client.waitForQr();
      const restart = client.waitForClose();
      expect(await call('POST', '/control/accounts/+15550400005/link', { qr })).toEqual({
        status: 200,
        body: { deviceJid: '15550400005:1@s.whatsapp.net' },
      });
      await restart;
      await client.connect();
      await client.waitForOpen();
      const closed = client.waitForClose();
      expect(await call('POST', '/control/accounts/15550400005/disconnect', { reason: 'drop' })).toEqual({
        status: 204,
        body: undefined,
      });
      expect((await closed).statusCode).toBe(428);
    } finally {
      await client.stop();
    }
  });

  it('lets a fresh account scan a QR with /control/scan', async () => {
    const client = createTestClient(sim);
    try {
      await client.connect();
      const qr = await client.waitForQr();
      const scanned = await call('POST', '/control/scan', { qr, pushName: 'Walk-in' });
      expect(scanned).toEqual({
        status: 201,
        body: expect.objectContaining({
          pushName: 'Walk-in',
          deviceJid: expect.stringMatching(/^1555\d{7}:1@s\.whatsapp\.net$/),
        }),
      });
    } finally {
      await client.stop();
    }
  });

  it('starts and reports outages, and validates them', async () => {
    expect(await call('POST', '/control/outage', { seconds: 0.2, mode: 'delay' })).toEqual({
      status: 204,
      body: undefined,
    });
    expect((await call('GET', '/control/health')).body).toMatchObject({ status: 'ok', outage: 'delay' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await call('GET', '/control/health')).body).toMatchObject({ status: 'ok', outage: null });
    expect((await call('POST', '/control/outage', { seconds: 5, mode: 'flood' })).status).toBe(400);
    expect((await call('POST', '/control/outage', { seconds: -1, mode: 'refuse' })).status).toBe(400);
  });

  it('answers 404 for unknown routes and 405 for a known path with another method', async () => {
    expect(await call('GET', '/control/nothing')).toMatchObject({ status: 404, body: { statusCode: 404 } });
    expect(await call('DELETE', '/control/health')).toMatchObject({ status: 405, body: { statusCode: 405 } });
  });
});
