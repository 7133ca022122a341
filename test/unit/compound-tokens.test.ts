import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Lexer, tokenMatcher } from 'chevrotain';
import { generateProgram } from '../../bench/asm-bench';
import { lexForParser } from '../../core/lang/fast/parser-lexer';
import { ALL_TOKENS, BinOp } from '../../core/lang/lexer';
import { operatorLength } from '../../core/lang/fast/compound-tokens';
import { parseVta } from '../../core/lang/parser';
import { assembleAst, assembleText } from '../../core/asm';
import { encodeProgram } from '../../core/isa';
import { randomProgram, Rng } from '../support/random-program';
import { tvmShapedProgram } from '../support/tvm-shaped-program';

const EXAMPLES = join(import.meta.dirname, '../../examples');
/** The plain tokens only: what the parser read before compound tokens existed. */
const plainLexer = new Lexer(ALL_TOKENS, { positionTracking: 'onlyStart' });
const plainTokens = (text: string) => plainLexer.tokenize(text);
/** The whole tree as plain data: ranges through their JSON form. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

function tokens(text: string): string[] {
  const lexed = lexForParser(text);
  assert.deepEqual(lexed.errors, []);
  return lexed.tokens.map((t) => `${t.tokenType.name}:${t.image}`);
}

test('key=VALUE with a one-token value is one token only where nothing can continue the value', () => {
  assert.deepEqual(tokens('uop sram=16 dram=w + 16 x=0x1F\n'), [
    'Kw_uop:uop',
    'SimpleOperand:sram=16',
    'BinaryOperand:dram=w + 16',
    'SimpleOperand:x=0x1F',
    'Newline:\n',
  ]);
  // One operator between two one-token values: compound; more, or anything else: plain tokens.
  for (const text of ['x=1/2', 'x=a << 2', 'x=a<=b ;c', 'x=a - 1}', 'x=a&&b', 'x=1 == 2']) {
    assert.deepEqual(
      tokens(text)
        .slice(0, 1)
        .map((t) => t.split(':')[0]),
      ['BinaryOperand'],
      text,
    );
  }
  for (const text of [
    'x=1 + 2 + 3',
    'x=a - -1',
    'x=a->b',
    'x=a + (1)',
    'x=a + for',
    'x=a ! b',
    'x=a = b',
    'x=a + 1..2',
    'x=a + 1,2',
    'x=a +',
  ]) {
    assert.ok(!tokens(text).some((t) => t.startsWith('BinaryOperand') || t.startsWith('SimpleOperand')), text);
  }
  assert.deepEqual(tokens('x=a //c').slice(0, 1), ['SimpleOperand:x=a']);
  // Followed by a comment, a `}`, the end of the text: compound. By `..`, `,`, `(`, an
  // operator, another `=`, a letter without a blank, or a keyword value: plain tokens.
  assert.deepEqual(tokens('uop dst=0;c').slice(0, 2), ['Kw_uop:uop', 'SimpleOperand:dst=0']);
  assert.deepEqual(tokens('uop dst=0//c').slice(1, 2), ['SimpleOperand:dst=0']);
  assert.deepEqual(tokens('uop dst=0}').slice(1, 2), ['SimpleOperand:dst=0']);
  assert.deepEqual(tokens('uop dst=0\t').slice(1), ['SimpleOperand:dst=0']);
  assert.deepEqual(
    tokens('uop=0..4 ').slice(0, 3),
    ['Identifier:uop', 'Equals:=', 'NumberLit:0'].map((t, i) => (i === 0 ? 'Kw_uop:uop' : t)),
  );
  for (const text of ['pad=1,2', 'x=a(1)', 'x=0x', 'x=12ab', 'x=0b12', 'x=for', 'for=1 ', 'x=1 2', 'x=1 ==']) {
    assert.ok(!tokens(text).some((t) => t.startsWith('SimpleOperand')), text);
  }
  assert.deepEqual(tokens('uop=3 x'), ['SimpleOperand:uop=3', 'Identifier:x']);
  assert.deepEqual(tokens('format=1'), ['SimpleOperand:format=1']);
});

test('push/pop with a queue written without blanks is one token; anything else on the line, the plain tokens', () => {
  assert.deepEqual(tokens('push ld->ex'), ['QueueLine:push ld->ex']);
  assert.deepEqual(tokens('pop  st->ex ;c\n'), ['QueueLine:pop  st->ex', 'Newline:\n']);
  assert.deepEqual(tokens('pop st->ex\n}'), ['QueueLineEnd:pop st->ex', 'RBrace:}']);
  assert.deepEqual(tokens('push ld->ex x'), [
    'Kw_push:push',
    'Identifier:ld',
    'Arrow:->',
    'Identifier:ex',
    'Identifier:x',
  ]);
  assert.deepEqual(tokens('pop ld ->ex'), ['Kw_pop:pop', 'Identifier:ld', 'Arrow:->', 'Identifier:ex']);
  assert.deepEqual(tokens('pop ld->for'), ['Kw_pop:pop', 'Identifier:ld', 'Arrow:->', 'Kw_for:for']);
});

test('a kernel call whose arguments are one token each is one token where nothing can follow it', () => {
  // (An operand written in plain tokens keeps the line from being one InsnLine.)
  assert.deepEqual(tokens('gemm g(1, 0x10) reset outer = 2'), [
    'Kw_gemm:gemm',
    'Call:g(1, 0x10)',
    'Identifier:reset',
    'Identifier:outer',
    'Equals:=',
    'NumberLit:2',
  ]);
  assert.deepEqual(tokens('load uop a( n ,2 ) x = 1\n').slice(0, 3), ['Kw_load:load', 'Kw_uop:uop', 'Call:a( n ,2 )']);
  assert.deepEqual(tokens('kernel k() ;c').slice(0, 2), ['Kw_kernel:kernel', 'Call:k()']);
  for (const text of [
    'kernel k(a, b) {',
    'g(1)(2)',
    'g(1,)',
    'g(-1)',
    'g(1+2)',
    'g(for)',
    'for(1) ',
    'g(1)x',
    'g(1) + 1',
    'g((1))',
    'g(1 2)',
  ]) {
    assert.ok(!tokens(text).some((t) => t.startsWith('Call')), text);
  }
});

test('an instruction whose items are all one token each is one InsnLine token, up to its last item', () => {
  // It takes the line break after it too, when nothing comes between (the lexer counts that line).
  assert.deepEqual(tokens('load inp sram=16 dram=w + 16 x=0x1F \nfinish'), [
    'InsnLineEnd:load inp sram=16 dram=w + 16 x=0x1F',
    'Kw_finish:finish',
  ]);
  assert.deepEqual(tokens('nop ld\r\nnop st\rnop ex\n\n').slice(0, 3), [
    'InsnLineEnd:nop ld',
    'InsnLineEnd:nop st',
    'InsnLineEnd:nop ex',
  ]);
  assert.deepEqual(
    lexForParser('nop ld\r\n  nop st\rx').tokens.map((t) => [t.startLine, t.startColumn]),
    [
      [1, 1],
      [2, 3],
      [3, 1],
    ],
  );
  assert.deepEqual(tokens('gemm g(1, 0x10) reset'), ['InsnLine:gemm g(1, 0x10) reset']);
  assert.deepEqual(tokens('load uop a( n ,2 ) sram=0\t;c\r\n'), ['InsnLine:load uop a( n ,2 ) sram=0', 'Newline:\r\n']);
  assert.deepEqual(tokens('nop ld}'), ['InsnLine:nop ld', 'RBrace:}']);
  assert.deepEqual(tokens('alu max a(1) imm=0//c'), ['InsnLine:alu max a(1) imm=0']);
  assert.deepEqual(tokens('gemm uop reset'), ['InsnLine:gemm uop reset']);
  // Without items, or with an item that is not one token, the line is left to the other tokens.
  for (const text of [
    'finish',
    'load  ',
    'load inp sram = 1',
    'load inp x=1 + 2 + 3',
    'gemm uop=0..1',
    'load for',
    'load inp ld->ex',
    'alu add a(1) imm=-1',
    'load inp x=1,2',
    'load inp(',
    'load inp x=1 2',
    'load inp sram=1 )',
    'load inp x=(1)',
    'load inp g(1)x',
    'loads inp x=1',
  ]) {
    assert.ok(!tokens(text).some((t) => t.startsWith('InsnLine')), text);
  }
});

test("comments and lexing errors after lines that took their line break keep the plain tokens' positions", () => {
  const text =
    'data x : inp[4]\nload inp sram=0 dram=x y=1 x=1\npush ld->ex\r\n; note\npop ld->ex\rgemm g(1) reset\n  $ bad\nnop ld ; end\n@\n';
  const want = parseVta(text, undefined, plainTokens);
  const got = parseVta(text);
  assert.ok(want.errors.length >= 2 && want.comments.length === 2);
  assert.deepEqual(plain(got.comments), plain(want.comments));
  assert.deepEqual(plain(got.errors), plain(want.errors));
  assert.deepEqual(plain(got.statements), plain(want.statements));
});

test('operatorLength reads a binary operator where the plain lexer does, and nothing else', () => {
  for (let a = 32; a < 127; a++) {
    for (let b = 31; b < 127; b++) {
      const text = String.fromCharCode(a) + (b === 31 ? '' : String.fromCharCode(b));
      const first = plainTokens(text).tokens[0];
      const want = first && first.startOffset === 0 && tokenMatcher(first, BinOp) ? first.image.length : 0;
      assert.equal(operatorLength(text, 0), want, JSON.stringify(text));
    }
  }
});

/** Valid programs of every shape the tests know, and the forms compound tokens touch. */
function validTexts(): string[] {
  const texts = readdirSync(EXAMPLES)
    .filter((f) => f.endsWith('.vta'))
    .map((f) => readFileSync(join(EXAMPLES, f), 'utf8'));
  for (let seed = 1; seed <= 60; seed++) texts.push(randomProgram(seed), tvmShapedProgram(seed));
  texts.push(generateProgram(400));
  texts.push(
    [
      'const N=4',
      'const M = 0x1_F ; mask',
      'const P=N',
      'data x : inp[16] = random(seed=1)',
      'kernel k(a) { uop dst=a src=0 wgt=0}',
      'kernel r { for i in 0..2 {',
      '  uop dst=i src=i',
      '}}',
      'load uop k(1) sram=0',
      'load uop r',
      'gemm k(1) reset outer=N inner=1\tdst_out=0b1_0 ; c',
      'gemm uop=0..1 dst_in=1//c',
      'load inp sram=0 dram=x y=1 x=16 pad=0,0,0,0',
      'push ld->ex',
      'pop ld -> ex',
      'alu max r imm=0x7f',
      'alu add r imm=-1',
      'store out sram=0 dram=x + 0 y=1 x=1',
      'load inp sram=(1) dram=x y=1 x=P',
      'load inp sram=P*2 dram=x+1 y=P - 1 x=0x10>>1',
      'const Q=P << 1',
      'const R=Q+0x1_0 ; c',
      'kernel m(a) { uop dst=a*2 src=a+1 }',
      'load uop m(1)',
      'alu add m(1)',
      'load inp sram=0 dram=x y=1 x=99999999999999999999 + 1',
      'gemm k( P ,0x2 ) reset',
      'gemm k(1 + 1) ; c',
      'load uop k()',
      'kernel e() { uop dst=0 src=0 }',
      'finish',
      '',
    ].join('\r\n'),
  );
  return texts;
}

