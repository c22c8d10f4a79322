// Builds the server and the console only when their sources changed since the last build; `npm start` and the
// end-to-end tests' global setup share it. As a script: `node scripts/build.mjs server console`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeModules = path.join(root, 'node_modules');

export const BUILDS = {
  server: {
    sources: ['server/src', 'migrations', 'sim/src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    stamp: 'dist/.server-built',
    output: 'dist/server/src/main.js',
    args: [path.join(nodeModules, 'typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
  },
  console: {
    sources: [
      'admin/src',
      'admin/public',
      'admin/tsconfig.json',
      'admin/tsconfig.app.json',
      'angular.json',
      'package-lock.json',
    ],
    stamp: 'dist/.console-built',
    output: 'dist/admin/browser/index.html',
    args: [path.join(nodeModules, '@angular/cli/bin/ng.js'), 'build'],
  },
};

/** Directories count too, so a deleted source file makes the build stale. */
function newestMtime(entries) {
  let newest = 0;
  const visit = (entry) => {
    if (!existsSync(entry)) return;
    const stat = statSync(entry);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) {
      for (const name of readdirSync(entry)) if (name !== 'node_modules') visit(path.join(entry, name));
    }
  };
  entries.forEach((entry) => visit(path.join(root, entry)));
  return newest;
}

function isFresh(build) {
  const stamp = path.join(root, build.stamp);
  return (
    existsSync(path.join(root, build.output)) &&
    existsSync(stamp) &&
    statSync(stamp).mtimeMs >= newestMtime(build.sources)
  );
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Whether the process that took a lock still runs; a build that was killed leaves its lock behind. */
function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** One build of a kind at a time in this tree: engineers and test runs share it, and two builds would mix outputs. */
function withLock(name, run) {
  const lock = path.join(root, `dist/.${name}-build.lock`);
  mkdirSync(path.dirname(lock), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let owner;
      try {
        // Empty (0) for the moment between the owner creating the lock and writing its id.
        owner = Number(readFileSync(lock, 'utf8'));
      } catch (readError) {
        if (readError.code === 'ENOENT') continue;
        throw readError;
      }
      if (owner > 0 && !isRunning(owner)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!announced) console.log(`Waiting for another build of the ${name} (process ${owner})...`);
      announced = true;
      sleep(200);
    }
  }
  try {
    run();
  } finally {
    rmSync(lock, { force: true });
  }
}

export function buildIfStale(name) {
  const build = BUILDS[name];
  if (!build) throw new Error(`Unknown build "${name}": one of ${Object.keys(BUILDS).join(', ')}`);
  if (isFresh(build)) return;
  withLock(name, () => {
    // Another process may have built it while this one waited for the lock.
    if (isFresh(build)) return;
    console.log(`Building ${name}...`);
    const startedAt = new Date();
    execFileSync(process.execPath, build.args, { cwd: root, stdio: 'inherit' });
    // Stamped with the start time: a source saved during the build makes the next run build again.
    const stamp = path.join(root, build.stamp);
    writeFileSync(stamp, startedAt.toISOString());
    utimesSync(stamp, startedAt, startedAt);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const name of process.argv.slice(2)) buildIfStale(name);
}
