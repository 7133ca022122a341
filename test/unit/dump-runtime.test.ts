/**
 * The runtime dump (vta-isa.md §6.2, §6.3), from hand-written logs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
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

/** The seven instructions the synthetic example of §6.2 describes. */
const SPEC_EXAMPLE = [
  mkInsn(LOAD, { memory_type: 0, dram_base: 0xc00, sram_base: 0, y_size: 1, x_size: 1, x_stride: 1 }),
  mkInsn(LOAD, { memory_type: 3, dram_base: 0x80, sram_base: 0, y_size: 1, x_size: 4, x_stride: 4 }),
  mkInsn(ALU, {
    push_next_dep: 1,
    reset_reg: 0,
    uop_bgn: 0,
    uop_end: 1,
    iter_out: 1,
    dst_factor_out: 0,
    src_factor_out: 0,
    iter_in: 4,
    dst_factor_in: 1,
    src_factor_in: 1,
    alu_opcode: 2,
    use_imm: 1,
    imm: 0,
  }),
  mkInsn(STORE, {
    pop_prev_dep: 1,
    push_prev_dep: 1,
    memory_type: 4,
    dram_base: 0x200,
    y_size: 1,
    x_size: 4,
    x_stride: 4,
  }),
  mkInsn(LOAD, { push_next_dep: 1, memory_type: 2 }),
  mkInsn(LOAD, { pop_prev_dep: 1, pop_next_dep: 1, memory_type: 0 }),
  mkInsn(FINISH),
];

