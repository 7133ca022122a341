/**
 * The simulator's fast paths give the same results as its plain ones:
 * - the WebAssembly SIMD kernels (GEMM on widened weights, reset GEMM, ALU) and the
 *   JavaScript kernels, on every geometry the kernels are generated for and on one they
 *   are not, against the reference interpreter;
 * - the widened weights follow every write of the WGT buffer, including the restores of
 *   reverse stepping;
 * - a timing run in batches (no snapshots) and one step at a time (with snapshots):
 *   the same cycles, steps and statistics.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG_KEYS, MemType, deriveTarget } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { Simulator, simulate } from '../../core/sim';
import { Prng } from '../../core/sim/prng';
import { ProgramBuilder, int32Bytes, int8Bytes } from '../support/program-builder';
import { randomProgram } from '../support/random-built-program';
import { referenceRun } from '../support/reference-run';
import { convGemmProgram, CONV_SHAPES } from '../../bench/gemm-programs';

function bytes(n: number, seed: number): number[] {
  const r = new Prng(seed);
  return Array.from({ length: n }, () => r.int(256) - 128);
}

function bothKernels(p: Program, expectSimd = true): void {
  const simd = simulate(p, { snapshots: false });
  const js = simulate(p, { snapshots: false, kernel: 'js' });
  assert.equal(simd.status, 'finished', simd.error?.message);
  assert.equal(new Simulator(p, { snapshots: false }).kernel, expectSimd ? 'simd' : 'js');
  const ref = referenceRun(p);
  assert.deepEqual([...simd.dram], [...ref.dram], 'SIMD kernels against the reference');
  assert.deepEqual([...js.dram], [...ref.dram], 'JavaScript kernels against the reference');
  assert.deepEqual(simd.counters, ref.counters);
}

describe('SIMD and JavaScript kernels', () => {
  const geometries = [
    { name: '1x16', keys: {}, simd: true },
    {
      name: '1x8',
      keys: { LOG_BLOCK: 3, LOG_INP_BUFF_SIZE: 13, LOG_WGT_BUFF_SIZE: 14, LOG_ACC_BUFF_SIZE: 15 },
      simd: true,
    },
    { name: '1x32', keys: { LOG_BLOCK: 5 }, simd: true },
    { name: '2x16', keys: { LOG_BATCH: 1 }, simd: true },
    { name: '4x16 small buffers', keys: { LOG_BATCH: 2, LOG_INP_BUFF_SIZE: 13, LOG_ACC_BUFF_SIZE: 15 }, simd: true },
    {
      name: '1x4 (JavaScript only: blocks under 8 lanes)',
      keys: { LOG_BLOCK: 2, LOG_INP_BUFF_SIZE: 12, LOG_WGT_BUFF_SIZE: 12, LOG_ACC_BUFF_SIZE: 14 },
      simd: false,
    },
  ];
  for (const g of geometries) {
    it(`${g.name}: random programs agree with the reference`, () => {
      const t = deriveTarget(g.name, { ...DEFAULT_CONFIG_KEYS, ...g.keys });
      for (const seed of [11, 12, 13, 14]) bothKernels(randomProgram(seed, { target: t }), g.simd);
    });
  }

  it('TVM-shaped conv GEMMs (1x1 and 3x3, 16 to 252 micro-ops) agree with the reference', () => {
    for (const s of CONV_SHAPES) bothKernels(convGemmProgram(s, 2000).program);
  });

  it('ALU: every opcode, immediate and tensor, with the source row the destination row and not', () => {
    const ops = ['MIN', 'MAX', 'ADD', 'SHR', 'MUL'] as const;
    for (const op of ops) {
      for (const imm of [undefined, 0, 7, -7, 31, -32, 32767, -32768]) {
        const b = new ProgramBuilder();
        const r = new Prng(op.length * 100 + (imm ?? 1));
        const values = Array.from({ length: 16 * 6 }, (_, i) => (i % 3 === 0 ? r.int(64) - 32 : r.int(2 ** 32) | 0));
        const a = b.data('a', MemType.ACC, 6, int32Bytes(values));
        const y = b.data('y', MemType.OUT, 6);
        // dst 0 ← src 3, dst 1 ← itself, dst 2 ← src 0 (written by the first micro-op)
        const u = b.uops('k', [
          { dst: 0, src: 3, wgt: 0 },
          { dst: 1, src: 1, wgt: 0 },
          { dst: 2, src: 0, wgt: 0 },
        ]);
        b.load(MemType.ACC, { sram: 0, dram: a, x: 6 });
        b.load(MemType.UOP, { sram: 0, dram: u, x: 3 });
        b.alu(op, { uop: [0, 3], imm, outer: 2, dstOut: 3, srcOut: 1, inner: 1 });
        b.store({ sram: 0, dram: y, x: 6 });
        b.finish();
        const p = b.build();
        const simd = new Simulator(p, { snapshots: false });
        const js = new Simulator(p, { snapshots: false, kernel: 'js' });
        simd.run();
        js.run();
        const ref = referenceRun(p);
        for (let row = 0; row < 6; row++) {
          assert.deepEqual([...simd.readAcc(row)], ref.acc(row), `${op} imm ${imm}: SIMD row ${row}`);
          assert.deepEqual([...js.readAcc(row)], ref.acc(row), `${op} imm ${imm}: JavaScript row ${row}`);
        }
      }
    }
  });
});

describe('transfers', () => {
  it('long ACC_8BIT loads sign-extend and long STOREs keep the low 8 bits, as short ones do', () => {
    for (const rows of [1, 3, 4, 40]) {
      const b = new ProgramBuilder();
      const a8 = b.data('a8', MemType.ACC_8BIT, 2 * rows + 2, int8Bytes(bytes((2 * rows + 2) * 16, rows)));
      const y = b.data('y', MemType.OUT, 2 * rows + 2);
      const u = b.uops('k', [{ dst: 0, src: 0, wgt: 0 }]);
      b.load(MemType.ACC_8BIT, { sram: 0, dram: a8, x: rows, y: 2, stride: rows + 1, pad: [0, 1, 1, 0] });
      b.load(MemType.UOP, { sram: 0, dram: u, x: 1 });
      // Values past the int8 range, so that narrowing matters.
      b.alu('MUL', { uop: [0, 1], imm: 259, outer: 3 * (rows + 1), dstOut: 1 });
      b.store({ sram: 0, dram: y, x: rows + 1, y: 2, stride: rows + 1 });
      b.finish();
      bothKernels(b.build());
    }
  });
});

describe('widened weights', () => {
  /** Two weight sets loaded in turn into the same WGT rows, a GEMM after each. */
  function reloadProgram(): Program {
    const b = new ProgramBuilder();
    const x = b.data('x', MemType.INP, 4, int8Bytes(bytes(64, 1)));
    const w1 = b.data('w1', MemType.WGT, 4, int8Bytes(bytes(1024, 2)));
    const w2 = b.data('w2', MemType.WGT, 4, int8Bytes(bytes(1024, 3)));
    const y = b.data('y', MemType.OUT, 8);
    const u = b.uops(
      'k',
      [0, 1, 2, 3].map((k) => ({ dst: k, src: k, wgt: (k + 1) % 4 })),
    );
    b.load(MemType.INP, { sram: 0, dram: x, x: 4 });
    b.load(MemType.WGT, { sram: 0, dram: w1, x: 4 });
    b.push('ld->ex');
    b.pop('ld->ex');
    b.load(MemType.UOP, { sram: 0, dram: u, x: 4 });
    b.gemm({ uop: [0, 4], reset: true });
    b.gemm({ uop: [0, 4] });
    b.push('ex->ld');
    b.pop('ex->ld');
    // WGT rows 1..2 again, with padding: a zero row above and below (rows 0 and 3).
    b.load(MemType.WGT, { sram: 0, dram: w2 + 1, x: 1, y: 2, stride: 1, pad: [1, 1, 0, 0] });
    b.push('ld->ex');
    b.pop('ld->ex');
    b.gemm({ uop: [0, 4], outer: 2, dstOut: 4 });
    b.push('ex->st');
    b.pop('ex->st');
    b.store({ sram: 0, dram: y, x: 8 });
    b.finish();
    return b.build();
  }

  it('follow LOADs with padding', () => {
    bothKernels(reloadProgram());
  });

  it('follow the restores of reverse stepping, backward over a LOAD WGT and forward again', () => {
    const p = reloadProgram();
    const want = referenceRun(p).dram;
    for (const mode of ['functional', 'both'] as const) {
      const sim = new Simulator(p, { mode, snapshots: { intervalMicros: 0 } });
      assert.equal(sim.kernel, 'simd');
      assert.equal(sim.run(), 'finished');
      const end = sim.steps;
      for (let step = end - 1; step >= 0; step -= 3) {
        sim.seek(step);
        sim.seek(end);
        assert.deepEqual([...sim.readDram(0, p.dram.length)], [...want], `${mode}: back to step ${step} and forward`);
      }
    }
  });

  it("follow a debugger's write of WGT rows (writeMemory) between a LOAD and the GEMMs that read them", () => {
    const p = reloadProgram();
    const firstGemm = p.insns.findIndex((x) => x.insn.opcode === 2);
    const edited = bytes(2 * 256, 7).map((v) => v & 0xff);
    const run = (kernel: 'auto' | 'js', edit: boolean): number[] => {
      const sim = new Simulator(p, { kernel });
      assert.equal(sim.run(new Set([firstGemm])), 'breakpoint');
      if (edit) assert.equal(sim.writeMemory('wgt', 256, new Uint8Array(edited)), edited.length);
      assert.equal(sim.run(), 'finished');
      return [...sim.readDram(0, p.dram.length)];
    };
    const simd = run('auto', true);
    assert.deepEqual(simd, run('js', true), 'the SIMD kernels read the written rows as the JavaScript ones do');
    assert.notDeepEqual(simd, run('auto', false), 'the write changed the result');
    assert.equal(
      new Simulator(p, { mode: 'functional' }).writeMemory('acc', 1 << 30, new Uint8Array(4)),
      0,
      'nothing past the end',
    );
    assert.throws(() => new Simulator(p, { mode: 'timing' }).writeMemory('dram', 0, new Uint8Array(1)), /timing-only/);
  });
});