test('compound tokens change nothing in the tree of valid programs', () => {
  for (const text of validTexts()) {
    const want = plain(parseVta(text, undefined, plainTokens));
    assert.deepEqual(want.errors, [], text.slice(0, 300));
    assert.deepEqual(plain(parseVta(text)), want, text.slice(0, 300));
  }
});

test('the assembler reads compound nodes as it reads plain ones: same bytes, same diagnostics', () => {
  const texts = validTexts();
  // Kernel arguments from loop variables and constants, unknown names, wrong counts, huge literals.
  texts.push(
    [
      'const K = 2',
      'data x : inp[16]',
      'kernel g(r, b) { uop dst=r src=0 wgt=b }',
      'for i in 0..3 {',
      '  load uop g(i, K) sram=i',
      '  gemm g(i, K) reset',
      '}',
      'load uop g(1, nope)',
      'gemm g(1) reset',
      'gemm g(1, 99999999999999999999)',
      'load inp sram=nope dram=x y=1 x=1',
      'load inp sram=99999999999999999999 dram=x y=1 x=1',
      'finish',
      '',
    ].join('\n'),
  );
  // Instruction lines the assembler reads without nodes, and those it leaves to them:
  // duplicates, unknown keys, other operators, shorthands, missing operands, overflow.
  texts.push(
    [
      'const K = 2',
      'data x : inp[64]',
      'data o : out[64]',
      'kernel a(r) { uop dst=r src=r }',
      'load uop a(0) sram=0',
      'load inp sram=1 sram=2 dram=x y=1 x=1',
      'load inp bogus=1 dram=x y=1 x=1',
      'load inp sram=0 dram=x + K y=K - 1 x=K * 2',
      'load inp sram=0 dram=x y=1 x=1 pad=1',
      'load inp sram=0 dram=x y=1 x=1 pad=K',
      'load inp sram=0 y=1 x=1',
      'store out sram=0 dram=o y=1 x=99999999',
      'load inp sram=0 dram=x - 99999999999999999 y=1 x=1',
      'load inp sram=0 dram=x + 9007199254740991 y=1 x=1',
      'alu add a(0) imm=K',
      'alu add a(0) imm=nope',
      'for i in 0..3 {',
      '  load inp sram=i dram=x + i y=1 x=1',
      '  alu add a(0) imm=i >> 1',
      '  gemm a(0) reset outer=i',
      '}',
      'store out sram=0 dram=o y=1 x=1 pad=1',
      'finish',
      '',
    ].join('\n'),
  );
  for (const text of texts) {
    const plainTree = assembleAst(parseVta(text, undefined, plainTokens), { file: 'p.vta' });
    const compound = assembleText(text, { file: 'p.vta' });
    assert.deepEqual(plain(compound.diagnostics), plain(plainTree.diagnostics), text.slice(0, 300));
    const bytes = (r: typeof compound) =>
      r.program
        ? Buffer.from(
            encodeProgram(
              r.program.target,
              r.program.insns.map((p) => p.insn),
            ),
          ).toString('hex')
        : '';
    assert.equal(bytes(compound), bytes(plainTree), text.slice(0, 300));
  }
});

