// Fails when the console's texts changed since admin/src/locale/messages.json was extracted: a new or changed text
// would otherwise reach users untranslated while the translation spec still compares against the old extraction.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const committedFile = path.join(root, 'admin/src/locale/messages.json');
const outputPath = mkdtempSync(path.join(tmpdir(), 'wago-i18n-'));

try {
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/@angular/cli/bin/ng.js'), 'extract-i18n', '--output-path', outputPath],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const read = (file) => JSON.parse(readFileSync(file, 'utf8')).translations;
  const fresh = read(path.join(outputPath, 'messages.json'));
  const committed = read(committedFile);
  const added = Object.keys(fresh).filter((id) => !(id in committed));
  const removed = Object.keys(committed).filter((id) => !(id in fresh));
  if (added.length > 0 || removed.length > 0) {
    for (const id of added) console.error(`new: ${id} ${JSON.stringify(fresh[id])}`);
    for (const id of removed) console.error(`gone: ${id} ${JSON.stringify(committed[id])}`);
    console.error('The console’s texts changed: run `npm run i18n:extract`, then translate the new messages.');
    process.exitCode = 1;
  } else {
    console.log(`The console's ${Object.keys(fresh).length} messages are extracted and current.`);
  }
} finally {
  rmSync(outputPath, { recursive: true, force: true });
}
