import { ApiClient } from '../support/api-client';
import { eventually, RealtimeWatcher } from '../support/realtime';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';

interface Session {
  id: string;
  status: string;
  jid: string | null;
  lid: string | null;
  phoneNumber: string | null;
  pushName: string | null;
  device: unknown;
  lastConnectedAt: string | null;
}

describe('restarting the server', () => {
  let wago: WagoWithSim;
  let restarted: ServerProcess | undefined;

  beforeAll(async () => {
    wago = await startWagoWithSim();
  });

  afterAll(async () => {
    await restarted?.stop();
    await wago?.stop();
  });

  it('reconnects a linked session from its stored credentials: no QR, the log line, metadata unchanged', async () => {
    const token = wago.admin.accessToken;
    const phoneNumber = '15550400001';
    wago.sim.createAccount({ phoneNumber, pushName: 'Restart Owner' });
    const watcher = await RealtimeWatcher.connect(wago.server.baseUrl, token);
    const { body: created } = await wago.api.call<Session>('POST', '/sessions', { token, body: { name: 'kept' } });
    await watcher.subscribe(created.id);
    await wago.api.call('POST', `/sessions/${created.id}/start`, { token });
    await wago.sim.link(phoneNumber, { qr: (await watcher.waitForQr(created.id)).qr });
    await watcher.waitForStatus(created.id, 'connected');
    watcher.close();
    const before = (await wago.api.call<Session>('GET', `/sessions/${created.id}`, { token })).body;

    expect(await wago.server.stop()).toBe(0);
    expect(wago.sim.devices(phoneNumber)).toHaveLength(1);

    const startedAt = Date.now();
    restarted = await startServerProcess({ databaseUrl: wago.database.url, env: wago.env });
    await restarted.waitForOutput(
      new RegExp(`Reconnecting session: ${created.id} \\(${phoneNumber}@s\\.whatsapp\\.net\\)`),
      30_000,
    );
    const client = new ApiClient(restarted.baseUrl);
    let after: Session | undefined;
    await eventually(
      async () => {
        after = (await client.call<Session>('GET', `/sessions/${created.id}`, { token })).body;
        return after.status === 'connected';
      },
      'the session connected again',
      30_000,
    );
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    const metadata = ({ jid, lid, phoneNumber, pushName, device }: Session) => ({
      jid,
      lid,
      phoneNumber,
      pushName,
      device,
    });
    expect(metadata(after as Session)).toEqual(metadata(before));
    expect(before.pushName).toBe('Restart Owner');
    expect(new Date((after as Session).lastConnectedAt as string).getTime()).toBeGreaterThan(
      new Date(before.lastConnectedAt as string).getTime(),
    );
    expect((await client.call('GET', `/sessions/${created.id}/qr`, { token })).status).toBe(409);
    expect(restarted.output()).not.toMatch(/Reconnecting session: .*\n[\s\S]*Reconnecting session: /);
    expect(wago.sim.devices(phoneNumber)).toHaveLength(1);
  });
});
