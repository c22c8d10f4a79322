import { DataSource } from 'typeorm';
import { PostgresThrottlerStorage } from '../../src/auth/postgres-throttler-storage';
import { dataSourceOptions } from '../../src/core/database/data-source';
import { createTestDatabase, TestDatabase } from '../support/database';

const MINUTE_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('request rate limits counted in Postgres', () => {
  let database: TestDatabase;
  let nodeA: PostgresThrottlerStorage;
  let nodeB: PostgresThrottlerStorage;

  beforeAll(async () => {
    database = await createTestDatabase();
    const dataSource = await database.dataSource();
    nodeA = new PostgresThrottlerStorage(dataSource);
    nodeB = new PostgresThrottlerStorage(dataSource);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('counts the hits of every node against one budget and blocks the hit over it, on every node', async () => {
    const hits = [];
    for (const node of [nodeA, nodeB, nodeA, nodeB, nodeA])
      hits.push(await node.increment('default:10.0.0.1', MINUTE_MS, 3, MINUTE_MS, 'default'));
    expect(hits.map((hit) => [hit.totalHits, hit.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
      [4, true],
    ]);
    expect(hits[3].timeToBlockExpire).toBeGreaterThan(55);
    expect(hits[3].timeToBlockExpire).toBeLessThanOrEqual(60);
    expect(hits[0].timeToExpire).toBeLessThanOrEqual(60);
    const other = await nodeB.increment('default:10.0.0.2', MINUTE_MS, 3, MINUTE_MS, 'default');
    expect([other.totalHits, other.isBlocked]).toEqual([1, false]);
  });

  it('opens a new window once the last one is over, and counts again once a block is over', async () => {
    await nodeA.increment('auth:10.0.0.3', 300, 5, 300, 'auth');
    await nodeB.increment('auth:10.0.0.3', 300, 5, 300, 'auth');
    await sleep(400);
    expect((await nodeA.increment('auth:10.0.0.3', 300, 5, 300, 'auth')).totalHits).toBe(1);

    expect((await nodeA.increment('auth:10.0.0.4', MINUTE_MS, 1, 300, 'auth')).isBlocked).toBe(false);
    expect((await nodeB.increment('auth:10.0.0.4', MINUTE_MS, 1, 300, 'auth')).isBlocked).toBe(true);
    await sleep(400);
    const after = await nodeA.increment('auth:10.0.0.4', MINUTE_MS, 1, 300, 'auth');
    expect([after.totalHits, after.isBlocked]).toEqual([1, false]);
  });

  it('lets requests through, without an error, while the database is away', async () => {
    const away = new DataSource(dataSourceOptions(database.url));
    await away.initialize();
    await away.destroy();
    const storage = new PostgresThrottlerStorage(away);
    for (let hit = 0; hit < 3; hit++) {
      const record = await storage.increment('default:10.0.0.5', MINUTE_MS, 1, MINUTE_MS, 'default');
      expect([record.totalHits, record.isBlocked]).toEqual([0, false]);
    }
  });
});
