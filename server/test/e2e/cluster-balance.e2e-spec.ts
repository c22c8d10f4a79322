// Sessions spread over the nodes as they come and go: a joining node takes its share by handoff, a stopping one
// hands every session to the others before it exits. No session ever shows a QR again, no phone ever sees a second
// linked device.
import { ApiClient } from '../support/api-client';
import { pairSession, PairedSession } from '../support/paired-session';
import { eventually } from '../support/realtime';
import { startServerProcess } from '../support/server-process';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';

interface ClusterAnswer {
  nodes: { id: string; sessions: number; self: boolean }[];
}

const SESSIONS = 6;

describe('balancing sessions over the nodes', () => {
  let wago: WagoWithSim;
  let token: string;
  const paired: PairedSession[] = [];

  beforeAll(async () => {
    wago = await startWagoWithSim();
    token = wago.admin.accessToken;
    for (let index = 0; index < SESSIONS; index++) {
      paired.push(
        await pairSession(wago.api, token, wago.sim, {
          name: `spread-${index}`,
          phoneNumber: `155508000${String(index).padStart(2, '0')}`,
          pushName: `Spread ${index}`,
        }),
      );
    }
  });

  afterAll(async () => {
    await wago?.stop();
  });

  const loads = async (api: ApiClient): Promise<number[]> => {
    const { body } = await api.call<ClusterAnswer>('GET', '/cluster', { token });
    return body.nodes.map((node) => node.sessions).sort((a, b) => a - b);
  };

  const allConnected = async (api: ApiClient): Promise<boolean> => {
    const statuses = await Promise.all(
      paired.map(
        async (session) =>
          (await api.call<{ status: string }>('GET', `/sessions/${session.id}`, { token })).body.status,
      ),
    );
    return statuses.every((status) => status === 'connected');
  };

  it('gives a joining node its share, and takes every session back when that node stops', async () => {
    await eventually(
      async () => (await loads(wago.api)).join() === String(SESSIONS),
      'the node reports its sessions',
      15_000,
    );
    const joining = await startServerProcess({ databaseUrl: wago.database.url, env: wago.env });
    const other = new ApiClient(joining.baseUrl);
    await eventually(async () => (await loads(other)).join() === '3,3', 'three sessions on each node', 60_000);
    await eventually(() => allConnected(other), 'every session connected again', 30_000);
    expect(joining.output()).toContain('Reconnecting session:');
    expect(wago.server.output()).toMatch(/handed off to node/);
    for (const session of paired) expect(wago.sim.devices(session.phoneNumber)).toHaveLength(1);

    // SIGTERM: the joining node hands its three sessions back before it exits.
    const code = await joining.stop();
    expect(code).toBe(0);
    expect(joining.output()).toMatch(/Handed 3 session\(s\) to the other nodes/);
    await eventually(() => allConnected(wago.api), 'every session connected on the remaining node', 30_000);
    await eventually(
      async () => (await loads(wago.api)).join() === String(SESSIONS),
      'all sessions on one node',
      15_000,
    );
    for (const session of paired) expect(wago.sim.devices(session.phoneNumber)).toHaveLength(1);
  });
});
