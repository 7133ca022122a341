/**
 * The hardware test library's dump (vta-isa.md §6.4), from a hand-written log of
 * gemm_test with uop compression (§7.1).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseTvmDump, type ParsedDump } from '../../core/asm/dump/parse-dump';
import { mkInsn } from './dump-writer';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/dumps/${name}`, import.meta.url)), 'utf8');
const LOAD = 0,
  STORE = 1,
  GEMM = 2,
  FINISH = 3,
  ALU = 4;
const codes = (r: ParsedDump, severity?: string): string[] =>
  r.diagnostics
    .filter((d) => !severity || d.severity === severity)
    .map((d) => d.code)
    .sort();

const GEMM_TEST = [
  mkInsn(LOAD, { memory_type: 0, y_size: 1, x_size: 4, x_stride: 4 }),
  mkInsn(LOAD, { memory_type: 3, push_prev_dep: 1, y_size: 4, x_size: 4, x_stride: 4 }),
  mkInsn(LOAD, { memory_type: 1, pop_next_dep: 1, y_size: 4, x_size: 4, x_stride: 4 }),
  mkInsn(LOAD, { memory_type: 2, push_next_dep: 1, y_size: 4, x_size: 4, x_stride: 4 }),
  mkInsn(GEMM, {
    pop_prev_dep: 1,
    push_next_dep: 1,
    uop_bgn: 0,
    uop_end: 4,
    iter_out: 4,
    iter_in: 4,
    dst_factor_out: 0,
    dst_factor_in: 1,
    src_factor_out: 1,
    src_factor_in: 0,
    wgt_factor_out: 1,
    wgt_factor_in: 4,
  }),
  mkInsn(STORE, { memory_type: 4, pop_prev_dep: 1, push_prev_dep: 1, y_size: 4, x_size: 4, x_stride: 4 }),
  mkInsn(FINISH, { pop_next_dep: 1 }),
];

describe('test-library dump: gemm_test', () => {
  const text = fixture('testlib-gemm.log');
  const r = parseTvmDump(text);

  it('is detected as the test-library variant', () => {
    assert.equal(r.variant, 'test-lib');
    assert.equal(r.declaredCount, 7);
  });

  it('imports every instruction field by field (GEMM: range before reset_out, factors acc, inp, wgt)', () => {
    assert.equal(r.instructions.length, 7);
    r.instructions.forEach((d, n) => assert.deepStrictEqual(d.insn, GEMM_TEST[n], `instruction ${n}`));
    assert.deepStrictEqual(
      r.instructions.map((d) => d.line),
      [2, 7, 12, 17, 22, 28, 33],
    );
  });

  it('reads FINISH with its dep line and the final counters, and finds them consistent', () => {
    assert.equal(r.instructions[6]!.insn.pop_next_dep, 1);
    assert.deepStrictEqual(r.finalCounters, { l2g: 0, g2l: 0, s2g: 0, g2s: 0 });
    assert.deepStrictEqual(r.diagnostics, []);
  });

  it('reads the micro-ops ("inp= " with a space)', () => {
    assert.deepStrictEqual(r.uopKernels, [
      {
        line: 37,
        uops: [
          { dst: 0, src: 0, wgt: 0 },
          { dst: 4, src: 4, wgt: 0 },
          { dst: 8, src: 8, wgt: 0 },
          { dst: 12, src: 12, wgt: 0 },
        ],
      },
    ]);
  });

  it('checks the final counters against the instructions (FINISH counts here)', () => {
    // Drop FINISH's pop: s2g should then end at 1, not 0.
    const edited = text.replace(
      'DEBUG - INSTRUCTION 6: FINISH\n\tdep - pop prev: 0, pop next: 1',
      'DEBUG - INSTRUCTION 6: FINISH\n\tdep - pop prev: 0, pop next: 0',
    );
    assert.notEqual(edited, text);
    const e = parseTvmDump(edited);
    assert.deepStrictEqual(codes(e), ['vta.dump.counter-mismatch']);
    const w = e.diagnostics[0]!;
    assert.equal(w.severity, 'warning');
    assert.equal(w.line, 36);
    assert.match(w.message, /s2g_queue = 1/);
  });

  it('reads micro-ops without the count header too', () => {
    const u = parseTvmDump(
      'DEBUG - UOP 0: acc=1, inp= 2, wgt=3\nDEBUG - UOP 1: acc=4, inp= 5, wgt=6\nDEBUG - UOP 0: acc=7, inp= 8, wgt=9\n',
    );
    assert.deepStrictEqual(u.uopKernels, [
      {
        line: 0,
        uops: [
          { dst: 1, src: 2, wgt: 3 },
          { dst: 4, src: 5, wgt: 6 },
        ],
      },
      { line: 2, uops: [{ dst: 7, src: 8, wgt: 9 }] },
    ]);
  });

  it('reads an ALU, a zero-size load (a NOP it does not name) and the ACC_8BIT quirk', () => {
    const t = [
      'DEBUG - There are 3 instructions',
      'DEBUG - INSTRUCTION 0: ALU - min imm',
      '\tdep - pop prev: 1, pop next: 0, push prev: 0, push next: 1',
      '\treset_out: 0',
      '\trange (3, 9)',
      '\touter loop - iter: 2, dst: 8, src: 16',
      '\tinner loop - iter: 8, dst: 1, src: 1',
      'DEBUG - INSTRUCTION 1: LOAD INP',
      '\tdep - pop prev: 0, pop next: 1, push prev: 0, push next: 0',
      '\tDRAM: 0x0000abcd, SRAM:0x0001',
      '\ty: size=0, pad=[0, 0]',
      '\tx: size=0, stride=0, pad=[0, 0]',
      'DEBUG - INSTRUCTION 2: LOAD \tdep - pop prev: 0, pop next: 0, push prev: 0, push next: 0',
      '\tDRAM: 0x00000010, SRAM:0x0002',
      '\ty: size=1, pad=[2, 3]',
      '\tx: size=4, stride=4, pad=[4, 5]',
      'DEBUG - l2g_queue = -1, g2l_queue = -1',
      'DEBUG - s2g_queue = 0, g2s_queue = 1',
    ].join('\n');
    const x = parseTvmDump(t);
    assert.deepStrictEqual(
      x.instructions.map((d) => d.insn),
      [
        mkInsn(ALU, {
          pop_prev_dep: 1,
          push_next_dep: 1,
          uop_bgn: 3,
          uop_end: 9,
          iter_out: 2,
          dst_factor_out: 8,
          src_factor_out: 16,
          iter_in: 8,
          dst_factor_in: 1,
          src_factor_in: 1,
          alu_opcode: 0,
          use_imm: 1,
        }),
        mkInsn(LOAD, { pop_next_dep: 1, memory_type: 2, dram_base: 0xabcd, sram_base: 1 }),
        mkInsn(LOAD, {
          memory_type: 5,
          dram_base: 0x10,
          sram_base: 2,
          y_size: 1,
          y_pad_0: 2,
          y_pad_1: 3,
          x_size: 4,
          x_stride: 4,
          x_pad_0: 4,
          x_pad_1: 5,
        }),
      ],
    );
    assert.equal(x.instructions[1]!.nopStage, 'ld');
    assert.equal(x.instructions[2]!.memTypeGuessed, true);
    assert.deepStrictEqual(x.finalCounters, { l2g: -1, g2l: -1, s2g: 0, g2s: 1 });
    assert.deepStrictEqual(codes(x), ['vta.dump.imm-unknown', 'vta.dump.mem-type-guessed']);
  });
});
