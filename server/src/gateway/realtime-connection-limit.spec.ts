import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAppConfig } from '../core/config/app-config';
import { RealtimeConnectionLimit } from './realtime-connection-limit';

describe('RealtimeConnectionLimit', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-realtime-'));
  const connections = (max: number): RealtimeConnectionLimit =>
    new RealtimeConnectionLimit(
      loadAppConfig({ DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40), REALTIME_CONNECTIONS_PER_USER: String(max) }),
    );

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses a user the connection beyond the cap, while others still connect', () => {
    const limiter = connections(2);
    expect(limiter.tryOpen('alice')).toBeDefined();
    expect(limiter.tryOpen('alice')).toBeDefined();
    expect(limiter.tryOpen('alice')).toBeUndefined();
    expect(limiter.tryOpen('bob')).toBeDefined();
  });

  it('gives a slot back when a connection ends, once however often it is released', () => {
    const limiter = connections(2);
    const first = limiter.tryOpen('alice');
    limiter.tryOpen('alice');
    first?.();
    first?.();
    expect(limiter.tryOpen('alice')).toBeDefined();
    expect(limiter.tryOpen('alice')).toBeUndefined();
  });
});
