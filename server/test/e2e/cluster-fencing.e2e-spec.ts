// A node whose lease connection went silent keeps its WhatsApp socket for a few seconds before its heartbeat notices.
// Meanwhile Postgres has freed its locks and another node takes the session over: WhatsApp tells the old socket it
// was `replaced` (440). That is our own takeover, not a user's other device: the stale node's writes are fenced off
// by the lease epoch, so the session stays running and connected on the new owner.
import { startSim, SimHandle } from '../../../sim/src/index';
import { ApiClient } from '../support/api-client';
import { createTestDatabase, TestDatabase } from '../support/database';
import { FreezablePostgresProxy, startFreezablePostgresProxy } from '../support/freezable-postgres-proxy';
import { pairSession } from '../support/paired-session';
import { eventually } from '../support/realtime';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { FAST_WHATSAPP_ENV } from '../support/wago-with-sim';

interface SessionBody {
  status: string;
  lastDisconnect: { reason: string } | null;
}

describe('fencing a node that lost its lease without noticing', () => {
  let sim: SimHandle;
  let database: TestDatabase;
  let proxy: FreezablePostgresProxy;
  const nodes: ServerProcess[] = [];

  beforeAll(async () => {
    sim = await startSim();
    database = await createTestDatabase({ migrate: false });
    proxy = await startFreezablePostgresProxy(database.url);
  });

  afterAll(async () => {
    for (const node of nodes) await node.kill();
    await proxy?.close();
    await sim?.stop();
    await database?.drop();
  });

  it('keeps the session with the node that took it over: the stale owner writes nothing, 440 or not', async () => {
    const env = { ...FAST_WHATSAPP_ENV, WA_WS_URL: sim.wsUrl };
    // The stale owner reaches Postgres through the proxy, so its lease connection alone can be made to go silent.
    const stale = await startServerProcess({ databaseUrl: proxy.url, env });
    nodes.push(stale);
    const api = new ApiClient(stale.baseUrl);
    const { accessToken: token } = await api.setupAdmin();
    const session = await pairSession(api, token, sim, {
      name: 'fenced',
      phoneNumber: '15550907001',
      pushName: 'Fenced',
    });
    const taker = await startServerProcess({ databaseUrl: database.url, env });
    nodes.push(taker);
    const fromTaker = new ApiClient(taker.baseUrl);
    const read = async (): Promise<SessionBody> =>
      (await fromTaker.call<SessionBody>('GET', `/sessions/${session.id}`, { token })).body;

    // The stale owner's lease connection goes silent, and Postgres ends its backend: the lock is free, and the stale
    // owner does not know yet.
    proxy.freeze('wago-session-leases');
    const dataSource = await database.dataSource();
    await dataSource.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks
        WHERE locktype = 'advisory' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );

    await eventually(() => /Reconnecting session: /.test(taker.output()), 'the other node taking the session over');
    await eventually(() => /owned by another node now/.test(stale.output()), 'the stale owner letting go', 30_000);
    await eventually(async () => (await read()).status === 'connected', 'the session connected on its new owner');
    // Past the stale owner's heartbeat and every write it could still have tried.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const after = await read();
    expect(after.status).toBe('connected');
    expect(after.lastDisconnect?.reason).not.toBe('replaced');
    expect(sim.devices(session.phoneNumber)).toHaveLength(1);
    const [row] = await dataSource.query<{ desired_state: string; lease_epoch: number }[]>(
      `SELECT desired_state, lease_epoch FROM sessions WHERE id = $1`,
      [session.id],
    );
    expect(row).toEqual({ desired_state: 'running', lease_epoch: 2 });
  });
});
