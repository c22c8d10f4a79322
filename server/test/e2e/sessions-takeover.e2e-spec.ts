import { ApiClient } from '../support/api-client';
import { eventually, RealtimeWatcher } from '../support/realtime';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';

describe('two WAGO processes on one database', () => {
  let wago: WagoWithSim;
  let second: ServerProcess | undefined;

  beforeAll(async () => {
    wago = await startWagoWithSim();
  });

  afterAll(async () => {
    await second?.stop();
    await wago?.stop();
  });

  it('never opens a session the other owns, and takes it over within 30 s once the owner is killed', async () => {
    const token = wago.admin.accessToken;
    const phoneNumber = '15550500001';
    wago.sim.createAccount({ phoneNumber, pushName: 'Shared' });
    const watcher = await RealtimeWatcher.connect(wago.server.baseUrl, token);
    const { body: session } = await wago.api.call<{ id: string }>('POST', '/sessions', {
      token,
      body: { name: 'one' },
    });
    await watcher.subscribe(session.id);
    await wago.api.call('POST', `/sessions/${session.id}/start`, { token });
    await wago.sim.link(phoneNumber, { qr: (await watcher.waitForQr(session.id)).qr });
    await watcher.waitForStatus(session.id, 'connected');

    second = await startServerProcess({ databaseUrl: wago.database.url, env: wago.env });
    // Several ownership scans (one a second here) pass: the second process must leave the session alone.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(second.output()).not.toContain(`Reconnecting session: ${session.id}`);
    expect(wago.sim.health().connections).toBe(1);
    expect(watcher.statusesOf(session.id).at(-1)).toBe('connected');
    watcher.close();

    const killedAt = Date.now();
    await wago.server.kill();
    await second.waitForOutput(
      new RegExp(`Reconnecting session: ${session.id} \\(${phoneNumber}@s\\.whatsapp\\.net\\)`),
      30_000,
    );
    const survivor = new ApiClient(second.baseUrl);
    await eventually(
      async () =>
        (await survivor.call<{ status: string }>('GET', `/sessions/${session.id}`, { token })).body.status ===
        'connected',
      'the survivor connected the session',
      30_000,
    );
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    expect(wago.sim.devices(phoneNumber)).toHaveLength(1);
  });
});
