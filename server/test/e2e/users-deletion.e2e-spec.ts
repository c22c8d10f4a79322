import { pairSession, poll } from '../support/paired-session';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';

describe('deleting a user who has a linked session', () => {
  let world: WagoWithSim;

  beforeAll(async () => {
    world = await startWagoWithSim();
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('logs the session out of the phone and removes it with the user', async () => {
    const { api, admin, sim } = world;
    const bob = await api.createUser(admin, 'bob');
    const session = await pairSession(api, bob.accessToken, sim, {
      name: 'bob-line',
      phoneNumber: '15550001234',
      pushName: 'Bob Phone',
    });
    expect(sim.devices(session.phoneNumber)).toHaveLength(1);

    const deleted = await api.call('DELETE', `/users/${bob.user.id}`, { token: admin.accessToken });
    expect(deleted.status).toBe(204);

    await poll(
      async () => sim.devices(session.phoneNumber).length,
      (count) => count === 0,
      'the phone to lose its linked device',
    );
    const answer = await api.call('GET', `/sessions/${session.id}`, { token: admin.accessToken });
    expect(answer.status).toBe(404);
  });
});
