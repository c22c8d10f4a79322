// End-to-end tests run the real built server: compile it once, then provide the database as for integration tests.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import globalSetup from './global-setup';

export default async function globalSetupE2e(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  await globalSetup();
}
