// Every example program must highlight cleanly: no `invalid` scope anywhere, no text that
// no rule recognises, and every block closed at the end of the file.
// VTA_EXAMPLES_DIR points the test at another examples folder (default: <repo>/examples).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { loadGrammar, problems, root } from './textmate.mjs';

const dir = process.env.VTA_EXAMPLES_DIR ? path.resolve(process.env.VTA_EXAMPLES_DIR) : path.join(root, 'examples');

function filesUnder(d) {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(d, e.name)) : [path.join(d, e.name)],
  );
}
const files = filesUnder(dir)
  .filter((f) => /\.(vta|vtasched)$/.test(f))
  .sort();

test('the examples folder has programs and schedules to check', () => {
  assert.ok(
    files.some((f) => f.endsWith('.vta')),
    `no .vta file under ${dir}`,
  );
  assert.ok(
    files.some((f) => f.endsWith('.vtasched')),
    `no .vtasched file under ${dir}`,
  );
});

for (const file of files) {
  const lang = file.endsWith('.vtasched') ? 'vtasched' : 'vta';
  test(`${path.relative(dir, file)} highlights without invalid or unrecognised tokens`, async () => {
    const grammar = await loadGrammar(lang);
    const found = problems(grammar, readFileSync(file, 'utf8'), lang);
    assert.deepEqual(found, [], found.join('\n'));
  });
}

test('the checker itself notices a bad program', async () => {
  // Guards against a checker that can never fail.
  const grammar = await loadGrammar('vta');
  assert.equal(problems(grammar, 'target default\n  gemm k\n', 'vta').length, 0);
  assert.match(problems(grammar, '  push ld->st\n', 'vta').join('\n'), /invalid\.illegal\.queue/);
  assert.match(problems(grammar, 'const A = 1 # 2\n', 'vta').join('\n'), /invalid\.illegal\.character/);
  assert.match(problems(grammar, 'for i in 0..4 {\n  gemm k\n', 'vta').join('\n'), /block is still open/);
  const sched = await loadGrammar('vtasched');
  assert.match(problems(sched, 'conv2d c {\n  tile q=1\n}\n', 'vtasched').join('\n'), /invalid\.illegal\.subkey/);
});
