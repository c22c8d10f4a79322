import type { SignedIn } from '../support/api-client';
import { eventually, RealtimeWatcher, SessionSocketReader } from '../support/realtime';
import { typePairingCode } from '../support/sim';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';

interface Session {
  id: string;
  status: string;
  jid: string | null;
  lid: string | null;
  phoneNumber: string | null;
  pushName: string | null;
  device: { platform: string | null; browser: string | null; deviceId: number | null } | null;
  lastConnectedAt: string | null;
  lastDisconnect: { code: number | null; reason: string; at: string } | null;
}

describe('session lifecycle against the simulator', () => {
  let wago: WagoWithSim;
  let token: string;
  let watcher: RealtimeWatcher;
  let phoneCounter = 0;

  beforeAll(async () => {
    // Three QR refs, the whole pairing window 4 s: long enough to scan in a test, short enough to time out in one.
    wago = await startWagoWithSim({ sim: { qr: { firstQrMs: 3_000, nextQrMs: 500, qrCount: 3 } } });
    token = wago.admin.accessToken;
    watcher = await RealtimeWatcher.connect(wago.server.baseUrl, token);
  });

  afterAll(async () => {
    watcher?.close();
    await wago?.stop();
  });

  const call = <T = Session>(method: string, path: string, body?: unknown, as: SignedIn = wago.admin) =>
    wago.api.call<T>(method, path, { token: as.accessToken, body });

  async function createWatchedSession(name: string): Promise<string> {
    const created = await call('POST', '/sessions', { name });
    expect(created.status).toBe(201);
    expect(await watcher.subscribe(created.body.id)).toEqual({ ok: true });
    return created.body.id;
  }

  function newAccount(): string {
    phoneCounter += 1;
    const phoneNumber = `1555030${String(phoneCounter).padStart(4, '0')}`;
    wago.sim.createAccount({ phoneNumber, pushName: `Owner ${phoneCounter}` });
    return phoneNumber;
  }

  async function keyRows(sessionId: string): Promise<number> {
    const rows = await (
      await wago.database.dataSource()
    ).query<{ count: string }[]>(
      `SELECT (SELECT count(*) FROM whatsapp_auth_keys WHERE session_id = $1)
            + (SELECT count(*) FROM whatsapp_auth_creds WHERE session_id = $1) AS count`,
      [sessionId],
    );
    return Number(rows[0].count);
  }

  /** A session started through the API and linked by a fresh sim account scanning its QR. */
  async function connectedSession(name: string): Promise<{ id: string; phoneNumber: string }> {
    const id = await createWatchedSession(name);
    const phoneNumber = newAccount();
    expect((await call('POST', `/sessions/${id}/start`)).status).toBe(202);
    const { qr } = await watcher.waitForQr(id);
    await wago.sim.link(phoneNumber, { qr });
    await watcher.waitForStatus(id, 'connected');
    return { id, phoneNumber };
  }

  it('pairs through the REST API while a Socket.IO client watches QR and status', async () => {
    const id = await createWatchedSession('pairing');
    await watcher.waitForStatus(id, 'created');
    const phoneNumber = newAccount();

    const started = await call('POST', `/sessions/${id}/start`);
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('starting');

    const shown = await watcher.waitForQr(id);
    const qr = await call<{ qr: string; expiresAt: string }>('GET', `/sessions/${id}/qr`);
    expect(qr.status).toBe(200);
    expect(qr.body).toEqual({ qr: shown.qr, expiresAt: shown.expiresAt });
    expect(new Date(qr.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const png = await fetch(`${wago.server.baseUrl}/api/v1/sessions/${id}/qr`, {
      headers: { authorization: `Bearer ${token}`, accept: 'image/png' },
    });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    await wago.sim.link(phoneNumber, { qr: shown.qr });
    await watcher.waitForStatus(id, 'connected');
    expect(watcher.statusesOf(id)).toEqual(['created', 'starting', 'qr', 'connected']);

    const session = (await call('GET', `/sessions/${id}`)).body;
    expect(session).toMatchObject({
      status: 'connected',
      jid: `${phoneNumber}@s.whatsapp.net`,
      phoneNumber,
      pushName: 'Owner 1',
      device: { platform: 'Ubuntu', browser: 'Chrome' },
    });
    expect(session.lid).toMatch(/^\d+@lid$/);
    expect(session.device?.deviceId).toBeGreaterThan(0);
    expect(Date.now() - new Date(session.lastConnectedAt as string).getTime()).toBeLessThan(30_000);

    const noQr = await call<{ message: string }>('GET', `/sessions/${id}/qr`);
    expect(noQr.status).toBe(409);
    expect(noQr.body.message).toContain('connected');
  });

  it('links by a pairing code typed on the phone', async () => {
    const id = await createWatchedSession('by-code');
    const phoneNumber = newAccount();
    const answer = await call<{ code: string }>('POST', `/sessions/${id}/pairing-code`, { phoneNumber });
    expect(answer.status).toBe(200);
    expect(answer.body.code).toMatch(/^[0-9A-Z]{8}$/);
    await watcher.waitForStatus(id, 'pairing_code');
    await typePairingCode(wago.sim, phoneNumber, answer.body.code);
    await watcher.waitForStatus(id, 'connected');
    expect((await call('GET', `/sessions/${id}`)).body.jid).toBe(`${phoneNumber}@s.whatsapp.net`);
  });

  it('refuses a pairing code request with a malformed phone number', async () => {
    const id = await createWatchedSession('bad-code');
    const answer = await call('POST', `/sessions/${id}/pairing-code`, { phoneNumber: 'call me' });
    expect(answer.status).toBe(400);
  });

  it('times out when nobody scans, closes the connection and does not loop', async () => {
    const id = await createWatchedSession('nobody-scans');
    await call('POST', `/sessions/${id}/start`);
    const timeout = await watcher.waitForStatus(id, 'qr_timeout', 15_000);
    expect(timeout.reason).toBe('qr_timeout');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const session = (await call('GET', `/sessions/${id}`)).body;
    expect(session.status).toBe('qr_timeout');
    expect(session.lastDisconnect).toMatchObject({ reason: 'qr_timeout' });
    expect(watcher.statusesOf(id).filter((status) => status === 'qr_timeout')).toHaveLength(1);
    expect((await call<{ message: string }>('GET', `/sessions/${id}/qr`)).body.message).toContain('qr_timeout');
  });

  it('answers 409 for the QR of a session that was never started', async () => {
    const id = await createWatchedSession('idle');
    const answer = await call<{ message: string }>('GET', `/sessions/${id}/qr`);
    expect(answer.status).toBe(409);
    expect(answer.body.message).toContain('created');
  });

  it.each([
    [401, 'logged_out', true],
    [403, 'banned', true],
    [440, 'replaced', false],
  ] as const)('stops for good on %p: status %s, credentials wiped: %p', async (code, status, wiped) => {
    const { id, phoneNumber } = await connectedSession(`final-${code}`);
    wago.sim.disconnect(phoneNumber, code);
    const event = await watcher.waitForStatus(id, status);
    expect(event.reason).toBe(status);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const session = (await call('GET', `/sessions/${id}`)).body;
    expect(session.status).toBe(status);
    expect(session.lastDisconnect).toMatchObject({ code, reason: status });
    expect(watcher.statusesOf(id)).not.toContain('reconnecting');
    expect((await keyRows(id)) === 0).toBe(wiped);
  });

  it.each([
    [500, 'bad_session'],
    [503, 'service_unavailable'],
    ['drop', 'connection_closed'],
  ] as const)('reconnects by itself after a %p (%s)', async (code, reason) => {
    const { id, phoneNumber } = await connectedSession(`flaky-${code}`);
    wago.sim.disconnect(phoneNumber, code);
    const event = await watcher.waitForStatus(id, 'reconnecting');
    expect(event.reason).toBe(reason);
    await eventually(() => watcher.statusesOf(id).at(-1) === 'connected', 'connected again');
    const session = (await call('GET', `/sessions/${id}`)).body;
    expect(session.status).toBe('connected');
    expect(session.lastDisconnect).toMatchObject({ reason });
  });

  it('stops keeping the credentials, and starts again without a QR', async () => {
    const { id } = await connectedSession('stop-start');
    const stopped = await call('POST', `/sessions/${id}/stop`);
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    expect(await keyRows(id)).toBeGreaterThan(0);

    const qrsBefore = watcher.qrs.filter((event) => event.sessionId === id).length;
    expect((await call('POST', `/sessions/${id}/start`)).status).toBe(202);
    await eventually(() => watcher.statusesOf(id).at(-1) === 'connected', 'connected again');
    expect(watcher.qrs.filter((event) => event.sessionId === id)).toHaveLength(qrsBefore);
  });

  it('logs out: the phone no longer lists the device and every key is gone', async () => {
    const { id, phoneNumber } = await connectedSession('logout');
    expect(wago.sim.devices(phoneNumber)).toHaveLength(1);
    const answer = await call('POST', `/sessions/${id}/logout`);
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('logged_out');
    expect(wago.sim.devices(phoneNumber)).toHaveLength(0);
    expect(await keyRows(id)).toBe(0);
    expect((await call('POST', `/sessions/${id}/logout`)).body.status).toBe('logged_out');
  });

  it('deletes a linked session by logging it out first', async () => {
    const { id, phoneNumber } = await connectedSession('delete');
    expect((await call('DELETE', `/sessions/${id}`)).status).toBe(204);
    expect(wago.sim.devices(phoneNumber)).toHaveLength(0);
    expect(await keyRows(id)).toBe(0);
    expect((await call('GET', `/sessions/${id}`)).status).toBe(404);
  });

  it('documents every lifecycle route in the OpenAPI document', async () => {
    const document = (await (await fetch(`${wago.server.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const session = '/api/v1/sessions/{id}';
    expect(Object.keys(document.paths[`${session}/start`].post.responses)).toContain('202');
    expect(Object.keys(document.paths[`${session}/qr`].get.responses)).toEqual(expect.arrayContaining(['200', '409']));
    expect(Object.keys(document.paths[`${session}/pairing-code`].post.responses)).toContain('200');
    expect(document.paths[`${session}/stop`].post).toBeDefined();
    expect(document.paths[`${session}/logout`].post).toBeDefined();
    expect(Object.keys(document.paths[session].delete.responses)).toContain('204');
  });

  describe('realtime access', () => {
    let bob: SignedIn;

    beforeAll(async () => {
      bob = await wago.api.createUser(wago.admin, 'bob');
    });

    it('refuses a Socket.IO client without a valid token at connect', async () => {
      await expect(RealtimeWatcher.connect(wago.server.baseUrl, 'not-a-token')).rejects.toThrow('unauthorized');
      await expect(RealtimeWatcher.connect(wago.server.baseUrl, undefined)).rejects.toThrow('unauthorized');
    });

    it('accepts the token as ?token= too', async () => {
      const { io } = await import('socket.io-client');
      const socket = io(wago.server.baseUrl, { path: '/socket.io', query: { token }, reconnection: false });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      socket.close();
    });

    it('answers a subscription to a foreign or unknown session with an error, and sends nothing of it', async () => {
      const id = await createWatchedSession('admin-only');
      const intruder = await RealtimeWatcher.connect(wago.server.baseUrl, bob.accessToken);
      try {
        expect(await intruder.subscribe(id)).toEqual({ ok: false, error: 'Session not found' });
        expect(await intruder.subscribe('00000000-0000-4000-8000-000000000000')).toMatchObject({ ok: false });
        await call('POST', `/sessions/${id}/start`);
        await watcher.waitForQr(id);
        expect(intruder.statuses).toEqual([]);
        expect(intruder.qrs).toEqual([]);
      } finally {
        intruder.close();
        await call('POST', `/sessions/${id}/stop`);
      }
    });

    it('streams the same events as JSON frames on the plain WebSocket, current state first', async () => {
      const id = await createWatchedSession('plain-ws');
      const reader = await SessionSocketReader.open(wago.server.baseUrl, id, token);
      try {
        await reader.waitForFrame('session.status', (data) => data.status === 'created');
        await call('POST', `/sessions/${id}/start`);
        const qr = await reader.waitForFrame('session.qr', () => true);
        expect(qr.data).toMatchObject({ sessionId: id, qr: expect.any(String), expiresAt: expect.any(String) });
        await reader.waitForFrame('session.status', (data) => data.status === 'qr');
      } finally {
        reader.close();
        await call('POST', `/sessions/${id}/stop`);
      }
    });

    it('refuses the plain WebSocket with 401 for a bad token and 404 for a foreign session', async () => {
      const id = await createWatchedSession('plain-ws-private');
      await expect(SessionSocketReader.open(wago.server.baseUrl, id, 'forged')).rejects.toMatchObject({ status: 401 });
      await expect(SessionSocketReader.open(wago.server.baseUrl, id, bob.accessToken)).rejects.toMatchObject({
        status: 404,
      });
      await expect(
        SessionSocketReader.open(wago.server.baseUrl, '00000000-0000-4000-8000-000000000000', token),
      ).rejects.toMatchObject({ status: 404 });
    });
  });
});