describe('runtime dump: the synthetic example of vta-isa.md §6.2', () => {
  const r = parseTvmDump(fixture('runtime-spec-example.log'));

  it('is detected as the runtime variant with its declared count', () => {
    assert.equal(r.variant, 'runtime');
    assert.equal(r.declaredCount, 7);
  });

  it('imports every instruction field by field', () => {
    assert.equal(r.instructions.length, 7);
    r.instructions.forEach((d, n) => assert.deepStrictEqual(d.insn, SPEC_EXAMPLE[n], `instruction ${n}`));
  });

  it('records the printed index and the header line of each instruction', () => {
    assert.deepStrictEqual(
      r.instructions.map((d) => d.index),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.deepStrictEqual(
      r.instructions.map((d) => d.line),
      [1, 8, 15, 23, 30, 34, 38],
    );
  });

  it('marks the NOPs with their stage and the ALU immediate as unknown', () => {
    assert.deepStrictEqual(
      r.instructions.map((d) => d.nopStage),
      [undefined, undefined, undefined, undefined, 'ld', 'ex', undefined],
    );
    assert.deepStrictEqual(
      r.instructions.map((d) => d.immUnknown),
      [undefined, undefined, true, undefined, undefined, undefined, undefined],
    );
  });

  it('reads the final counters and finds them consistent', () => {
    assert.deepStrictEqual(r.finalCounters, { l2g: 0, g2l: 0, s2g: 0, g2s: 0 });
    assert.deepStrictEqual(codes(r), ['vta.dump.imm-unknown']);
    assert.equal(r.diagnostics[0]!.severity, 'info');
    assert.equal(r.diagnostics[0]!.line, 15);
  });

  it('reads the same from CRLF line endings', () => {
    const crlf = parseTvmDump(fixture('runtime-spec-example.log').replace(/\n/g, '\r\n'));
    assert.deepStrictEqual(crlf, r);
  });

  it('skips unrelated lines interleaved anywhere, also inside an instruction', () => {
    const noise = [
      'DEBUG - something else entirely',
      '[12:00:01] INFO: tvm.driver.build',
      '',
      'x = 5 (a python print)',
      '\tinp_load_nbytes :  128',
      'There are many reasons',
      'range of values 1..5',
    ];
    const lines = fixture('runtime-spec-example.log').split('\n');
    const mixed: string[] = [];
    const lineMap: number[] = [];
    lines.forEach((l, n) => {
      mixed.push(noise[n % noise.length]!);
      lineMap.push(mixed.length);
      mixed.push(l);
    });
    const m = parseTvmDump(mixed.join('\n'));
    assert.deepStrictEqual(
      m.diagnostics.filter((d) => d.severity !== 'info'),
      [],
    );
    assert.deepStrictEqual(
      m.instructions.map((d) => d.insn),
      SPEC_EXAMPLE,
    );
    assert.deepStrictEqual(
      m.instructions.map((d) => d.line),
      r.instructions.map((d) => lineMap[d.line]),
    );
  });

  it('accepts spaces in place of the tabs', () => {
    const s = parseTvmDump(fixture('runtime-spec-example.log').replace(/\t/g, '    '));
    assert.deepStrictEqual(
      s.instructions.map((d) => d.insn),
      SPEC_EXAMPLE,
    );
    assert.deepStrictEqual(codes(s), ['vta.dump.imm-unknown']);
  });
});

describe('runtime dump: two Synchronize calls, uop dumps, GEMM, ACC_8BIT, NOP-STORE-STAGE', () => {
  const r = parseTvmDump(fixture('runtime-two-syncs.log'));

  it('imports the instructions of both dumps in sequence', () => {
    const expected = [
      mkInsn(STORE, { push_prev_dep: 1 }),
      mkInsn(LOAD, {
        memory_type: 2,
        dram_base: 0x10000,
        sram_base: 0,
        y_size: 2,
        y_pad_0: 1,
        y_pad_1: 1,
        x_size: 2,
        x_stride: 4,
        x_pad_0: 1,
        x_pad_1: 1,
      }),
      mkInsn(LOAD, {
        push_next_dep: 1,
        memory_type: 1,
        dram_base: 0x400,
        sram_base: 0x10,
        y_size: 1,
        x_size: 2,
        x_stride: 2,
      }),
      mkInsn(LOAD, { memory_type: 0, dram_base: 0x20000, y_size: 1, x_size: 2, x_stride: 2 }),
      mkInsn(GEMM, {
        pop_prev_dep: 1,
        pop_next_dep: 1,
        push_prev_dep: 1,
        reset_reg: 0,
        uop_bgn: 0,
        uop_end: 2,
        iter_out: 3,
        wgt_factor_out: 1,
        src_factor_out: 2,
        dst_factor_out: 4,
        iter_in: 5,
        wgt_factor_in: 6,
        src_factor_in: 7,
        dst_factor_in: 8,
      }),
      mkInsn(LOAD, { memory_type: 5, dram_base: 0x123, sram_base: 0x20, y_size: 1, x_size: 16, x_stride: 16 }),
      mkInsn(ALU, {
        push_next_dep: 1,
        uop_bgn: 2,
        uop_end: 3,
        iter_out: 1,
        iter_in: 16,
        dst_factor_in: 1,
        src_factor_in: 1,
        alu_opcode: 3,
        use_imm: 1,
      }),
      mkInsn(STORE, {
        pop_prev_dep: 1,
        push_prev_dep: 1,
        memory_type: 4,
        dram_base: 0xfffffff0,
        sram_base: 0x7ff,
        y_size: 16,
        x_size: 1,
        x_stride: 1,
      }),
      mkInsn(FINISH),
      mkInsn(ALU, {
        pop_next_dep: 1,
        reset_reg: 1,
        uop_bgn: 0,
        uop_end: 1,
        iter_out: 2,
        dst_factor_out: 3,
        src_factor_out: 4,
        iter_in: 5,
        dst_factor_in: 6,
        src_factor_in: 7,
        alu_opcode: 1,
        use_imm: 1,
      }),
      mkInsn(LOAD, { push_prev_dep: 1, memory_type: 0 }),
      mkInsn(FINISH),
    ];
    assert.equal(r.instructions.length, expected.length);
    r.instructions.forEach((d, n) => assert.deepStrictEqual(d.insn, expected[n], `instruction ${n}`));
    assert.deepStrictEqual(
      r.instructions.map((d) => d.index),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2],
    );
    assert.equal(r.declaredCount, 12);
  });

  it('flags what the dump cannot tell', () => {
    const by = (n: number) => r.instructions[n]!;
    assert.equal(by(0).nopStage, 'st');
    assert.equal(by(10).nopStage, 'ex');
    assert.equal(by(5).memTypeGuessed, true);
    assert.equal(by(6).useImmUnknown, true);
    assert.equal(by(6).immUnknown, true);
    assert.equal(by(9).useImmUnknown, undefined);
    assert.equal(by(9).immUnknown, true);
    assert.equal(by(4).immUnknown, undefined);
  });

  it('reads both uop kernels', () => {
    assert.deepStrictEqual(r.uopKernels, [
      {
        line: 1,
        uops: [
          { dst: 0, src: 0, wgt: 0 },
          { dst: 1, src: 1, wgt: 0 },
        ],
      },
      { line: 5, uops: [{ dst: 0, src: 0, wgt: 0 }] },
    ]);
  });

  it('says there were two dumps, and reports nothing else but infos', () => {
    assert.deepStrictEqual(codes(r), ['vta.dump.imm-unknown', 'vta.dump.mem-type-guessed', 'vta.dump.multiple-dumps']);
    assert.ok(r.diagnostics.every((d) => d.severity === 'info'));
    const multi = r.diagnostics.find((d) => d.code === 'vta.dump.multiple-dumps')!;
    assert.equal(multi.line, 69);
    assert.match(multi.message, /2 instruction dumps/);
  });

  it('keeps the counters printed last (they may be negative)', () => {
    assert.deepStrictEqual(r.finalCounters, { l2g: 0, g2l: 1, s2g: -1, g2s: 0 });
  });
});

