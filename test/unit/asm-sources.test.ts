// Source ranges in the Program: instructions keep a reference to the parser's range
// (read through), and tensors and kernels get plain positions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleText } from '../../core/asm';
import { firstTierChecks } from '../../core/analysis/first-tier';

const TEXT =
  'target default\ndata a : inp[4]\ndata b : inp[8]\nkernel k { uop dst=0 src=0 }\nload inp sram=0 dram=a x=8\npush ld->ex\npop ld->ex\nload uop k\ngemm k reset\nfinish\n';

test('instruction sources read as, and serialise to, { file, start, end }', () => {
  const p = assembleText(TEXT, { file: 'm.vta' }).program!;
  const load = p.insns[0]!;
  assert.equal(load.source!.file, 'm.vta');
  assert.deepEqual(load.source!.start, { line: 4, character: 0 });
  assert.deepEqual(load.source!.end, { line: 4, character: 26 });
  assert.deepEqual(JSON.parse(JSON.stringify(load.source)), {
    file: 'm.vta',
    start: { line: 4, character: 0 },
    end: { line: 4, character: 26 },
  });
  const tokens = p.insns.find((x) => x.tokenSources)!;
  assert.equal(Object.values(tokens.tokenSources!)[0]!.start.line, 5);
});

test('tensor and kernel placements carry start and end positions', () => {
  const p = assembleText(TEXT, { file: 'm.vta' }).program!;
  assert.deepEqual(p.layout.tensors[0]!.source, {
    file: 'm.vta',
    start: { line: 1, character: 0 },
    end: { line: 1, character: 15 },
  });
  assert.deepEqual(p.layout.kernels[0]!.source?.start, { line: 3, character: 0 });
  // Reading past the end of `a` (into `b`) points at a's declaration.
  const d = firstTierChecks(p, { file: 'm.vta' }).find((x) => x.code === 'vta.bounds.dram')!;
  assert.deepEqual(d.related?.[0]?.range.start, { line: 1, character: 0 });
});
