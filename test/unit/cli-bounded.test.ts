// `vta check` on inputs that used to crash it or flood the terminal (issue 20): the built bundle in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Rng } from '../support/random-program';

function vta(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/vta.cjs', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'vta-bounded-'));

test('conv3x3 with W = 65535 exits 1 with a bounded report, not 3 with a RangeError', () => {
  const file = join(dir, 'conv3x3-W65535.vta');
  writeFileSync(file, readFileSync('examples/conv3x3.vta', 'utf8').replace(/^const W = 6$/m, 'const W = 65535'));
  const r = vta('check', file);
  assert.equal(r.code, 1, r.err);
  assert.equal(r.err, '');
  const lines = r.out.trim().split('\n');
  assert.ok(lines.length < 20, r.out);
  assert.match(r.out, /error vta\.kernel\.size: loop runs 65535 times/);
});

test('--max-diagnostics bounds the lines per file; the rest is one vta.limit line', () => {
  const file = join(dir, 'many.vta');
  // 40 different out-of-bounds lines: 40 findings that do not merge.
  const body = Array.from({ length: 40 }, (_, i) => `  load inp sram=${4000 + i} dram=0 x=1`).join('\n');
  writeFileSync(file, `target default\ndata a : inp[64]\n${body}\n  finish\n`);
  const r = vta('check', '--max-diagnostics', '5', file);
  assert.equal(r.code, 1, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[4]!, /error vta\.limit: 37 more findings not shown \(37 errors; the first: /);
  assert.equal(JSON.parse(vta('check', '--format', 'json', '--max-diagnostics', '5', file).out).length, 5);
  assert.equal(vta('check', file).out.trim().split('\n').length, 41);
  const bad = vta('check', '--max-diagnostics', '0', file);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--max-diagnostics must be a positive integer/);
});

test('random 1,000-instruction streams, whatever their field values, are checked with well-formed findings', () => {
  const rng = new Rng(20);
  for (let k = 0; k < 4; k++) {
    const insn = new Uint8Array(16 * 1000);
    for (let i = 0; i < insn.length; i++) insn[i] = rng.int(0, 255);
    // Mostly LOAD, GEMM and ALU (opcodes 0, 2, 4): the ones whose sizes and loops used to be walked.
    for (let i = 0; i < 1000; i++) insn[16 * i] = (insn[16 * i]! & ~7) | rng.pick([0, 2, 4, 0, 2, 4, 1, 3]);
    const dram = new Uint8Array(1 << 15);
    for (let i = 0; i < dram.length; i++) dram[i] = rng.int(0, 255);
    writeFileSync(join(dir, `r${k}.insn.bin`), insn);
    writeFileSync(join(dir, `r${k}.dram.bin`), dram);
    const r = vta(
      'check',
      '--format',
      'json',
      '--insn',
      join(dir, `r${k}.insn.bin`),
      '--dram',
      join(dir, `r${k}.dram.bin`),
    );
    assert.equal(r.code, 1, r.err);
    const diags = JSON.parse(r.out) as Array<{
      range: { start: { line: number; character: number }; end: { line: number; character: number } };
    }>;
    assert.ok(diags.length > 0 && diags.length <= 300);
    for (const d of diags) {
      assert.ok(Number.isInteger(d.range.start.line) && Number.isInteger(d.range.end.character), JSON.stringify(d));
    }
  }
});
