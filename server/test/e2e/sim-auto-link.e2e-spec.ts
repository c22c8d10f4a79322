import pino from 'pino';
import { startAutoLink } from '../../../sim/src/auto-link';
import { waitForStatus } from '../support/paired-session';
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
      const current = await waitForStatus(api, admin.accessToken, session.body.id, 'connected');
      expect(current).toMatchObject({ status: 'connected', pushName: 'Auto Phone' });
    } finally {
      autoLink.stop();
    }
  });
});
