// Runs every test file with node's own test runner (its summary is what CI reads),
// then the TextMate grammar tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, pattern, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, pattern, out);
    else if (pattern.test(name)) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
const files = only.length ? only : find('test', /\.test\.ts$/);
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
let status = run.status ?? 1;
if (!only.length && existsSync('scripts/test-grammars.mjs')) {
  const g = spawnSync(process.execPath, ['scripts/test-grammars.mjs'], { stdio: 'inherit' });
  status ||= g.status ?? 1;
}
process.exit(status);
