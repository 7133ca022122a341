import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { sep } from 'node:path';
import { test } from 'node:test';
import { UopShadow, insnAccesses, type RowAccess } from '../../core/analysis/access';
import { programIndex } from '../../core/analysis/program-index';
import { assembleAst, assembleText, memoryHost } from '../../core/asm';
import { includedTree } from '../../core/asm/declarations';
import { MemType, Opcode, isNop } from '../../core/isa';
import type { SourceFile } from '../../core/lang/ast';
import { parseVta } from '../../core/lang/parser';
import { buildSymbolIndex } from '../../core/lsp-support/symbols';
import type { Program } from '../../core/program/program';
import { randomProgram } from '../support/random-built-program';

const DEFS = [
  'const N = 3',
  'data x : inp[16] = random(seed=1)',
  'data w : wgt[16] = random(seed=2)',
  'data y : out[4]',
  'kernel g(row) { uop dst=row src=0 wgt=0 }',
].join('\n');

// Line numbers (0-based) are given in the comments: the test names them.
const MAIN = [
  'include "defs.vta"', //                                   0
  'load inp sram=0 dram=x y=1 x=16', //                      1
  'load wgt sram=0 dram=w y=1 x=16', //                      2
  'push ld->ex', //                                          3
  'pop ld->ex', //                                           4
  'for i in 0..N {', //                                      5
  '  load uop g(i)', //                                      6
  '  gemm g(i) reset', //                                    7
  '  gemm g(i)', //                                          8
  '}', //                                                    9
  'if N > 2 { alu add g(0) imm=1 } else { alu max g(0) imm=2 }', // 10
  'push ex->st', //                                          11
  'pop ex->st', //                                           12
  'store out sram=0 dram=y y=1 x=1', //                      13
  'push st->ex', //                                          14
  'pop st->ex', //                                           15
  'finish', //                                               16
  '',
].join('\n');

function assembled(): Program {
  const r = assembleText(MAIN, { file: '/w/main.vta', host: memoryHost({ '/w/main.vta': MAIN, '/w/defs.vta': DEFS }) });
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return r.program!;
}

/** The rows as the checks used to compute them: one UOP shadow walked in program order. */
function walked(p: Program): RowAccess[][] {
  const shadow = new UopShadow(p.target, p.dram);
  return p.insns.map((pi) => {
    const a = insnAccesses(p.target, pi.insn, shadow);
    if (pi.insn.opcode === Opcode.LOAD && pi.insn.memory_type === MemType.UOP && !isNop(pi.insn)) shadow.load(pi.insn);
    return a;
  });
}

/** An access as plain data (a summarised set has `approx`; an exact one has none). */
const plain = (a: RowAccess) => ({
  buf: a.buf,
  write: a.write,
  rows: [...a.rows],
  min: a.min,
  max: a.max,
  role: a.role,
  approx: !!a.approx,
});

test('one index per Program, shared by every reader', () => {
  const p = assembled();
  assert.equal(programIndex(p), programIndex(p));
  assert.notEqual(programIndex(p), programIndex(assembled()));
});

test('source lines ↔ instructions: loops write several, one line may hold two statements, push/pop lines map to their carriers', () => {
  const p = assembled();
  const x = programIndex(p);
  const file = '/w/main.vta';
  const opcodes = (list: readonly number[]) => list.map((i) => p.insns[i]!.insn.opcode);
  // The loop body's lines: one instruction per iteration, in program order.
  for (const line of [6, 7, 8]) {
    const list = x.onLine(file, line);
    assert.equal(list.length, 3, `line ${line}`);
    assert.deepEqual(
      [...list].sort((a, b) => a - b),
      list,
    );
    assert.deepEqual(x.writtenAt(file, { line, character: 2 }), list);
  }
  assert.deepEqual(opcodes(x.onLine(file, 7)), [Opcode.GEMM, Opcode.GEMM, Opcode.GEMM]);
  // Only the `then` branch of line 10 assembles: the statement at its start character.
  const thenAt = MAIN.split('\n')[10]!.indexOf('alu add');
  const elseAt = MAIN.split('\n')[10]!.indexOf('alu max');
  assert.equal(x.writtenAt(file, { line: 10, character: thenAt }).length, 1);
  assert.deepEqual(x.writtenAt(file, { line: 10, character: elseAt }), []);
  assert.deepEqual(x.writtenAt(file, { line: 10, character: 0 }), []);
  // A push/pop line: the instruction whose flag it sets (no instruction is written there).
  const pushLine = x.onLine(file, 3);
  assert.equal(pushLine.length, 1);
  assert.equal(p.insns[pushLine[0]!]!.insn.push_next_dep, 1);
  assert.deepEqual(x.writtenAt(file, { line: 3, character: 0 }), []);
  // Lines that hold instructions, sorted; the included file holds none.
  const lines = x.lines(file);
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
  );
  for (const l of [1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16]) assert.ok(lines.includes(l), `line ${l}`);
  for (const l of [0, 5, 9]) assert.ok(!lines.includes(l), `line ${l}`);
  assert.deepEqual(x.files(), [file]);
  assert.deepEqual(x.lines('/w/defs.vta'), []);
  // Every instruction sits on the line its source names.
  p.insns.forEach((pi, i) => {
    if (pi.source) assert.ok(x.onLine(pi.source.file, pi.source.start.line).includes(i));
  });
});

