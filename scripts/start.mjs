// `npm start`: build what changed since the last build (server, then console), then run the server in this process's place.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(entries) {
  let newest = 0;
  const visit = (entry) => {
    if (!existsSync(entry)) return;
    const stat = statSync(entry);
    if (stat.isDirectory()) {
      for (const name of readdirSync(entry)) if (name !== 'node_modules') visit(path.join(entry, name));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  entries.forEach((entry) => visit(path.join(root, entry)));
  return newest;
}

function buildIfStale(name, sources, stampFile, command, args) {
  const stamp = path.join(root, stampFile);
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newestMtime(sources)) return;
  console.log(`Building ${name}...`);
  execFileSync(command, args, { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, new Date().toISOString());
}

buildIfStale(
  'server',
  ['server/src', 'migrations', 'sim/src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
  'dist/.server-built',
  process.execPath,
  [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
);

buildIfStale(
  'console',
  ['admin/src', 'admin/tsconfig.json', 'admin/tsconfig.app.json', 'angular.json', 'package-lock.json'],
  'dist/.console-built',
  process.execPath,
  [path.join(root, 'node_modules/@angular/cli/bin/ng.js'), 'build'],
);

const server = spawn(process.execPath, [path.join(root, 'dist/server/src/main.js')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
