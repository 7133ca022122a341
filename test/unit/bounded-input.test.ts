/**
 * Inputs that used to hang the checks, flood the output or overflow the stack (issue
 * 20), each written as the smallest text that showed it. Work is asserted through the
 * analyses' work budgets (deterministic counts), not through time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleText } from '../../core/asm';
import { checkAssembled } from '../../core/analysis/check';
import { firstTierChecks } from '../../core/analysis/first-tier';
import { tokenChecks } from '../../core/analysis/tokens';
import { ROW_WORK_BUDGET } from '../../core/analysis/access';
import type { Diagnostic } from '../../core/lang/diagnostic';
import {
  DEFAULT_MAX_DIAGNOSTICS,
  isWellFormedRange,
  outgoingDiagnostics,
  symbolRanges,
  wellFormedRange,
} from '../../core/lang/findings';
import { MAX_NESTING, NESTING_MESSAGE } from '../../core/lang/nesting';
import { parseVta } from '../../core/lang/parser';
import type { Stmt } from '../../core/lang/ast';
import { parseSchedule } from '../../core/schedule/parser';
import {
  describe as describeDebugValue,
  EvalError,
  evaluate as evaluateDebugExpression,
  type RowSource,
} from '../../server/dap/expr';

function check(text: string): Diagnostic[] {
  const r = assembleText(text, { file: 't.vta' });
  return checkAssembled(r, 't.vta');
}

/** Runs both analyses under a small budget: a `vta.budget` finding means they walked too much. */
function assertCheapChecks(text: string, budget: number): void {
  const r = assembleText(text, { file: 't.vta' });
  assert.ok(r.program);
  const budgeted = [
    ...firstTierChecks(r.program, { file: 't.vta', budget }),
    ...tokenChecks(r.program, 't.vta', budget),
  ];
  assert.deepEqual(
    budgeted.filter((d) => d.code === 'vta.budget'),
    [],
  );
}

test('a LOAD UOP of 65535 x 65535 micro-ops is one bounds error, and the checks visit only the buffer', () => {
  const text = 'load uop sram=0 dram=0 x=65535 y=65535\n';
  const d = check(text);
  assert.deepEqual(
    d.map((x) => x.code),
    ['vta.bounds.uop', 'vta.finish.missing'],
  );
  // 4.3 billion micro-ops; the UOP buffer has 8,192 rows.
  assertCheapChecks(text, 40_000);
});

test('GEMM and ALU over 16383 x 16383 iterations and the whole UOP buffer cost the buffer depth, not the loop counts', () => {
  const text = [
    'target default',
    'data u : acc[1]',
    'kernel k { for r in 0..2048 { uop dst=r src=(r * 7) % 2048 wgt=r % 1024 } }',
    '  load uop k',
    '  gemm k outer=16383 inner=16383 dst_out=3 dst_in=5 src_out=2 src_in=1 wgt_out=1 wgt_in=2',
    '  alu max k outer=16383 inner=16383 dst_out=1 dst_in=7 src_out=1 src_in=3',
    '  finish',
  ].join('\n');
  assertCheapChecks(text, 2_000_000);
});

test('past the work budget the checks stop with one warning saying what was not analysed', () => {
  const text = [
    'target default',
    'kernel k { for r in 0..64 { uop dst=r src=r wgt=0 } }',
    '  load uop k',
    'for i in 0..50 {',
    '  gemm k reset outer=32 dst_out=64',
    '}',
    '  finish',
  ].join('\n');
  const r = assembleText(text, { file: 't.vta' });
  const first = firstTierChecks(r.program!, { file: 't.vta', budget: 10_000 });
  const stops = first.filter((d) => d.code === 'vta.budget');
  assert.equal(stops.length, 1);
  assert.match(
    stops[0]!.message,
    /^SRAM bounds, uninitialised reads and store fidelity were not checked from here on \(instructions \d+\.\.51\)/,
  );
  const hazards = tokenChecks(r.program!, 't.vta', 10_000).filter((d) => d.code === 'vta.budget');
  assert.equal(hazards.length, 1);
  assert.match(hazards[0]!.message, /^hazards between modules were not checked from here on/);
  // The default budget is far above what this program needs.
  assert.ok(ROW_WORK_BUDGET > 1_000_000);
  assert.deepEqual(
    check(text).filter((d) => d.code === 'vta.budget'),
    [],
  );
});

