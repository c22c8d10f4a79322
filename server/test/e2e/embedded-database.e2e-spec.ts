import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiClient } from '../support/api-client';
import { startServerProcess } from '../support/server-process';

// The fresh-machine path: no DATABASE_URL, so WAGO runs its own Postgres under DATA_DIR and keeps data across restarts.
describe('the embedded database (no DATABASE_URL)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wago-embedded-'));

  const postgresRunningIn = (directory: string): boolean =>
    execFileSync('ps', ['-eo', 'args']).toString().includes(path.join(directory, 'postgres'));

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps users and sessions across a restart and leaves no Postgres behind', async () => {
    const first = await startServerProcess({ dataDir });
    await first.waitForOutput(/embedded Postgres with its data in/);
    const api = new ApiClient(first.baseUrl);
    const admin = await api.setupAdmin('owner', '11223344');
    const created = await api.call<{ id: string }>('POST', '/sessions', {
      token: admin.accessToken,
      body: { name: 'kept' },
    });
    expect(created.status).toBe(201);
    expect(await first.stop()).toBe(0);

    const second = await startServerProcess({ dataDir, port: first.port });
    try {
      const login = await api.call<{ accessToken: string }>('POST', '/auth/login', {
        body: { username: 'owner', pin: '11223344' },
      });
      expect(login.status).toBe(200);
      const session = await api.call<{ name: string }>('GET', `/sessions/${created.body.id}`, {
        token: login.body.accessToken,
      });
      expect(session.body.name).toBe('kept');
      expect(postgresRunningIn(dataDir)).toBe(true);
    } finally {
      expect(await second.stop()).toBe(0);
    }
    expect(postgresRunningIn(dataDir)).toBe(false);
  });
});
