import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleText } from '../../core/asm';
import { checkAssembled } from '../../core/analysis/check';
import { parseVta } from '../../core/lang/parser';
import { Rng } from '../support/random-program';

function check(text: string) {
  const r = assembleText(text, { file: 'g.vta' });
  return checkAssembled(r, 'g.vta');
}

test('one bad line never hides the rest of the file', () => {
  const text = [
    'load inp sram=) dram=0 x=1', // 0: syntax error
    'const = 3', // 1: syntax error
    'load wgt sram=0 dram=0 x=1 bogus=2', // 2: unknown operand
    'kernel k { uop dst=0 src=( }', // 3: syntax error inside a kernel
    'gemm nokernel', // 4: unknown kernel
    'finish',
  ].join('\n');
  const d = check(text);
  const lines = [...new Set(d.filter((x) => x.severity === 'error').map((x) => x.range.start.line))].sort();
  assert.deepEqual(lines, [0, 1, 2, 3, 4]);
  assert.ok(d.some((x) => x.code === 'vta.syntax.error' && x.range.start.line === 0));
  assert.ok(d.some((x) => x.code === 'vta.name.operand' && /bogus/.test(x.message)));
  assert.ok(d.some((x) => x.code === 'vta.name.unknown' && /nokernel/.test(x.message)));
});

test('random bytes as .vta give diagnostics, never an exception', () => {
  const r = new Rng(7);
  for (let i = 0; i < 200; i++) {
    const bytes = Uint8Array.from({ length: r.int(0, 400) }, () => r.int(0, 255));
    const text = new TextDecoder().decode(bytes);
    const d = check(text);
    assert.ok(Array.isArray(d));
  }
});

test('random token soup from the language itself never throws', () => {
  const words = [
    'load',
    'inp',
    'uop',
    'gemm',
    'alu',
    'max',
    'for',
    'i',
    'in',
    '0..3',
    '{',
    '}',
    '(',
    ')',
    '=',
    'sram',
    'x',
    '1',
    '-',
    'push',
    'ld->ex',
    'kernel',
    'k',
    'data',
    ':',
    'wgt',
    '[',
    ']',
    '\n',
    'if',
    'else',
    'const',
    '@',
    ',',
    'finish',
    '"s"',
  ];
  const r = new Rng(11);
  for (let i = 0; i < 500; i++) {
    const text = Array.from({ length: r.int(1, 60) }, () => r.pick(words)).join(' ');
    assert.ok(Array.isArray(check(text)), text);
  }
});

test('numbers past 2^53 are reported, not rounded', () => {
  const d = check('const A = 9007199254740993\nload inp sram=0 dram=A x=1\nfinish');
  assert.ok(d.some((x) => x.code === 'vta.expr.overflow' && x.range.start.line === 0));
  const d2 = check('const B = 4503599627370496 * 4\nfinish');
  assert.ok(d2.some((x) => x.code === 'vta.expr.overflow'));
});

test('deeply nested blocks give a diagnostic, not a stack overflow', () => {
  const depth = 5000;
  const text = 'for i in 0..1 {\n'.repeat(depth) + 'nop ld\n' + '}\n'.repeat(depth) + 'finish\n';
  const d = check(text);
  assert.ok(d.length > 0);
  const parens = 'const A = ' + '('.repeat(20000) + '1' + ')'.repeat(20000);
  assert.ok(Array.isArray(check(parens)));
});

test('a huge loop count is an error, not a hang', () => {
  const d = check('for i in 0..1000000000000 {\n}\nfor j in 0..100000000 {\n nop ld\n}\nfinish');
  assert.ok(d.some((x) => x.code === 'vta.bounds.stream'));
});

test('a 50 MB file is handled', () => {
  const line = 'load inp sram=0 dram=0 x=1 ; padding padding padding padding padding\n';
  const text = 'target default\n' + line.repeat(Math.ceil((50 * 1024 * 1024) / line.length));
  const ast = parseVta(text);
  assert.equal(ast.errors.length, 1);
  assert.match(ast.errors[0]!.message, /more than the \d+ this tool parses/);
  // A large file under the limit (4 MB, ~60,000 instructions) parses in full.
  const big = parseVta(line.repeat(60_000));
  assert.deepEqual(big.errors, []);
  assert.equal(big.statements.length, 60_000);
});

test('expressions follow C precedence and truncating division', () => {
  const r = assembleText(
    'const A = 1 + 2 * 3 << 1 == 14\nconst B = -7 / 2\nconst C = -7 % 3\ndata t : inp[A + B + C + 10]\nfinish',
    { file: 'e.vta' },
  );
  // A = ((1 + 6) << 1) == 14 = 1; B = -3; C = -1 → count 1 + -3 + -1 + 10 = 7
  assert.equal(r.program!.layout.tensors[0]!.count, 7);
});

test('integer literals: decimal, hex, binary, separators and long ones keep their value', () => {
  const cases: Array<[string, number]> = [
    ['0', 0],
    ['7', 7],
    ['007', 7],
    ['123456789', 123456789],
    ['1234567890', 1234567890],
    ['0x1F', 31],
    ['0b101', 5],
    ['1_000', 1000],
    ['0xFFFF_FFFF', 0xffffffff],
    ['9007199254740991', 2 ** 53 - 1],
  ];
  for (const [src, want] of cases) {
    const st = parseVta(`const A = ${src}\n`).statements[0];
    assert.ok(st?.kind === 'const' && st.value.kind === 'num', src);
    assert.equal(st.value.value, want, src);
    assert.equal(st.value.range.end.character - st.value.range.start.character, src.length, src);
  }
});

test("parentheses widen a literal's range to cover them, and nothing else changes", () => {
  const st = parseVta('const A = (7)\n').statements[0];
  assert.ok(st?.kind === 'const');
  assert.deepEqual(JSON.parse(JSON.stringify(st.value)), {
    kind: 'num',
    value: 7,
    range: { start: { line: 0, character: 10 }, end: { line: 0, character: 13 } },
  });
});

test('words after a complete statement are one error for the line, however many there are', () => {
  // Recovery word by word reported each later `nop` again (and dropping the broken
  // statements compared every statement with every error): 40,000 characters took 0.6 s.
  for (const unit of ['nop ', 'nop ld ', 'finish ', 'store ']) {
    const text = `target default\n  nop ld ${unit.repeat(50_000)}\n  nop ex\n  finish\n`;
    const r = parseVta(text);
    assert.ok(r.errors.length <= 2, `${JSON.stringify(unit)}: ${r.errors.length} errors`);
    assert.deepEqual(r.errors.map((e) => [e.range.start.line, e.range.start.character]).slice(0, 1), [[1, 9]]);
    // The statements of the other lines are kept.
    assert.deepEqual(
      r.statements.filter((s) => s.range.start.line !== 1).map((s) => s.range.start.line),
      [0, 2, 3],
    );
  }
  // Inside a one-line block the skip stops at the `}` that closes it.
  const r = parseVta('for i in 0..2 { nop ld nop ex nop st }\nfinish\n');
  assert.equal(r.errors.length, 1);
  assert.deepEqual(
    r.statements.map((s) => s.kind),
    ['for', 'insn'],
  );
});