test('loops that expand past the instruction limit are one error on the outer loop, without follow-on findings', () => {
  const d = check('for i in 0..1000000 {\n  nop ld\n}\n  finish\n');
  assert.deepEqual(
    d.map((x) => [x.code, x.range.start.line]),
    [['vta.bounds.stream', 0]],
  );
  assert.match(d[0]!.message, /expands to more than 524288 instructions; expansion stopped/);
  const raised = assembleText('for i in 0..600000 {\n  nop ld\n}\n  finish\n', {
    file: 't.vta',
    maxInstructions: 1_000_000,
  });
  assert.deepEqual(raised.diagnostics, []);
  assert.equal(raised.program!.insns.length, 600_001);
});

test('pushes and pops that become NOPs count against the instruction limit', () => {
  // No instruction carries them: each iteration inserts two NOPs (the language server
  // once assembled 200,001 instructions for a request limited to 16,384).
  const r = assembleText('for i in 0..100000 {\n  push ld->ex\n  pop ld->ex\n}\n  finish\n', {
    file: 't.vta',
    maxInstructions: 1000,
  });
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.range.start.line]),
    [['vta.bounds.stream', 0]],
  );
  assert.ok(r.program!.insns.length <= 1002, `${r.program!.insns.length} instructions`);
});

test('a kernel loop longer than the UOP buffer is one error at the loop, not 65,535 micro-ops checked', () => {
  const d = check('target default\nkernel z { for c in 0..65535 { uop dst=c src=0 wgt=0 } }\n  load uop z\n  finish\n');
  const sizes = d.filter((x) => x.code === 'vta.kernel.size');
  assert.equal(sizes.length, 1);
  assert.match(
    sizes[0]!.message,
    /^loop runs 65535 times: its kernel would have more than the 8192 micro-ops the UOP buffer holds/,
  );
  assert.equal(d.filter((x) => x.code === 'vta.range.uop').length, 0);
});

test('the same finding from two nested 256-iteration loops is one diagnostic with the iteration ranges', () => {
  const d = check(
    'target default\ndata a : acc[16]\nfor i in 0..256 {\n  for j in 0..256 {\n    load acc sram=4000 dram=a x=1\n  }\n}\n  finish\n',
  );
  assert.equal(d.length, 1, d.map((x) => x.message).join('\n'));
  assert.equal(d[0]!.code, 'vta.bounds.acc');
  assert.match(
    d[0]!.message,
    /past the end of the ACC buffer .* \(the same 65536 times, in iterations i = 0\.\.255, j = 0\.\.255\)$/,
  );
});

test('findings that differ only in their numbers merge; different findings on one line do not', () => {
  // Each iteration's rows differ: still one finding per line and buffer role.
  const d = check(
    'target default\ndata a : inp[4096]\nfor i in 0..200 {\n  load inp sram=i * 16 dram=a x=16\n}\n  finish\n',
  );
  const bounds = d.filter((x) => x.code === 'vta.bounds.inp');
  assert.equal(bounds.length, 1);
  assert.match(
    bounds[0]!.message,
    /^LOAD writes INP rows 2048\.\.2063, past the end .* \(the same 72 times, in iterations i = 128\.\.199\)$/,
  );
});

