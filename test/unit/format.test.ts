// The formatter as a check: every TypeScript and script file is as Prettier (pinned in
// package.json, settings in .prettierrc.json) prints it, so no review spends words on
// layout and no line grows past the width. `npm run format` rewrites; this test only reads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const prettierBin = createRequire(import.meta.url).resolve('prettier/bin/prettier.cjs');
const CODE = '**/*.{ts,mjs,cjs}';

/** Runs `prettier --list-different` over the globs in cwd: the files it would change. */
function unformatted(cwd: string, globs: string[]): { files: string[]; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [prettierBin, '--list-different', ...globs], { cwd, encoding: 'utf8' });
  return { files: r.stdout.split('\n').filter(Boolean), status: r.status, stderr: r.stderr };
}

test('every source file is formatted as Prettier prints it (npm run format fixes it)', () => {
  const r = unformatted(process.cwd(), [CODE]);
  assert.equal(r.stderr, '', 'Prettier ran without errors');
  assert.deepEqual(r.files, [], 'files Prettier would change: run `npm run format`');
  assert.equal(r.status, 0);
});

test('the check fails on a file with a line past the width and on odd layout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-format-'));
  try {
    // The project's own settings, so the negative case checks the same width.
    copyFileSync('.prettierrc.json', join(dir, '.prettierrc.json'));
    writeFileSync(join(dir, 'ok.ts'), 'export const a = 1;\n');
    writeFileSync(join(dir, 'long.ts'), `export const b = [${Array.from({ length: 40 }, (_, i) => i).join(', ')}];\n`);
    writeFileSync(join(dir, 'odd.ts'), 'export   function f( x:number ){return x}\n');
    assert.deepEqual(unformatted(dir, [CODE]).files.sort(), ['long.ts', 'odd.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
