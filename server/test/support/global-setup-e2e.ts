// End-to-end tests run the real built server and the console it serves in Chromium: build what changed (as `npm start` does), install Chromium if missing, then provide the database and the simulator's CA as for integration tests.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ensureChromium } from './browser';
import globalSetup from './global-setup';

export default async function globalSetupE2e(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), 'server', 'console'], {
    cwd: root,
    stdio: 'inherit',
  });
  ensureChromium();
  await globalSetup();
}