test('at most N diagnostics per document, errors first, the rest in one summary; ranges leave well formed', () => {
  const at = (line: number, severity: Diagnostic['severity']): Diagnostic => ({
    file: 'a.vta',
    range: { start: { line, character: 0 }, end: { line, character: 1 } },
    severity,
    code: `c${line}`,
    message: `m${line}`,
  });
  const many = [
    ...Array.from({ length: 600 }, (_, i) => at(i, 'warning')),
    ...Array.from({ length: 5 }, (_, i) => at(1000 + i, 'error')),
  ];
  const out = outgoingDiagnostics(many, 10);
  assert.equal(out.length, 10);
  assert.equal(out.filter((d) => d.severity === 'error' && d.code !== 'vta.limit').length, 5);
  const summary = out.at(-1)!;
  assert.equal(summary.code, 'vta.limit');
  assert.equal(summary.severity, 'warning');
  assert.match(
    summary.message,
    /^596 more findings not shown \(596 warnings; the first: m4\): at most 10 are reported per document/,
  );
  assert.equal(outgoingDiagnostics(many).length, DEFAULT_MAX_DIAGNOSTICS);
  // Other files keep their own allowance.
  assert.equal(outgoingDiagnostics([...many, { ...at(0, 'error'), file: 'b.vta' }], 10).length, 11);
  const bad = { ...at(3, 'error'), range: { start: { line: 4, character: 2 }, end: { line: 4, character: 1 } } };
  const nan = {
    ...at(3, 'error'),
    range: { start: { line: Number.NaN, character: 1.5 }, end: { line: -1, character: 0 } },
  };
  for (const d of outgoingDiagnostics([bad, nan], 10)) assert.ok(isWellFormedRange(d.range), JSON.stringify(d.range));
  assert.deepEqual(wellFormedRange(nan.range), { start: { line: 0, character: 1 }, end: { line: 0, character: 1 } });
  const s = symbolRanges(
    { start: { line: 1, character: 0 }, end: { line: 0, character: 0 } },
    { start: { line: 1, character: 5 }, end: { line: 1, character: 6 } },
  );
  assert.deepEqual(s.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } });
  assert.deepEqual(s.selectionRange, s.range);
});

const deepFor = (n: number) =>
  'target default\n' +
  Array.from({ length: n }, (_, i) => `for i${i} in 0..1 {`).join('\n') +
  '\n  nop ld\n' +
  '}\n'.repeat(n) +
  '  finish\n';

test(`blocks, parentheses and prefix operators nest ${MAX_NESTING} levels, and one level more is one clear error`, () => {
  assert.deepEqual(check(deepFor(MAX_NESTING)), []);
  for (const n of [MAX_NESTING + 1, 1000, 20_000]) {
    const d = check(deepFor(n));
    assert.deepEqual(
      d.map((x) => [x.code, x.message, x.range.start.line]),
      [['vta.syntax.error', NESTING_MESSAGE, MAX_NESTING + 1]],
    );
  }
  const expr = (open: string, close: string, n: number) => `const A = ${open.repeat(n)}1${close.repeat(n)}\n`;
  assert.deepEqual(check(expr('(', ')', MAX_NESTING)), []);
  assert.deepEqual(check(expr('-', '', MAX_NESTING)), []);
  for (const text of [
    expr('(', ')', MAX_NESTING + 1),
    expr('-', '', MAX_NESTING + 1),
    expr('!(', ')', 60),
    expr('(', ')', 50_000),
  ]) {
    const d = check(text);
    assert.deepEqual(
      d.map((x) => x.message),
      [NESTING_MESSAGE],
      text.slice(0, 40),
    );
  }
  // The parse does not depend on how the text is cut into runs (the editor's two tiers and the CLI agree).
  assert.deepEqual(
    parseVta(deepFor(MAX_NESTING + 1), 64).errors.map((e) => e.message),
    [NESTING_MESSAGE],
  );
});

