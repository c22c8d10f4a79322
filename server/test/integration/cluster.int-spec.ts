import { ClusterBus } from '../../src/cluster/cluster-bus';
import { ClusterMembership } from '../../src/cluster/cluster-membership';
import { ClusterNodesRepository } from '../../src/cluster/cluster-nodes.repository';
import { ClusterAnswerError, ClusterRequests, NodeUnavailableError } from '../../src/cluster/cluster-requests';
import { ConflictError } from '../../src/core/errors/domain-errors';
import { NodeIdentity } from '../../src/cluster/node-identity';
import { loadAppConfig } from '../../src/core/config/app-config';
import { Clock } from '../../src/core/runtime/clock';
import { createTestDatabase, TestDatabase } from '../support/database';
import { FakeClusterBus } from '../support/fake-cluster-bus';
import { eventually } from '../support/realtime';
import { TEST_JWT_SECRET } from '../support/server-process';

describe('the cluster on Postgres', () => {
  let database: TestDatabase;
  const started: { onApplicationShutdown(): Promise<void> }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    for (const part of started.reverse()) await part.onApplicationShutdown();
    await database?.drop();
  });

  async function busOf(node: NodeIdentity): Promise<ClusterBus> {
    const config = loadAppConfig({ JWT_SECRET: TEST_JWT_SECRET, DATABASE_URL: database.url });
    const bus = new ClusterBus(config, await database.dataSource(), node, new Clock());
    await bus.onModuleInit();
    started.push(bus);
    return bus;
  }

  function record(bus: ClusterBus): string[] {
    const heard: string[] = [];
    bus.on('send.queued', ({ sessionId }) => void heard.push(sessionId));
    return heard;
  }

  it('carries a message to every other node, in the order it was sent, and never back to its sender', async () => {
    const a = await busOf(new NodeIdentity(new Clock()));
    const b = await busOf(new NodeIdentity(new Clock()));
    const c = await busOf(new NodeIdentity(new Clock()));
    const [heardA, heardB, heardC] = [record(a), record(b), record(c)];
    const sent = Array.from({ length: 20 }, (_, index) => `session-${index}`);
    for (const sessionId of sent) await a.publish('send.queued', { sessionId });
    await eventually(async () => heardB.length === 20 && heardC.length === 20, 'both other nodes heard all', 5_000);
    expect(heardB).toEqual(sent);
    expect(heardC).toEqual(sent);
    expect(heardA).toEqual([]);
  });

  it('carries a message larger than NOTIFY takes through its table, keeping its place among the small ones', async () => {
    const a = await busOf(new NodeIdentity(new Clock()));
    const b = await busOf(new NodeIdentity(new Clock()));
    const heard = record(b);
    const large = `session-${'x'.repeat(20_000)}`;
    for (const sessionId of ['before', large, 'after']) await a.publish('send.queued', { sessionId });
    await eventually(async () => heard.length === 3, 'the other node heard all three', 5_000);
    expect(heard).toEqual(['before', large, 'after']);
  });

  it('listens again after its connection is cut, and hears what is sent from then on', async () => {
    const a = await busOf(new NodeIdentity(new Clock()));
    const b = await busOf(new NodeIdentity(new Clock()));
    const heard = record(b);
    const dataSource = await database.dataSource();
    const [{ cut }] = await dataSource.query<{ cut: number }[]>(
      `SELECT count(pg_terminate_backend(pid))::int AS cut FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'wago-cluster-bus'`,
    );
    expect(cut).toBeGreaterThanOrEqual(2);
    await eventually(
      async () => {
        await a.publish('send.queued', { sessionId: 'after the cut' });
        return heard.includes('after the cut');
      },
      'the node listens again',
      15_000,
    );
  });

  it('has a request answered by the node concerned, with its answer or its error, and by nobody else', async () => {
    const nodes = [new NodeIdentity(new Clock()), new NodeIdentity(new Clock()), new NodeIdentity(new Clock())];
    const [asking, running, other] = await Promise.all(
      nodes.map(async (node) => {
        const requests = new ClusterRequests(await busOf(node), node, new Clock());
        requests.onModuleInit();
        return requests;
      }),
    );
    const otherWasAsked: string[] = [];
    other.answer('session.pairing-code', ({ sessionId }) => {
      otherWasAsked.push(sessionId);
      return null;
    });
    running.answer('session.pairing-code', ({ sessionId, phoneNumber }) => {
      if (sessionId === 'elsewhere') return null;
      if (phoneNumber === 'refused') return Promise.reject(new ConflictError('cannot pair now'));
      return Promise.resolve({ code: `CODE-${phoneNumber}` });
    });
    expect(await asking.ask('session.pairing-code', { sessionId: 's1', phoneNumber: '42' }, 5_000)).toEqual({
      code: 'CODE-42',
    });
    const refused = asking.ask('session.pairing-code', { sessionId: 's1', phoneNumber: 'refused' }, 5_000);
    await expect(refused).rejects.toThrow(ClusterAnswerError);
    await expect(refused).rejects.toMatchObject({ status: 409, message: 'cannot pair now' });
    await expect(
      asking.ask('session.pairing-code', { sessionId: 'elsewhere', phoneNumber: '1' }, 1_000),
    ).rejects.toThrow(NodeUnavailableError);
    expect(otherWasAsked).toEqual(['s1', 's1', 'elsewhere']);
  });

  it('counts peers from a node’s announcement at once, and from the heartbeat otherwise', async () => {
    const nodes = new ClusterNodesRepository(await database.dataSource());
    const bus = new FakeClusterBus();
    const alone = new ClusterMembership(new NodeIdentity(new Clock()), nodes, bus.asBus(), new Clock());
    alone.onApplicationBootstrap();
    expect(bus.published).toEqual([{ kind: 'node.joined', payload: { nodeId: expect.any(String) } }]);
    await eventually(async () => (await alone.list()).length === 1, 'the node beat', 5_000);
    expect(alone.hasPeers()).toBe(false);
    bus.receive('node.joined', { nodeId: 'another-node' });
    expect(alone.hasPeers()).toBe(true);
    await alone.onApplicationShutdown();
  });

  it('lists the nodes alive with their sessions, marks the one asking, and drops one that left or went silent', async () => {
    const dataSource = await database.dataSource();
    const nodes = new ClusterNodesRepository(dataSource);
    const member = (): ClusterMembership =>
      new ClusterMembership(new NodeIdentity(new Clock()), nodes, new FakeClusterBus().asBus(), new Clock());
    const first = member();
    const second = member();
    const silent = member();
    first.reportSessionsWith(() => 3);
    second.reportSessionsWith(() => 4);
    for (const membership of [first, second, silent]) {
      membership.onApplicationBootstrap();
      started.push(membership);
    }
    await eventually(async () => (await first.list()).length === 3, 'three nodes beat', 5_000);
    const [silentRow] = (await silent.list()).filter((node) => node.self);
    await silent.onApplicationShutdown();
    const listed = await first.list();
    expect(listed.map((node) => node.id)).not.toContain(silentRow.id);
    expect([...listed].sort((x, y) => x.sessions - y.sessions)).toEqual([
      expect.objectContaining({ sessions: 3, self: true, version: expect.any(String), host: expect.any(String) }),
      expect.objectContaining({ sessions: 4, self: false }),
    ]);
    const secondId = listed.find((node) => !node.self)?.id as string;
    await dataSource.query(`UPDATE cluster_nodes SET last_seen_at = now() - interval '16 seconds' WHERE id = $1`, [
      secondId,
    ]);
    expect((await first.list()).map((node) => node.id)).not.toContain(secondId);
  });
});
