// Three WAGO processes on one database behind no proxy at all: every request and realtime client goes to a node of
// the test's choosing, and each must answer as if it ran every session itself.
import { ApiClient, SignedIn } from '../support/api-client';
import { eventually, RealtimeWatcher, SessionSocketReader } from '../support/realtime';
import { startRoundRobinProxy } from '../support/round-robin-proxy';
import { typePairingCode } from '../support/sim';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';

interface ClusterAnswer {
  nodes: {
    id: string;
    host: string;
    version: string;
    startedAt: string;
    lastSeenAt: string;
    sessions: number;
    self: boolean;
  }[];
}

describe('a cluster of three nodes', () => {
  let wago: WagoWithSim;
  let others: ServerProcess[] = [];
  let a: ApiClient;
  let b: ApiClient;
  let c: ApiClient;
  let token: string;

  beforeAll(async () => {
    wago = await startWagoWithSim();
    others = await Promise.all([
      startServerProcess({ databaseUrl: wago.database.url, env: wago.env }),
      startServerProcess({ databaseUrl: wago.database.url, env: wago.env }),
    ]);
    a = wago.api;
    [b, c] = others.map((node) => new ApiClient(node.baseUrl));
    token = wago.admin.accessToken;
  });

  afterAll(async () => {
    await Promise.all(others.map((node) => node.stop()));
    await wago?.stop();
  });

  it('lists its nodes to an admin on every node, each marking itself, and to nobody else', async () => {
    const ids = new Set<string>();
    for (const node of [a, b, c]) {
      const answer = await node.call<ClusterAnswer>('GET', '/cluster', { token });
      expect(answer.status).toBe(200);
      expect(answer.body.nodes).toHaveLength(3);
      const self = answer.body.nodes.filter((listed) => listed.self);
      expect(self).toHaveLength(1);
      ids.add(self[0].id);
      for (const listed of answer.body.nodes) {
        expect(listed).toEqual({
          id: expect.any(String),
          host: expect.any(String),
          version: expect.any(String),
          startedAt: expect.any(String),
          lastSeenAt: expect.any(String),
          sessions: 0,
          self: expect.any(Boolean),
        });
      }
    }
    expect(ids.size).toBe(3);
    const user: SignedIn = await a.createUser(wago.admin, 'cluster-viewer');
    const refused = await b.call('GET', '/cluster', { token: user.accessToken });
    expect(refused.status).toBe(403);
  });

  it('shows the QR, the status and the events of a session through every node, and sends and stops through any', async () => {
    const phoneNumber = '15550700001';
    wago.sim.createAccount({ phoneNumber, pushName: 'Clustered' });
    const recipient = '15550700002';
    wago.sim.createAccount({ phoneNumber: recipient, pushName: 'Recipient' });
    const { body: session } = await a.call<{ id: string }>('POST', '/sessions', { token, body: { name: 'clustered' } });
    const watcherOnC = await RealtimeWatcher.connect(others[1].baseUrl, token);
    await watcherOnC.subscribe(session.id);
    const readerOnB = await SessionSocketReader.open(others[0].baseUrl, session.id, token);

    // Started through A: A runs it.
    expect((await a.call('POST', `/sessions/${session.id}/start`, { token })).status).toBe(202);
    const qrOnC = await watcherOnC.waitForQr(session.id);
    await readerOnB.waitForFrame('session.qr', (data) => data.qr === qrOnC.qr);
    for (const node of [b, c]) {
      const served = await node.call<{ qr: string }>('GET', `/sessions/${session.id}/qr`, { token });
      expect(served.status).toBe(200);
      expect(served.body.qr).toBe(qrOnC.qr);
    }

    await wago.sim.link(phoneNumber, { qr: qrOnC.qr });
    await watcherOnC.waitForStatus(session.id, 'connected');
    await readerOnB.waitForFrame('session.status', (data) => data.status === 'connected');
    await eventually(
      async () => {
        const { body } = await c.call<ClusterAnswer>('GET', '/cluster', { token });
        return (
          body.nodes
            .map((node) => node.sessions)
            .sort()
            .join() === '0,0,1'
        );
      },
      'one node reports the session it runs',
      15_000,
    );

    const sent = await c.call<{ id: string }>('POST', `/sessions/${session.id}/messages`, {
      token,
      body: { to: recipient, text: 'sent through another node' },
    });
    expect([201, 202]).toContain(sent.status);
    await eventually(
      () => wago.sim.inbox(recipient).some((message) => message.text === 'sent through another node'),
      'the message reached the recipient',
      15_000,
    );
    // The live tail: the owner's event reaches the clients of the other nodes, on Socket.IO (C) and /ws (B).
    const sentEvent = await watcherOnC.waitForEvent(
      (event) => event.type === 'message.sent' && event.data.text === 'sent through another node',
    );
    const frame = await readerOnB.waitForFrame(
      'session.event',
      (data) => data.type === 'message.sent' && (data.data as { text?: unknown }).text === 'sent through another node',
    );
    expect(frame.data).toEqual(sentEvent);
    expect(watcherOnC.events.filter((event) => event.id === sentEvent.id)).toHaveLength(1);

    expect((await b.call('POST', `/sessions/${session.id}/stop`, { token })).status).toBe(200);
    await watcherOnC.waitForStatus(session.id, 'stopped');
    await eventually(() => wago.sim.health().connections === 0, 'the owner closed the connection', 15_000);
    const { body: stopped } = await a.call<{ status: string }>('GET', `/sessions/${session.id}`, { token });
    expect(stopped.status).toBe('stopped');
    watcherOnC.close();
    readerOnB.close();
  });

  it('gives a pairing code and logs out through nodes that do not run the session', async () => {
    const phoneNumber = '15550700003';
    wago.sim.createAccount({ phoneNumber, pushName: 'By code' });
    const { body: session } = await a.call<{ id: string }>('POST', '/sessions', { token, body: { name: 'by-code' } });
    const watcher = await RealtimeWatcher.connect(wago.server.baseUrl, token);
    await watcher.subscribe(session.id);
    await a.call('POST', `/sessions/${session.id}/start`, { token });
    await watcher.waitForQr(session.id);

    // A runs it; B asks A for the code.
    const answer = await b.call<{ code: string }>('POST', `/sessions/${session.id}/pairing-code`, {
      token,
      body: { phoneNumber },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.code).toMatch(/^[0-9A-Z]{8}$/);
    await watcher.waitForStatus(session.id, 'pairing_code');
    await typePairingCode(wago.sim, phoneNumber, answer.body.code);
    await watcher.waitForStatus(session.id, 'connected');

    // C asks A to log it out: the phone loses the device, the session keeps its record.
    const loggedOut = await c.call<{ status: string }>('POST', `/sessions/${session.id}/logout`, { token });
    expect(loggedOut.status).toBe(200);
    expect(loggedOut.body.status).toBe('logged_out');
    await eventually(() => wago.sim.devices(phoneNumber).length === 0, 'the phone lost the linked device', 15_000);
    await watcher.waitForStatus(session.id, 'logged_out');
    watcher.close();
  });

  it('serves the console’s Socket.IO (WebSocket transport) and the API through a plain round-robin proxy', async () => {
    const proxy = await startRoundRobinProxy(() => [wago.server.baseUrl, ...others.map((node) => node.baseUrl)]);
    try {
      const api = new ApiClient(proxy.url);
      const { body: session } = await api.call<{ id: string }>('POST', '/sessions', {
        token,
        body: { name: 'proxied' },
      });
      // One client per node behind the proxy, as the console's are: WebSocket only, no sticky sessions.
      const watchers = await Promise.all(
        [0, 1, 2].map(() => RealtimeWatcher.connect(proxy.url, token, { transports: ['websocket'] })),
      );
      for (const watcher of watchers) expect((await watcher.subscribe(session.id)).ok).toBe(true);
      expect((await api.call('POST', `/sessions/${session.id}/start`, { token })).status).toBe(202);
      const qrs = await Promise.all(watchers.map((watcher) => watcher.waitForQr(session.id)));
      expect(new Set(qrs.map((qr) => qr.qr)).size).toBe(1);
      for (let request = 0; request < 3; request++) {
        expect((await api.call<{ qr: string }>('GET', `/sessions/${session.id}/qr`, { token })).body.qr).toBe(
          qrs[0].qr,
        );
      }
      expect((await api.call('POST', `/sessions/${session.id}/stop`, { token })).status).toBe(200);
      await Promise.all(watchers.map((watcher) => watcher.waitForStatus(session.id, 'stopped')));
      watchers.forEach((watcher) => watcher.close());
    } finally {
      await proxy.close();
    }
  });
});