describe('runtime dump: every ALU name', () => {
  const one = (name: string): ParsedDump =>
    parseTvmDump(
      [
        'There are 1 instructions',
        `INSTRUCTION 0: ALU - ${name}`,
        '\tdep - pop prev: 0, pop next: 0, push prev: 0, push next: 0',
        '\treset_out: 0',
        '\trange (0, 1)',
        '\touter loop - iter: 1, dst: 0, src: 0',
        '\tinner loop - iter: 1, dst: 0, src: 0',
        '\tl2g_queue = 0, g2l_queue = 0',
        '\ts2g_queue = 0, g2s_queue = 0',
      ].join('\n'),
    );
  const table: [string, number, number, boolean][] = [
    ['min', 0, 0, false],
    ['min imm', 0, 1, false],
    ['max', 1, 0, false],
    ['max imm', 1, 1, false],
    ['add', 2, 0, false],
    ['add imm', 2, 1, false],
    ['shr', 3, 1, true],
    ['mul', 4, 0, true],
    ['unknown op', 5, 0, true],
  ];
  for (const [name, op, useImm, hidden] of table) {
    it(`"${name}" → alu_opcode ${op}, use_imm ${useImm}`, () => {
      const r = one(name);
      assert.equal(r.instructions.length, 1);
      const d = r.instructions[0]!;
      assert.equal(d.insn.alu_opcode, op);
      assert.equal(d.insn.use_imm, useImm);
      assert.equal(d.insn.imm, 0);
      assert.equal(d.immUnknown, useImm === 1 ? true : undefined);
      assert.equal(d.useImmUnknown, hidden ? true : undefined);
      assert.equal(codes(r, 'error').length, 0);
    });
  }

  it('"unknown op" is also a warning', () => {
    const r = one('unknown op');
    assert.deepStrictEqual(codes(r, 'warning'), ['vta.dump.alu-unknown-op']);
    assert.equal(r.instructions[0]!.aluOpUnknown, true);
  });

  it('a name that is not one of them is an error', () => {
    const r = one('sub');
    assert.equal(r.instructions.length, 0);
    const e = r.diagnostics.find((d) => d.severity === 'error')!;
    assert.equal(e.code, 'vta.dump.syntax');
    assert.equal(e.line, 1);
    assert.equal(e.character, 'INSTRUCTION 0: ALU - '.length);
    assert.match(e.message, /an ALU operation/);
  });
});

describe('runtime dump: micro-op dumps', () => {
  it('reads a kernel and checks its count and indices', () => {
    const r = parseTvmDump(
      'There are 3 uops\n[0000]\t acc=0, inp=0, wgt=0\n[0001]\t acc=1, inp=16, wgt=2\n[0003]\t acc=5, inp=6, wgt=7\n\n',
    );
    assert.deepStrictEqual(r.uopKernels, [
      {
        line: 0,
        uops: [
          { dst: 0, src: 0, wgt: 0 },
          { dst: 1, src: 16, wgt: 2 },
          { dst: 5, src: 6, wgt: 7 },
        ],
      },
    ]);
    assert.deepStrictEqual(codes(r), ['vta.dump.no-instructions', 'vta.dump.uop-index']);
    assert.equal(r.diagnostics.find((d) => d.code === 'vta.dump.uop-index')!.line, 3);
  });

  it('warns when fewer uops follow than the header says', () => {
    const r = parseTvmDump(
      'There are 3 uops\n[0000]\t acc=0, inp=0, wgt=0\n\nThere are 1 instructions\nINSTRUCTION 0: FINISH\n\tl2g_queue = 0, g2l_queue = 0\n\ts2g_queue = 0, g2s_queue = 0\n',
    );
    assert.deepStrictEqual(codes(r), ['vta.dump.uop-count-mismatch']);
    assert.equal(r.diagnostics[0]!.line, 0);
    assert.equal(r.instructions.length, 1);
  });

  it('does not take log timestamps for uops', () => {
    const r = parseTvmDump('[12:00:01] acc\n[2024] something\n');
    assert.deepStrictEqual(r.uopKernels, []);
  });
});