test('operator chains tens of thousands long evaluate (no recursion down the chain)', () => {
  // 88,000 characters of 1+1+…
  const sum = Array(44_001).fill('1').join('+');
  const r = assembleText(`const A = ${sum}\n  load inp sram=A - 44001 dram=0 x=1\n  finish\n`, { file: 't.vta' });
  assert.deepEqual(r.diagnostics, []);
  const chain = check(
    `const A = 0\n  nop ld\n  load inp sram=${Array(100_000).fill('A').join('+')} dram=0 x=1\n  finish\n`,
  );
  assert.deepEqual(
    chain.filter((d) => d.code === 'vta.internal' || d.code.startsWith('vta.syntax')),
    [],
  );
  // A loop's bounds are also kept as text (for fixes): the same chain there.
  const loop = assembleText(`for i in 0..${Array(50_000).fill('1').join('+')} - 49_999 {\n  nop ld\n}\n  finish\n`, {
    file: 't.vta',
  });
  assert.deepEqual(loop.diagnostics, []);
  assert.equal(loop.program!.insns.length, 2);
  assert.equal(loop.program!.insns[0]!.loops![0]!.toText?.length, 50_000 * 4 - 3 + ' - 49999'.length);
});

test('the debugger evaluator has the same nesting limit and reads long chains', () => {
  const env = { time: () => 0, steps: () => 0, queue: () => 0, source: () => undefined };
  assert.equal(evaluateDebugExpression('('.repeat(MAX_NESTING) + '7' + ')'.repeat(MAX_NESTING), env), 7);
  for (const text of ['('.repeat(MAX_NESTING + 1) + '1' + ')'.repeat(MAX_NESTING + 1), '-'.repeat(100_000) + '1']) {
    assert.throws(
      () => evaluateDebugExpression(text, env),
      (e) => e instanceof EvalError && e.message.startsWith(`nesting deeper than ${MAX_NESTING} levels`),
    );
  }
  assert.equal(evaluateDebugExpression(Array(44_000).fill('1').join('+'), env), 44_000);
});

/** Every statement's range, and its name's, in a tree. */
function statementRanges(stmts: Stmt[], out: Array<{ kind: string; range: Stmt['range'] }> = []) {
  for (const s of stmts) {
    out.push({ kind: s.kind, range: s.range });
    if ('name' in s && s.name && typeof s.name === 'object') out.push({ kind: `${s.kind} name`, range: s.name.range });
    if (s.kind === 'for') statementRanges(s.body, out);
    if (s.kind === 'if') statementRanges([...s.then, ...(s.else ?? [])], out);
  }
  return out;
}

test('broken data statements, in blocks or not, leave only well-formed ranges', () => {
  for (const line of [
    'data a : inp[4',
    'data a : inp[4] = [1, 2',
    'data a : inp[4] = random(seed=1',
    'data a : inp[4] @',
    'data a : inp[4]',
  ]) {
    for (const text of [
      `target default\n${line}\n`,
      `for i in 0..2 {\n ${line}\n}\n  finish\n`,
      `if 1 {\n  ${line}\n  nop ld\n}\n`,
    ]) {
      const ast = parseVta(text);
      for (const r of statementRanges(ast.statements))
        assert.ok(isWellFormedRange(r.range), `${JSON.stringify(text)}: ${r.kind} ${JSON.stringify(r.range)}`);
      for (const d of check(text))
        assert.ok(isWellFormedRange(d.range), `${JSON.stringify(text)}: ${d.code} ${JSON.stringify(d.range)}`);
    }
  }
});

test('a trailing comma in a schedule step list is a syntax error with a place, not a step without one', () => {
  const f = parseSchedule('target default\nconv2d c {\n  input = 1x16x8x8\n  epilogue shr 8,\n}\n');
  assert.equal(f.errors.length, 1);
  assert.ok(isWellFormedRange(f.errors[0]!.range));
  assert.equal(f.errors[0]!.range.start.line, 3);
  assert.doesNotMatch(f.errors[0]!.message, /[\r\n]/);
  const op = f.statements.find((s) => s.kind === 'operator');
  for (const it of op && op.kind === 'operator' ? op.items : [])
    for (const st of it.steps) assert.ok(isWellFormedRange(st.range), JSON.stringify(st));
});