test('garbage gets errors on the same lines with or without compound tokens, and loses no good statement', () => {
  const r = new Rng(11);
  const words = [
    'load',
    'inp',
    'sram=1',
    'x=k',
    'y',
    '=',
    '1',
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
    'ex ->st',
    'k(1, i)',
    'k()',
    'g(N)',
    'x=a + 1',
    'y=1<<2',
    'N=a*b',
    ';c',
    '"s"',
    'k(',
    ',',
    'uop',
    'dst=0',
    'const',
    'N=2',
    '+',
    'gemm',
    'alu',
    'max',
    'imm=1',
    'nop',
    'ld',
  ];
  for (let i = 0; i < 400; i++) {
    const text = Array.from({ length: r.int(3, 60) }, () => (r.int(0, 3) === 0 ? '\n' : r.pick(words))).join(' ');
    const want = parseVta(text, undefined, plainTokens);
    const got = parseVta(text);
    for (const f of [want, got])
      assert.ok(
        !f.errors.some((e) => e.message.startsWith('the parser gave up')),
        `${JSON.stringify(f.errors)} for ${JSON.stringify(text)}`,
      );
    // A block left open by recovery on an earlier (flagged) line is reported at the end
    // of the text; whether recovery opened it depends on the tokens, so that one is not compared.
    const errorLines = (f: typeof want) =>
      [...new Set(f.errors.filter((e) => !e.message.endsWith('end of file')).map((e) => e.range.start.line))].sort(
        (a, b) => a - b,
      );
    assert.deepEqual(errorLines(got), errorLines(want), text);
    // Recovery may keep a different part of a line with an error: compare the other lines.
    const bad = new Set(errorLines(want));
    const good = (f: typeof want) =>
      f.statements
        .filter((s) => !bad.has(s.range.start.line) && !bad.has(s.range.end.line))
        .map((s) => JSON.stringify(s));
    // Where they differ, plain-token recovery skipped a statement that compound tokens kept.
    const kept = new Set(good(got));
    for (const st of good(want)) assert.ok(kept.has(st), `${st} lost in ${JSON.stringify(text)}`);
  }
});

test('a line that cannot start a statement is reported and the lines after it are still parsed', () => {
  for (const bad of [') x', '= 1', 'x = 1', 'sram=1 x=2', 'ld->ex', 'uop dst=0 src=0']) {
    const text = `nop ld\n${bad}\nnop st\nfinish\n`;
    for (const runChars of [1, 1 << 20]) {
      const ast = parseVta(text, runChars);
      assert.deepEqual(
        [...new Set(ast.errors.map((e) => e.range.start.line))],
        [1],
        `${bad}: ${JSON.stringify(ast.errors)}`,
      );
      assert.deepEqual(
        ast.statements.map((s) => s.range.start.line),
        [0, 2, 3],
        bad,
      );
    }
  }
});
