// Linking the real Baileys client to the sim: QR, the 515 restart, saved credentials, QR expiry, pairing codes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSim, type SimHandle } from '../../src/index';
import { loadWaLibrary, type WaLibrary } from '../../src/core/wa-library';
import { createTestClient, removeAuthDir, type TestClient } from '../support/baileys-client';

describe('linking a Baileys client', () => {
  let sim: SimHandle;
  let baileys: WaLibrary;
  const clients: TestClient[] = [];

  const client = (options?: Parameters<typeof createTestClient>[1]): TestClient => {
    const created = createTestClient(sim, options);
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    baileys = await loadWaLibrary();
    sim = await startSim();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((created) => created.stop()));
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('pairs by QR, restarts on 515 and logs in as the linked device without a new QR', async () => {
    sim.createAccount({ phoneNumber: '+15550100001', pushName: 'Alice' });
    const alice = client();
    await alice.connect();
    const qr = await alice.waitForQr();
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#2@/);

    const restart = alice.waitForClose();
    const { deviceJid } = await sim.link('15550100001', { qr });
    expect(deviceJid).toBe('15550100001:1@s.whatsapp.net');
    expect((await restart).statusCode).toBe(baileys.DisconnectReason.restartRequired);

    await alice.connect();
    await alice.waitForOpen();
    await alice.waitForPendingNotifications();
    expect(alice.qrs).toHaveLength(1);
    const lid = sim.accounts().find((account) => account.phoneNumber === '15550100001')?.lid ?? '';
    expect(alice.socket?.user).toMatchObject({ id: deviceJid, lid: lid.replace('@lid', ':1@lid') });
    expect(sim.devices('15550100001')).toEqual([
      expect.objectContaining({ deviceJid, online: true, preKeys: baileys.INITIAL_PREKEY_COUNT }),
    ]);
  });

  it('reuses saved credentials after the client process restarts', async () => {
    sim.createAccount({ phoneNumber: '15550100002', pushName: 'Bob' });
    const authDir = mkdtempSync(path.join(tmpdir(), 'wago-sim-auth-'));
    try {
      const first = client({ authDir });
      const { deviceJid } = await first.linkByQr('15550100002');
      await first.stop();

      const restarted = client({ authDir });
      await restarted.connect();
      await restarted.waitForOpen();
      expect(restarted.qrs).toEqual([]);
      expect(restarted.socket?.user?.id).toBe(deviceJid);
      expect(sim.devices('15550100002')).toHaveLength(1);
    } finally {
      await removeAuthDir(authDir);
    }
  });

  it('links a second device of the same account with the next device id', async () => {
    sim.createAccount({ phoneNumber: '15550100003', pushName: 'Carol' });
    const laptop = client();
    const desktop = client();
    const first = await laptop.linkByQr('15550100003');
    const second = await desktop.linkByQr('15550100003');
    expect([first.deviceJid, second.deviceJid]).toEqual([
      '15550100003:1@s.whatsapp.net',
      '15550100003:2@s.whatsapp.net',
    ]);
    const devices = await laptop.socket?.getUSyncDevices(['15550100003@s.whatsapp.net'], false, false);
    expect(devices?.map((device) => device.device).sort()).toEqual([0, 2]);
  });

  it('links with a pairing code typed into the phone', async () => {
    sim.createAccount({ phoneNumber: '15550100004', pushName: 'Dan' });
    const dan = client();
    const socket = await dan.connect();
    await dan.waitForQr();
    const pairingCode = await socket.requestPairingCode('15550100004');
    expect(pairingCode).toMatch(/^[0-9A-Z]{8}$/);

    const restart = dan.waitForClose();
    const { deviceJid } = await sim.link('+15550100004', { pairingCode });
    expect(deviceJid).toBe('15550100004:1@s.whatsapp.net');
    expect((await restart).statusCode).toBe(baileys.DisconnectReason.restartRequired);
    await dan.connect();
    await dan.waitForOpen();
    expect(dan.socket?.user?.id).toBe(deviceJid);
  });

  it('refuses a pairing code that is not the one the client shows', async () => {
    sim.createAccount({ phoneNumber: '15550100005', pushName: 'Eve' });
    const eve = client();
    const socket = await eve.connect();
    await eve.waitForQr();
    await socket.requestPairingCode('15550100005', 'ABCD1234');
    await expect(sim.link('15550100005', { pairingCode: 'WXYZ9876' })).rejects.toMatchObject({
      statusCode: 400,
      message: 'the pairing code does not match the one the device shows',
    });
    expect(sim.devices('15550100005')).toEqual([]);
  });

  it('rejects a QR nobody is showing and a QR for an unknown account', async () => {
    sim.createAccount({ phoneNumber: '15550100006', pushName: 'Fay' });
    const fay = client();
    await fay.connect();
    const qr = await fay.waitForQr();
    const [, data] = qr.split('#');
    const stranger = qr.replace(data.split(',')[0], '2@not-a-ref');

    await expect(sim.link('15550100006', { qr: stranger })).rejects.toMatchObject({ statusCode: 404 });
    await expect(sim.link('15550100099', { qr })).rejects.toMatchObject({ statusCode: 404 });
    await expect(sim.link('15550100006', { qr: 'hello' })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('QR codes that nobody scans', () => {
  let sim: SimHandle;
  let baileys: WaLibrary;
  let client: TestClient | undefined;

  beforeAll(async () => {
    baileys = await loadWaLibrary();
    sim = await startSim({ qr: { firstQrMs: 800, nextQrMs: 400, qrCount: 3 } });
  });

  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('rotates through every ref and then tells the client the QR timed out', async () => {
    // The client rotates on its own timer; give it the sim's cadence so it shows every ref.
    client = createTestClient(sim, { socket: { qrTimeout: 400 } });
    await client.connect();
    const closed = await client.waitForClose(5_000);
    expect(closed.statusCode).toBe(baileys.DisconnectReason.timedOut);
    expect(new Set(client.qrs).size).toBe(3);
  });

  it('ends the stream when the last ref expires even if the client would wait longer', async () => {
    client = createTestClient(sim);
    const started = Date.now();
    await client.connect();
    await client.waitForQr();
    const closed = await client.waitForClose(5_000);
    expect(closed.statusCode).toBe(baileys.DisconnectReason.timedOut);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(client.qrs).toHaveLength(1);
  });

  it('answers 410 for a QR whose ref has expired and links with the one on screen', async () => {
    sim.createAccount({ phoneNumber: '15550100007', pushName: 'Gus' });
    // Refs expire at 0.8 s, 1.2 s and 1.6 s; this client shows them at 0, 0.6 and 1.2 s.
    client = createTestClient(sim, { socket: { qrTimeout: 600 } });
    await client.connect();
    const first = await client.waitForQr(1);
    const second = await client.waitForQr(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(sim.link('15550100007', { qr: first })).rejects.toMatchObject({ statusCode: 410 });
    await expect(sim.link('15550100007', { qr: second })).resolves.toEqual({
      deviceJid: '15550100007:1@s.whatsapp.net',
    });
  });
});
