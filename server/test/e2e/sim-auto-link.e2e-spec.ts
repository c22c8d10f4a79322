import pino from 'pino';
import { startAutoLink } from '../../../sim/src/auto-link';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';

// SIM_AUTO_LINK as `npm run sim` runs it: the simulator reads QRs from WAGO's API and a fresh phone scans each one.
describe('the simulator’s auto-link against a running gateway', () => {
  let world: WagoWithSim;

  beforeAll(async () => {
    world = await startWagoWithSim();
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('links every session that shows a QR, with no one scanning by hand', async () => {
    const { api, admin, sim } = world;
    const key = await api.call<{ key: string }>('POST', '/auth/api-keys', {
      token: admin.accessToken,
      body: { name: 'simulator' },
    });
    const autoLink = startAutoLink({
      delaySeconds: 0.2,
      gatewayUrl: world.server.baseUrl,
      apiKey: key.body.key,
      scan: (qr) => sim.scan(qr, 'Auto Phone'),
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 200,
    });
    try {
      const session = await api.call<{ id: string }>('POST', '/sessions', {
        token: admin.accessToken,
        body: { name: 'auto' },
      });
      expect((await api.call('POST', `/sessions/${session.body.id}/start`, { token: admin.accessToken })).status).toBe(
        202,
      );
      let current = { status: '', pushName: null as string | null };
      for (let waited = 0; current.status !== 'connected' && waited < 20_000; waited += 200) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        current = (await api.call<typeof current>('GET', `/sessions/${session.body.id}`, { token: admin.accessToken }))
          .body;
      }
      expect(current).toMatchObject({ status: 'connected', pushName: 'Auto Phone' });
    } finally {
      autoLink.stop();
    }
  });
});