test('the debugger evaluator refuses a DRAM slice larger than it reads at a step (a condition runs at every step)', () => {
  let reads = 0;
  const dram: RowSource = {
    name: 'dram',
    rows: 1 << 30,
    scalarRows: true,
    read: () => {
      reads++;
      return [1];
    },
  };
  const env = {
    time: () => 0,
    steps: () => 0,
    queue: () => 0,
    source: (n: string) => (n === 'dram' ? dram : undefined),
  };
  assert.throws(
    () => evaluateDebugExpression('!!dram[0:100000000]', env),
    (e) => e instanceof EvalError && /a slice holds at most 65,536 values/.test(e.message),
  );
  assert.equal(reads, 0);
  assert.equal(describeDebugValue(evaluateDebugExpression('dram[0:4]', env)).includes('1'), true);
});

test('a block opened inside a schedule block is one error, and the lines around it are read', () => {
  const text = [
    'conv2d c1 {',
    '  input = 1x16x8x8',
    '  conv2d inner {', // line 2: blocks do not nest
    '    filter = 1x1x1x1',
    '  }',
    '  filter = 16x16x3x3',
    '}',
    'dense d1 {',
    '}',
  ].join('\n');
  const f = parseSchedule(text);
  assert.deepEqual(
    f.errors.map((e) => [e.range.start.line, e.message]),
    [[2, 'a block cannot open inside another: operators and networks do not nest (lines 3 to 5 are not read)']],
  );
  const ops = f.statements.filter((s) => s.kind === 'operator');
  assert.deepEqual(
    ops.map((o) => [o.name, o.items.map((i) => i.key)]),
    [
      ['c1', ['input', 'filter']],
      ['d1', []],
    ],
  );
  // Thousands of nested openers (recovery used to scan ahead at each): one error per nest.
  const deep = (d: number) => Array.from({ length: d }, (_, i) => `conv2d n${i} {`).join('\n') + '\n' + '}\n'.repeat(d);
  const g = parseSchedule(deep(3000) + deep(2000));
  assert.equal(g.errors.length, 2, JSON.stringify(g.errors.slice(0, 3)));
  assert.deepEqual(
    g.statements.map((s) => (s.kind === 'operator' ? s.name : s.kind)),
    ['n0', 'n0'],
  );
});

test('a long line of words in a schedule is one error, inside a block or outside', () => {
  const long = 'x=1 '.repeat(40_000);
  const f = parseSchedule(`conv2d c1 {\n  input = 1x16x8x8 ${long}\n  filter = 16x16x3x3\n}\n${long}\ndense d1 {\n}\n`);
  assert.deepEqual(
    f.errors.map((e) => [e.range.start.line, e.range.start.character, e.message]),
    [
      [4, 0, "unexpected 'x': a line here starts `target`, `network NAME {` or an operator (`conv2d NAME {`)"],
      [1, 19, "expected the end of the line but found 'x' (the rest of the line is not read)"],
    ],
  );
  const ops = f.statements.filter((s) => s.kind === 'operator');
  assert.deepEqual(
    ops.map((o) => [o.name, o.items.map((i) => i.key)]),
    [
      ['c1', ['input', 'filter']],
      ['d1', []],
    ],
  );
  // A header without its brace, and a stray brace: one error each, with what was expected.
  assert.deepEqual(
    parseSchedule(`const long = ${long}\nconv2d c2\n}\n`).errors.map((e) => [e.range.start.line, e.message]),
    [
      [0, "expected '{' after `const long` but found '='"],
      [1, "expected '{' after `conv2d c2` but found the end of the line"],
      [2, "'}' closes no block"],
    ],
  );
});
