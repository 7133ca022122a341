// Quick fixes write text a user would have written: the source's names, the line's
// alignment and indentation, and the `nop` a new push needs instead of an info about it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assembleText } from '../../core/asm';
import { checkProgram } from '../../core/analysis/check';
import type { Fix } from '../../core/lang/diagnostic';
import { lintSchedule, parseSchedule } from '../../core/schedule';

function applyEdits(
  text: string,
  edits: Fix['edits'] | Array<{ range: Fix['edits'][number]['range']; newText: string }>,
): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

const check = (text: string, file: string) => {
  const r = assembleText(text, { file });
  return checkProgram(r.program!, file, r.diagnostics);
};

test('the WAR fix guards on the loop bound as written (CO), not on its value', () => {
  const file = 'examples/defects/missing-war-token.vta';
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^for j in 0\.\.CO \{$/m);
  const fix = check(text, file).find((d) => d.code === 'vta.hazard.war')!.fixes![0]!;
  const added = fix.edits.map((e) => e.newText).join('');
  assert.match(added, /if j \+ 2 < CO \{/);
  assert.doesNotMatch(added, /< 4/);
  assert.deepEqual(
    check(applyEdits(text, fix.edits), file)
      .filter((d) => d.severity !== 'info')
      .map((d) => d.code),
    [],
  );
});

test('a loop bound that is an expression keeps its meaning inside the guard', () => {
  const text = [
    'target default',
    'const N = 1',
    'data x : inp[4]',
    'data w : wgt[8]',
    'data y : out[2]',
    'kernel g(r) { uop dst=r src=0 wgt=0 }',
    'load inp sram=0 dram=x y=1 x=4',
    'for j in N - 1..N << 1 {',
    '  load wgt sram=0 dram=w + j * 4 y=1 x=4',
    '  push ld->ex',
    '  load uop g(j)',
    '  pop ld->ex',
    '  gemm g(j) reset',
    '  gemm g(j) outer=4 src_out=1 wgt_out=1',
    '  push ex->st',
    '  pop ex->st',
    '  store out sram=j dram=y + j y=1 x=1',
    '}',
    'push st->ex',
    'pop st->ex',
    'finish',
    '',
  ].join('\n');
  const fix = check(text, 'e.vta').find((d) => d.code === 'vta.hazard.war')!.fixes![0]!;
  const added = fix.edits.map((e) => e.newText).join('');
  assert.match(added, /if j >= N - 1 \+ 1 \{/);
  assert.match(added, /if j \+ 1 < N << 1 \{/);
  assert.deepEqual(
    check(applyEdits(text, fix.edits), 'e.vta')
      .filter((d) => d.severity !== 'info')
      .map((d) => d.code),
    [],
  );
});

test("a push the deadlock fix adds where the instruction before it already pushes: with its nop, at the line's indentation", () => {
  const text = [
    'target default',
    'data x : inp[16]',
    '',
    '    load inp sram=0 dram=x y=1 x=1',
    '    push ld->ex',
    '    pop ld->ex',
    '    nop ex',
    '    pop ld->ex',
    '    finish',
    '',
  ].join('\n');
  const d = check(text, 'd.vta').find((x) => x.code === 'vta.tokens.deadlock')!;
  const fix = d.fixes!.find((f) => f.title.startsWith('push ld->ex'))!;
  assert.equal(fix.edits[0]!.newText, '    nop ld\n    push ld->ex\n');
  const repaired = check(applyEdits(text, fix.edits), 'd.vta');
  assert.deepEqual(
    repaired.map((x) => x.code),
    [],
    'no deadlock, and no info about an inserted nop',
  );
});

test("the tile fix replaces the tile's values and keeps the line's alignment", () => {
  const text = readFileSync('test/fixtures/schedules/resnet18-untuned.vtasched', 'utf8');
  const ast = parseSchedule(text);
  const lint = lintSchedule(ast, { file: 'test/fixtures/schedules/resnet18-untuned.vtasched' });
  const d = lint.diagnostics.find((x) => x.code === 'vtasched.bounds.inp' && x.message.startsWith('c3:'))!;
  const fix = d.fixes![0]!;
  const line = d.fixes![0]!.edits[0]!.range.start.line;
  const before = text.split('\n')[line]!;
  assert.match(before, /^ {2}tile {3}b=1 h=7 w=14 ci=64 co=32$/);
  const after = applyEdits(text, fix.edits).split('\n')[line]!;
  assert.equal(after, `  tile   ${fix.title.slice('Use tile '.length)}`);
  assert.equal(
    lintSchedule(parseSchedule(applyEdits(text, fix.edits)), {
      file: 'test/fixtures/schedules/resnet18-untuned.vtasched',
    }).diagnostics.filter((x) => x.message.startsWith('c3:')).length,
    0,
  );
});
