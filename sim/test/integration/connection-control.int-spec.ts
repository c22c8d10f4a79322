// Forced disconnects and outages as the real Baileys client sees them.
import { startSim, type DisconnectReasonCode, type SimHandle } from '../../src/index';
import { loadWaLibrary, type WaLibrary } from '../../src/core/wa-library';
import { createLinkedClient, createTestClient, type TestClient } from '../support/baileys-client';

describe('forced disconnects', () => {
  let sim: SimHandle;
  let baileys: WaLibrary;
  const clients: TestClient[] = [];
  let nextPhone = 15550200000;

  const linkedClient = async (): Promise<TestClient & { deviceJid: string; phoneNumber: string }> => {
    const phoneNumber = String(++nextPhone);
    const client = await createLinkedClient(sim, { phoneNumber, pushName: `User ${phoneNumber}` });
    clients.push(client);
    await client.waitForPendingNotifications();
    return Object.assign(client, { phoneNumber });
  };

  beforeAll(async () => {
    baileys = await loadWaLibrary();
    sim = await startSim();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
  });

  afterAll(async () => {
    await sim.stop();
  });

  const cases: [DisconnectReasonCode, keyof WaLibrary['DisconnectReason']][] = [
    [401, 'loggedOut'],
    [403, 'forbidden'],
    [440, 'connectionReplaced'],
    [500, 'badSession'],
    [503, 'unavailableService'],
    [515, 'restartRequired'],
    ['drop', 'connectionClosed'],
  ];

  it.each(cases)('delivers disconnect %p to the client as DisconnectReason.%s', async (reason, expected) => {
    const client = await linkedClient();
    const closed = client.waitForClose();
    sim.disconnect(client.phoneNumber, reason);
    expect((await closed).statusCode).toBe(baileys.DisconnectReason[expected]);
  });

  it('disconnects every linked device of the account', async () => {
    const laptop = await linkedClient();
    const desktop = createTestClient(sim);
    clients.push(desktop);
    await desktop.linkByQr(laptop.phoneNumber);
    const closes = [laptop.waitForClose(), desktop.waitForClose()];
    sim.disconnect(laptop.phoneNumber, 503);
    const statusCodes = (await Promise.all(closes)).map((close) => close.statusCode);
    expect(statusCodes).toEqual([503, 503]);
  });

  it('logs the device out for good on 401: its saved credentials are refused afterwards', async () => {
    const client = await linkedClient();
    const closed = client.waitForClose();
    sim.disconnect(client.phoneNumber, 401);
    await closed;
    expect(sim.devices(client.phoneNumber)).toEqual([]);

    const refused = client.waitForClose();
    await client.connect();
    expect((await refused).statusCode).toBe(baileys.DisconnectReason.loggedOut);
  });

  it('logs in again with the saved credentials after a restart, a drop or a 503', async () => {
    const client = await linkedClient();
    for (const reason of [515, 'drop', 503] as const) {
      const closed = client.waitForClose();
      sim.disconnect(client.phoneNumber, reason);
      await closed;
      await client.connect();
      await client.waitForOpen();
    }
    expect(client.qrs).toHaveLength(1);
    expect(sim.devices(client.phoneNumber)).toEqual([expect.objectContaining({ online: true })]);
  });

  it('tells the older connection it was replaced when the same device logs in twice', async () => {
    const client = await linkedClient();
    const original = client.socket;
    const replaced = client.waitForClose();
    await client.connect();
    expect((await replaced).statusCode).toBe(baileys.DisconnectReason.connectionReplaced);
    await client.waitForOpen();
    expect(client.socket).not.toBe(original);
  });

  it('unlinks the device when the client logs out', async () => {
    const client = await linkedClient();
    const closed = client.waitForClose();
    await client.socket?.logout();
    expect((await closed).statusCode).toBe(baileys.DisconnectReason.loggedOut);
    expect(sim.devices(client.phoneNumber)).toEqual([]);
  });

  it('queues stanzas for a device that is away and delivers them, marked offline, before <ib><offline/>', async () => {
    const client = await linkedClient();
    const loggedIn: string[] = [];
    sim.core.onDeviceLogin((device) => {
      if (device.jid === client.deviceJid) loggedIn.push(device.jid);
    });
    const closed = client.waitForClose();
    sim.disconnect(client.phoneNumber, 'drop');
    await closed;
    const notification = (id: string) => ({
      tag: 'notification',
      attrs: { from: 's.whatsapp.net', type: 'sim-test', id },
    });
    expect([
      sim.core.sendNode(client.deviceJid, notification('n1')),
      sim.core.sendNode(client.deviceJid, notification('n2')),
    ]).toEqual(['queued', 'queued']);

    const socket = await client.connect();
    const arrived: { id: string; offline: string | undefined; beforeOfflineMarker: boolean }[] = [];
    let offlineMarker = false;
    socket.ws.on('CB:ib,,offline', () => (offlineMarker = true));
    socket.ws.on('CB:notification,type:sim-test', (node: { attrs: Record<string, string> }) =>
      arrived.push({ id: node.attrs.id, offline: node.attrs.offline, beforeOfflineMarker: !offlineMarker }),
    );
    await client.waitForPendingNotifications();
    expect(loggedIn).toEqual([client.deviceJid]);
    expect(arrived).toEqual([
      { id: 'n1', offline: '1', beforeOfflineMarker: true },
      { id: 'n2', offline: '1', beforeOfflineMarker: true },
    ]);
    expect(sim.core.sendNode(client.deviceJid, notification('n3'))).toBe('sent');
  });

  it('answers 404 for the account of a phone number the sim does not know', () => {
    expect(() => sim.disconnect('15559999999', 503)).toThrow(expect.objectContaining({ statusCode: 404 }));
  });
});

describe('outages', () => {
  let sim: SimHandle;
  let baileys: WaLibrary;
  let client: TestClient & { deviceJid: string };

  beforeAll(async () => {
    baileys = await loadWaLibrary();
    sim = await startSim();
  });

  beforeEach(async () => {
    const phoneNumber = String(15550300000 + Math.floor(Math.random() * 99_999));
    client = await createLinkedClient(sim, { phoneNumber, pushName: 'Outage' });
    await client.waitForPendingNotifications();
  });

  afterEach(async () => {
    await client.stop();
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('drops connections and refuses new ones during a "refuse" outage, then lets the client back in', async () => {
    const dropped = client.waitForClose();
    sim.outage({ seconds: 1.5, mode: 'refuse' });
    expect((await dropped).statusCode).toBe(baileys.DisconnectReason.connectionClosed);
    expect(sim.health()).toMatchObject({ outage: 'refuse', connections: 0 });

    const refused = client.waitForClose();
    await client.connect();
    expect((await refused).statusCode).toBe(baileys.DisconnectReason.connectionLost);

    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await client.connect();
    await client.waitForOpen();
    expect(sim.health().outage).toBeNull();
  });

  it('holds every answer until a "delay" outage is over, then delivers them in order', async () => {
    sim.outage({ seconds: 1.5, mode: 'delay' });
    const started = Date.now();
    const [result] = (await client.socket?.onWhatsApp(client.deviceJid.split(':')[0])) ?? [];
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(result).toMatchObject({ exists: true });
  });
});
