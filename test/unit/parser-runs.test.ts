import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { topLevelRuns } from '../../core/lang/fast/chunks';
import { parseVta } from '../../core/lang/parser';
import { randomProgram, Rng } from '../support/random-program';
import { tvmShapedProgram } from '../support/tvm-shaped-program';

const EXAMPLES = join(import.meta.dirname, '../../examples');
/** The whole tree as plain data: ranges through their JSON form. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

test('runs split only between top-level lines: braces in blocks, comments and strings do not count', () => {
  const text = [
    'kernel k {', //           0: a block opens
    '  uop dst=0 src=0', //    1
    '}', //                    2: closes
    'data x : inp[1] = file("a{b.bin") ; {', // 3: braces in a string and a comment
    'for i in 0..2 {', //      4
    '  nop ld', //             5
    '}', //                    6
    'finish', //               7
  ].join('\n');
  const runs = topLevelRuns(text, 1);
  assert.deepEqual(runs.lines, [0, 3, 4, 7]);
  assert.deepEqual(
    runs.offsets.map((o) => text.slice(o).split('\n')[0]),
    ['kernel k {', 'data x : inp[1] = file("a{b.bin") ; {', 'for i in 0..2 {', 'finish'],
  );
});

test("an unterminated quote is lexed as a bad character, so its line's braces count", () => {
  const text = 'const A = "x {\nnop ld\n}\nfinish';
  assert.deepEqual(topLevelRuns(text, 1).lines, [0, 3]);
});

test('a stray } ends its run, so the lines after it are parsed', () => {
  const text = 'nop ld\n} nop ex\nnop st\nfinish';
  for (const runChars of [1, 1 << 20]) {
    const ast = parseVta(text, runChars);
    assert.equal(ast.errors.length, 1, JSON.stringify(ast.errors));
    assert.equal(ast.errors[0]!.range.start.line, 1);
    assert.deepEqual(
      ast.statements.map((s) => s.range.start.line),
      [0, 2, 3],
    );
  }
});

test('the tree and comments of valid programs do not depend on the run length', () => {
  const texts = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.vta'))
    .map((f) => readFileSync(join(EXAMPLES, f), 'utf8'));
  for (let seed = 1; seed <= 40; seed++) texts.push(randomProgram(seed), tvmShapedProgram(seed));
  for (const text of texts) {
    const whole = plain(parseVta(text, Number.MAX_SAFE_INTEGER));
    assert.deepEqual(whole.errors, []);
    for (const runChars of [1, 40, 500])
      assert.deepEqual(plain(parseVta(text, runChars)), whole, `${runChars}: ${text.slice(0, 200)}`);
  }
});

test('garbage split into runs still gets its errors, never an exception', () => {
  // Recovery may resynchronise differently at a run's end; errors must still be found.
  const r = new Rng(3);
  const words = [
    'load',
    'inp',
    'sram=',
    '1',
    'x=',
    '(',
    ')',
    '{',
    '}',
    'for',
    'i',
    'in',
    '0..2',
    'push',
    'ld->ex',
    ';c',
    '"s"',
    'k(',
    ',',
  ];
  for (let i = 0; i < 200; i++) {
    const text = Array.from({ length: r.int(5, 80) }, () => (r.int(0, 4) === 0 ? '\n' : r.pick(words))).join(' ');
    const whole = parseVta(text, Number.MAX_SAFE_INTEGER);
    for (const runChars of [1, 40])
      assert.equal(parseVta(text, runChars).errors.length > 0, whole.errors.length > 0, text);
  }
});

test('CRLF and lone CR end lines as LF does: same lines, comments without the CR, same tree', () => {
  const lf = 'data x : inp[1] ; c {\nkernel k {\n  uop dst=0 src=0\n}\nload inp sram=0 dram=x x=1 ; end\nfinish\n';
  const want = plain(parseVta(lf));
  assert.deepEqual(want.errors, []);
  for (const eol of ['\r\n', '\r']) {
    const text = lf.replace(/\n/g, eol);
    for (const runChars of [1, Number.MAX_SAFE_INTEGER]) {
      assert.deepEqual(plain(parseVta(text, runChars)), want, JSON.stringify(eol));
    }
  }
});

test('a mismatch at the end of a statement recovers there: the statements after it are kept', () => {
  const text = 'kernel bad(1, p) { uop dst=p src=0 }\nnop ld\npush ld->ex x\nnop st\nfinish\n';
  for (const runChars of [1, 1 << 20]) {
    const ast = parseVta(text, runChars);
    assert.deepEqual([...new Set(ast.errors.map((e) => e.range.start.line))], [0, 2], JSON.stringify(ast.errors));
    assert.deepEqual(
      ast.statements.map((s) => `${s.kind}:${s.range.start.line}`),
      ['insn:1', 'push:2', 'insn:3', 'insn:4'],
    );
  }
});

test('a const whose value recovery abandoned is dropped, and the parser goes on', () => {
  const ast = parseVta('nop ld\nconst y ( sram=1 } ) load ld\nnop st\n');
  assert.ok(!ast.errors.some((e) => e.message.startsWith('the parser gave up')), JSON.stringify(ast.errors));
  assert.deepEqual(
    ast.statements.map((s) => `${s.kind}:${s.range.start.line}`),
    ['insn:0', 'insn:2'],
  );
});

test(
  'a file of many lines that cannot start a statement is parsed in one pass, each line reported',
  { timeout: 20_000 },
  () => {
    // 200,000 stray lines among good ones: resuming the parse after each stray line would
    // copy the rest of its run every time (minutes for this file); this must not hang.
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(i % 1000 === 0 ? 'nop ld' : i % 2 ? ') x' : 'uop dst=0');
    const ast = parseVta(lines.join('\n'));
    assert.equal(ast.errors.length, 199_800);
    assert.equal(ast.statements.length, 200);
  },
);

test('a name starts a line only as a label: `name:` parses, `name = 1` is reported', () => {
  const ast = parseVta('top:\nnop ld\nloop :\nx = 1\nfinish\n');
  assert.deepEqual(
    ast.statements.map((s) => `${s.kind}:${s.range.start.line}`),
    ['label:0', 'insn:1', 'label:2', 'insn:4'],
  );
  assert.deepEqual(
    ast.errors.map((e) => `${e.range.start.line}:${e.message}`),
    ["3:unexpected 'x'"],
  );
});