test('SRAM rows per instruction: those of one UOP shadow walked in program order, for examples and built programs', () => {
  const programs: Program[] = [assembled()];
  for (const f of readdirSync('examples').filter((n) => n.endsWith('.vta'))) {
    const text = readFileSync(`examples/${f}`, 'utf8');
    const r = assembleText(text, { file: `examples/${f}` });
    if (r.program) programs.push(r.program);
  }
  for (let seed = 1; seed <= 20; seed++) programs.push(randomProgram(seed));
  for (const p of programs) {
    const x = programIndex(p);
    const expected = walked(p);
    // Asked out of order (the hazard check reads in the order the modules run).
    const order = p.insns.map((_, i) => i).reverse();
    for (const i of order) assert.deepEqual(x.accesses(i)?.map(plain), expected[i]!.map(plain), `instruction ${i}`);
    assert.equal(x.accesses(p.insns.length), undefined);
  }
  // Concrete rows: the INP load writes rows 0..15; each GEMM of the loop writes ACC row i.
  const p = programs[0]!;
  const x = programIndex(p);
  const load = x.onLine('/w/main.vta', 1)[0]!;
  assert.deepEqual(
    x.accesses(load)!.map((a) => [a.role, a.rows]),
    [['LOAD writes INP rows', [0, 16]]],
  );
  x.onLine('/w/main.vta', 8).forEach((g, i) => {
    const dst = x.accesses(g)!.find((a) => a.buf === 'acc' && a.write)!;
    assert.deepEqual(dst.rows, [i, i + 1]);
  });
  // Each call gives fresh objects: a reader may sort or change them.
  const a = x.accesses(load)!;
  a[0]!.rows.push(99);
  assert.deepEqual(x.accesses(load)![0]!.rows, [0, 16]);
});

test('queue counts around each instruction and the push/pop lines, counted in text order', () => {
  const p = assembled();
  const x = programIndex(p);
  const file = '/w/main.vta';
  const carrier = x.onLine(file, 3)[0]!;
  assert.equal(x.queuesBefore(carrier)['ld->ex'], 0);
  assert.equal(x.queuesAfter(carrier)['ld->ex'], 1);
  const popper = x.onLine(file, 4)[0]!;
  assert.equal(x.queuesAfter(popper)['ld->ex'], 0);
  assert.deepEqual(x.tokenLine(file, 3), { queue: 'ld->ex', count: 1, carrier, flag: 'push_next_dep' });
  assert.deepEqual(x.tokenLine(file, 4), { queue: 'ld->ex', count: 0, carrier: popper, flag: 'pop_prev_dep' });
  assert.equal(x.tokenLine(file, 1), undefined);
  // After the last instruction every queue is balanced; before the first, empty.
  const last = p.insns.length - 1;
  assert.deepEqual(x.queuesBefore(0), { 'ld->ex': 0, 'ex->ld': 0, 'ex->st': 0, 'st->ex': 0 });
  assert.deepEqual(x.queuesAfter(last), { 'ld->ex': 0, 'ex->ld': 0, 'ex->st': 0, 'st->ex': 0 });
  for (let i = 0; i < last; i++) assert.deepEqual(x.queuesAfter(i), x.queuesBefore(i + 1));
});

test('the symbol index and the assembler of one version share the included trees: each included file is read and parsed once', () => {
  const files = memoryHost({ '/w/main.vta': MAIN, '/w/defs.vta': DEFS });
  const reads: string[] = [];
  const host = { ...files, readText: (p: string) => (reads.push(p), files.readText(p)) };
  const ast = parseVta(MAIN);
  const trees = new Map<string, SourceFile>();
  const symbols = buildSymbolIndex('/w/main.vta', ast, {
    resolve: (from, rel) => host.resolve(from, rel),
    parse: (p) => includedTree(host, trees, p),
  });
  assert.equal(symbols.globals.get('g')?.file, '/w/defs.vta');
  const r = assembleAst(ast, { file: '/w/main.vta', host, includedAsts: trees });
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual(reads, ['/w/defs.vta']);
  assert.equal(r.declarations!.includedAsts, trees);
  assert.deepEqual([...trees.keys()], ['/w/defs.vta']);
  // Without trees given, the assembler reads the include itself and keeps its tree.
  const alone = assembleAst(ast, { file: '/w/main.vta', host });
  assert.deepEqual(reads, ['/w/defs.vta', '/w/defs.vta']);
  assert.deepEqual([...alone.declarations!.includedAsts.keys()], ['/w/defs.vta']);
});

test("only RowWalk walks a program's rows: no other shipped file keeps a UOP shadow", async () => {
  const { sources } = await import('../../scripts/import-graph.mjs');
  const walkers = ['core', 'server', 'client', 'webviews']
    .flatMap((d) => sources(d) as string[])
    .filter((f) => /new UopShadow\(|insnAccesses\(/.test(readFileSync(f, 'utf8')))
    .map((f) => f.split(sep).join('/'));
  assert.deepEqual(walkers.sort(), ['core/analysis/access.ts', 'core/analysis/program-index.ts']);
});
