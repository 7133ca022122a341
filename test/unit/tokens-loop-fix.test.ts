// The fix for a hazard across loop iterations (double buffering without its tokens)
// inserts guarded push/pop lines, and the repaired program checks clean and balanced.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assembleText } from '../../core/asm';
import { checkProgram } from '../../core/analysis/check';
import type { Fix } from '../../core/lang/diagnostic';

function apply(text: string, fix: Fix): string {
  const lines = text.split('\n');
  const edits = [...fix.edits].sort((a, b) => b.range.start.line - a.range.start.line);
  for (const e of edits) {
    assert.equal(e.range.start.character, 0);
    assert.deepEqual(e.range.start, e.range.end);
    lines.splice(e.range.start.line, 0, ...e.newText.replace(/\n$/, '').split('\n'));
  }
  return lines.join('\n');
}

function findings(text: string, file: string) {
  const r = assembleText(text, { file });
  return checkProgram(r.program!, file, r.diagnostics).filter((d) => d.severity !== 'info');
}

test('missing-war-token.vta: the guarded token fix repairs the double buffer', () => {
  const file = 'examples/defects/missing-war-token.vta';
  const text = readFileSync(file, 'utf8');
  const before = findings(text, file);
  assert.deepEqual(
    before.map((d) => d.code),
    ['vta.hazard.war'],
  );
  const fix = before[0]!.fixes?.[0];
  assert.ok(fix, 'a fix is offered');
  assert.match(fix.title, /guarded/);
  const repaired = apply(text, fix);
  assert.match(repaired, /if j >= 2 \{\n\s+pop ex->ld\n\s+\}\n\s+load wgt/);
  assert.deepEqual(
    findings(repaired, file).map((d) => `${d.code}: ${d.message}`),
    [],
  );
});

test('a loop-carried hazard one iteration apart gets guards with distance 1', () => {
  const text = [
    'target default',
    'data x : inp[4]',
    'data w : wgt[8]',
    'data y : out[2]',
    'kernel g(r) { uop dst=r src=0 wgt=0 }',
    'load inp sram=0 dram=x y=1 x=4',
    'for j in 0..2 {',
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
  const d = findings(text, 'one.vta');
  const war = d.find((x) => x.code === 'vta.hazard.war');
  assert.ok(war, d.map((x) => x.code).join(', '));
  const fix = war.fixes![0]!;
  assert.match(fix.edits.map((e) => e.newText).join(''), /if j >= 1 \{[\s\S]*if j \+ 1 < 2 \{/);
  assert.deepEqual(
    findings(apply(text, fix), 'one.vta').map((x) => x.code),
    [],
  );
});
