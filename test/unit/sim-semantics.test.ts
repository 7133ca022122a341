/**
 * fsim's functional semantics (vta-isa.md §4), instruction by instruction. Expected
 * values are either written from the ISA document's rules in the test itself, or
 * computed by the plain reference interpreter (test/support/reference-run.ts), which
 * shares no code with the simulator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG_KEYS, MemType, deriveTarget, defaultTarget } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { COUNTER_KEYS, SimError, Simulator, simulate } from '../../core/sim';
import { ProgramBuilder, int32Bytes, int8Bytes } from '../support/program-builder';
import { randomProgram } from '../support/random-built-program';
import { referenceRun } from '../support/reference-run';

function runToEnd(p: Program, opts = {}): Simulator {
  const sim = new Simulator(p, { snapshots: false, ...opts });
  const reason = sim.run();
  assert.equal(reason, 'finished', sim.error?.message);
  return sim;
}

function assertMatchesReference(p: Program, opts = {}): void {
  const r = simulate(p, opts);
  assert.equal(r.status, 'finished', r.error?.message);
  const ref = referenceRun(p);
  assert.deepEqual(r.counters, ref.counters);
  assert.deepEqual([...r.dram], [...ref.dram]);
}

/** Values 0, 1, 2, … as signed bytes. */
const ramp = (n: number, start = 1) =>
  Array.from({ length: n }, (_, i) => ((i + start) % 256) - ((i + start) % 256 >= 128 ? 256 : 0));

describe('LOAD with padding (§4.2)', () => {
  it('INP: X·Y rows from sram_base, zero padding around each row and above/below', () => {
    const b = new ProgramBuilder();
    const x = b.data('x', MemType.INP, 8, int8Bytes(ramp(8 * 16)));
    // 2 rows of 3 elements, stride 4, padding top 1, bottom 1, left 2, right 1 → X = 6, Y = 4
    b.load(MemType.INP, { sram: 5, dram: x + 1, y: 2, x: 3, stride: 4, pad: [1, 1, 2, 1] });
    b.finish();
    const sim = runToEnd(b.build());
    const X = 6,
      Y = 4;
    for (let yy = 0; yy < Y; yy++) {
      for (let xx = 0; xx < X; xx++) {
        const y = yy - 1,
          xe = xx - 2;
        const inData = y >= 0 && y < 2 && xe >= 0 && xe < 3;
        const elem = 1 + y * 4 + xe;
        const want = inData ? ramp(16, elem * 16 + 1) : new Array(16).fill(0);
        assert.deepEqual([...sim.readInp(5 + yy * X + xx)], want, `row ${yy},${xx}`);
      }
    }
    // Nothing outside the X·Y rows.
    assert.deepEqual([...sim.readInp(4)], new Array(16).fill(0));
    assert.deepEqual([...sim.readInp(5 + 24)], new Array(16).fill(0));
    assert.equal(sim.counters().inp_load_nbytes, 2 * 3 * 16, 'padding is not counted');
  });

  it('WGT, ACC and UOP honour padding too (as fsim does; HLS ignores it for WGT and UOP)', () => {
    const b = new ProgramBuilder();
    const w = b.data('w', MemType.WGT, 2, int8Bytes(ramp(512)));
    const a = b.data('a', MemType.ACC, 2, int32Bytes([...Array(32).keys()].map((i) => i - 5)));
    const u = b.uops('k', [
      { dst: 3, src: 4, wgt: 5 },
      { dst: 6, src: 7, wgt: 8 },
    ]);
    b.load(MemType.WGT, { sram: 10, dram: w, x: 2, pad: [0, 0, 1, 1] });
    b.load(MemType.ACC, { sram: 20, dram: a, y: 2, x: 1, stride: 1, pad: [1, 0, 0, 1] });
    b.load(MemType.UOP, { sram: 30, dram: u, x: 2, pad: [1, 0, 1, 0] });
    b.finish();
    const sim = runToEnd(b.build());
    assert.deepEqual([...sim.readWgt(10)], new Array(256).fill(0));
    assert.deepEqual([...sim.readWgt(11)], ramp(256, 1));
    assert.deepEqual([...sim.readWgt(12)], ramp(256, 257));
    assert.deepEqual([...sim.readWgt(13)], new Array(256).fill(0));
    // ACC: X = 2 (x 1 + right pad 1), Y = 3 (top pad 1 + 2 rows)
    assert.deepEqual([...sim.readAcc(20, 2)], new Array(32).fill(0));
    assert.deepEqual(
      [...sim.readAcc(22)],
      [...Array(16).keys()].map((i) => i - 5),
    );
    assert.deepEqual([...sim.readAcc(23)], new Array(16).fill(0));
    assert.deepEqual(
      [...sim.readAcc(24)],
      [...Array(16).keys()].map((i) => i + 11),
    );
    // UOP: X = 3 (left pad 1), Y = 2 (top pad 1): [0 0 0] [0 u0 u1]
    assert.deepEqual(sim.readUops(30, 6), [
      { dst: 0, src: 0, wgt: 0 },
      { dst: 0, src: 0, wgt: 0 },
      { dst: 0, src: 0, wgt: 0 },
      { dst: 0, src: 0, wgt: 0 },
      { dst: 3, src: 4, wgt: 5 },
      { dst: 6, src: 7, wgt: 8 },
    ]);
    assert.deepEqual(sim.counters(), {
      inp_load_nbytes: 0,
      wgt_load_nbytes: 2 * 256,
      acc_load_nbytes: 2 * 64,
      uop_load_nbytes: 2 * 4,
      out_store_nbytes: 0,
      gemm_counter: 0,
      alu_counter: 0,
    });
  });

  it('ACC_8BIT: int8 sign-extended into int32 lanes, DRAM address dram_base × 16 (ACC row bytes / 4)', () => {
    const b = new ProgramBuilder();
    const bytes = new Uint8Array(64);
    for (let i = 0; i < 64; i++) bytes[i] = (i * 37 + 128) & 255;
    const a8 = b.data('a8', MemType.ACC_8BIT, 4, bytes);
    b.load(MemType.ACC_8BIT, { sram: 7, dram: a8 + 2, x: 2, pad: [0, 0, 0, 1] });
    b.finish();
    const sim = runToEnd(b.build());
    const s8 = (v: number) => (v >= 128 ? v - 256 : v);
    assert.deepEqual([...sim.readAcc(7)], [...bytes.slice(32, 48)].map(s8));
    assert.deepEqual([...sim.readAcc(8)], [...bytes.slice(48, 64)].map(s8));
    assert.deepEqual([...sim.readAcc(9)], new Array(16).fill(0));
    assert.ok(sim.readAcc(7).some((v) => v < 0) && sim.readAcc(7).some((v) => v > 0));
    assert.equal(sim.counters().acc_load_nbytes, 2 * 64, 'counted as full ACC rows');
  });
});

describe('STORE (§4.4)', () => {
  it('narrows each int32 lane to its low 8 bits (no saturation), row sram_base + y·x_size + x', () => {
    const b = new ProgramBuilder();
    const vals = [261, -1, 2147483647, -129, 128, -128, 255, 256, 0, 1, -2147483648, 383, -257, 127, 200, -200];
    const a = b.data(
      'a',
      MemType.ACC,
      4,
      int32Bytes([...vals, ...vals.map((v) => v + 1), ...vals.map((v) => v ^ 7), ...vals.map((v) => -v)]),
    );
    const y = b.data('y', MemType.OUT, 8);
    b.load(MemType.ACC, { sram: 0, dram: a, x: 4 });
    b.store({ sram: 0, dram: y + 1, y: 2, x: 2, stride: 3 });
    b.finish();
    const p = b.build();
    const r = simulate(p);
    const out = r.dram.slice(p.layout.tensors[1]!.byteOffset);
    const low8 = (v: number) => ((v % 256) + 256) % 256;
    const rowVals = (k: number) =>
      [vals, vals.map((v) => v + 1), vals.map((v) => v ^ 7), vals.map((v) => -v)][k]!.map(low8);
    // y = 0 → DRAM elements 1, 2 from ACC rows 0, 1; y = 1 → elements 4, 5 from rows 2, 3
    assert.deepEqual([...out.slice(16, 32)], rowVals(0));
    assert.deepEqual([...out.slice(32, 48)], rowVals(1));
    assert.deepEqual([...out.slice(64, 80)], rowVals(2));
    assert.deepEqual([...out.slice(80, 96)], rowVals(3));
    assert.deepEqual([...out.slice(0, 16)], new Array(16).fill(0));
    assert.deepEqual([...out.slice(48, 64)], new Array(16).fill(0));
    assert.equal(r.counters.out_store_nbytes, 4 * 16);
    assertMatchesReference(p);
  });
});

describe('GEMM (§4.5)', () => {
  it('weights act transposed: out[b][o] += Σk inp[b][k]·wgt[o][k]', () => {
    const b = new ProgramBuilder();
    const inp = new Array(16).fill(0);
    inp[2] = 1; // picks column k = 2 of every weight row slice
    const wgt: number[] = [];
    for (let o = 0; o < 16; o++) for (let k = 0; k < 16; k++) wgt.push(o * 5 + k - 40);
    const x = b.data('x', MemType.INP, 1, int8Bytes(inp));
    const w = b.data('w', MemType.WGT, 1, int8Bytes(wgt));
    const u = b.uops('k', [{ dst: 0, src: 0, wgt: 0 }]);
    b.load(MemType.INP, { sram: 0, dram: x, x: 1 });
    b.load(MemType.WGT, { sram: 0, dram: w, x: 1 });
    b.load(MemType.UOP, { sram: 0, dram: u, x: 1 });
    b.gemm({ uop: [0, 1] });
    b.finish();
    const sim = runToEnd(b.build());
    assert.deepEqual(
      [...sim.readAcc(0)],
      Array.from({ length: 16 }, (_, o) => o * 5 + 2 - 40),
    );
  });

  it('reset zeroes only the dst ACC rows and is not counted; two loop levels address dst/src/wgt', () => {
    const b = new ProgramBuilder();
    const x = b.data('x', MemType.INP, 16, int8Bytes(ramp(16 * 16, 3)));
    const w = b.data('w', MemType.WGT, 8, int8Bytes(ramp(8 * 256, 7)));
    const a = b.data('a', MemType.ACC, 40, int32Bytes(ramp(40 * 16, 11).map((v) => v * 1000)));
    const y = b.data('y', MemType.OUT, 40);
    const u = b.uops('k', [
      { dst: 1, src: 0, wgt: 0 },
      { dst: 20, src: 3, wgt: 2 },
    ]);
    b.load(MemType.INP, { sram: 0, dram: x, x: 16 });
    b.load(MemType.WGT, { sram: 0, dram: w, x: 8 });
    b.load(MemType.ACC, { sram: 0, dram: a, x: 40 });
    b.load(MemType.UOP, { sram: 0, dram: u, x: 2 });
    b.gemm({ uop: [0, 1], reset: true, outer: 2, dstOut: 3, inner: 2, dstIn: 1 });
    b.gemm({ uop: [0, 2], outer: 3, dstOut: 4, srcOut: 2, wgtOut: 1, inner: 2, dstIn: 1, srcIn: 5, wgtIn: 3 });
    b.store({ sram: 0, dram: y, x: 40 });
    b.finish();
    const p = b.build();
    assertMatchesReference(p);
    // Reset alone: rows 1, 2, 4, 5 zeroed, neighbours untouched, gemm_counter 0.
    const onlyReset = new ProgramBuilder();
    const a2 = onlyReset.data('a', MemType.ACC, 8, int32Bytes(new Array(128).fill(-9)));
    const u2 = onlyReset.uops('k', [{ dst: 1, src: 0, wgt: 0 }]);
    onlyReset.load(MemType.ACC, { sram: 0, dram: a2, x: 8 });
    onlyReset.load(MemType.UOP, { sram: 0, dram: u2, x: 1 });
    onlyReset.gemm({ uop: [0, 1], reset: true, outer: 2, dstOut: 3, inner: 2, dstIn: 1 });
    onlyReset.finish();
    const sim = runToEnd(onlyReset.build());
    const rows = [0, 1, 2, 3, 4, 5, 6].map((r) => sim.readAcc(r)[0]);
    assert.deepEqual(rows, [-9, 0, 0, -9, 0, 0, -9]);
    assert.equal(sim.counters().gemm_counter, 0);
    const full = simulate(p);
    assert.equal(full.counters.gemm_counter, 3 * 2 * 2, 'iter_out · iter_in · uops, reset not counted');
  });

  it('accumulates with int32 wrap-around', () => {
    const b = new ProgramBuilder();
    const x = b.data('x', MemType.INP, 1, int8Bytes(new Array(16).fill(127)));
    const w = b.data('w', MemType.WGT, 1, int8Bytes(new Array(256).fill(127)));
    const a = b.data('a', MemType.ACC, 1, int32Bytes(new Array(16).fill(2147483647 - 1000)));
    const u = b.uops('k', [{ dst: 0, src: 0, wgt: 0 }]);
    b.load(MemType.INP, { sram: 0, dram: x, x: 1 });
    b.load(MemType.WGT, { sram: 0, dram: w, x: 1 });
    b.load(MemType.ACC, { sram: 0, dram: a, x: 1 });
    b.load(MemType.UOP, { sram: 0, dram: u, x: 1 });
    b.gemm({ uop: [0, 1], outer: 3 });
    b.finish();
    const sim = runToEnd(b.build());
    const want = Number(BigInt.asIntN(32, BigInt(2147483647 - 1000) + 3n * 16n * 127n * 127n));
    assert.ok(want < 0);
    assert.deepEqual([...sim.readAcc(0)], new Array(16).fill(want));
  });

  it('the WebAssembly SIMD kernel and the JavaScript kernel agree with the reference', () => {
    const p = randomProgram(77, { maxBlocks: 4, maxOpsPerBlock: 6 });
    const simd = new Simulator(p, { snapshots: false });
    assert.equal(simd.kernel, 'simd', 'Node 20 has WebAssembly SIMD');
    assert.equal(new Simulator(p, { kernel: 'js', snapshots: false }).kernel, 'js');
    assertMatchesReference(p);
    assertMatchesReference(p, { kernel: 'js' });
  });
});

describe('ALU (§4.6)', () => {
  const ops = ['MIN', 'MAX', 'ADD', 'SHR', 'MUL'] as const;
  const accValues = (seed: number) =>
    Array.from({ length: 16 * 8 }, (_, i) => {
      const v = Math.imul(i * 2654435761 + seed, 40503) ^ (i * 7919);
      return i % 5 === 0 ? v : i % 5 === 1 ? v % 40 : i % 5 === 2 ? -(v & 0xffff) : v >> 3;
    });
  for (const op of ops) {
    for (const mode of ['imm', 'tensor'] as const) {
      it(`${op} ${mode === 'imm' ? 'with an immediate' : 'tensor-tensor'}`, () => {
        const imms = op === 'SHR' ? [0, 3, -3, 31, 33, -33, -32768, 32767] : [0, 1, -1, 12345, -32768, 32767];
        for (const imm of mode === 'imm' ? imms : [undefined]) {
          const b = new ProgramBuilder();
          const a = b.data('a', MemType.ACC, 8, int32Bytes(accValues(op.length * 31 + (imm ?? 5))));
          const y = b.data('y', MemType.OUT, 8);
          const u = b.uops('k', [
            { dst: 0, src: 4, wgt: 0 },
            { dst: 1, src: 1, wgt: 0 },
          ]);
          b.load(MemType.ACC, { sram: 0, dram: a, x: 8 });
          b.load(MemType.UOP, { sram: 0, dram: u, x: 2 });
          b.alu(op, { uop: [0, 2], imm, outer: 2, dstOut: 2, srcOut: 1 });
          b.store({ sram: 0, dram: y, x: 8 });
          b.finish();
          const p = b.build();
          assertMatchesReference(p);
          const sim = runToEnd(p);
          const ref = referenceRun(p);
          for (let r = 0; r < 8; r++) assert.deepEqual([...sim.readAcc(r)], ref.acc(r), `row ${r}`);
          assert.equal(sim.counters().alu_counter, 2 * 1 * 2);
        }
      });
    }
  }

  it('SHR: negative amount shifts left, counts are masked to 5 bits (x86), imm is sign-extended', () => {
    const cases: Array<[number, number, number]> = [
      [5, -3, 40],
      [-8, 33, -4],
      [3, -33, 6],
      [-1, 31, -1],
      [1, -31, -2147483648],
      [1234, 32, 1234],
      [-2147483648, 1, -1073741824],
      [0x40000001, -2, 4],
    ];
    for (const [x, imm, want] of cases) {
      const b = new ProgramBuilder();
      const a = b.data('a', MemType.ACC, 1, int32Bytes(new Array(16).fill(x)));
      const u = b.uops('k', [{ dst: 0, src: 0, wgt: 0 }]);
      b.load(MemType.ACC, { sram: 0, dram: a, x: 1 });
      b.load(MemType.UOP, { sram: 0, dram: u, x: 1 });
      b.alu('SHR', { uop: [0, 1], imm });
      b.finish();
      assert.equal(runToEnd(b.build()).readAcc(0)[0], want, `${x} shr ${imm}`);
    }
    // Tensor-tensor: the amount is a full int32; -2^31 negates to itself, count 0.
    const b = new ProgramBuilder();
    const a = b.data(
      'a',
      MemType.ACC,
      2,
      int32Bytes([...new Array(16).fill(77), -2147483648, -1, -31, 35, ...new Array(12).fill(2)]),
    );
    const u = b.uops('k', [{ dst: 0, src: 1, wgt: 0 }]);
    b.load(MemType.ACC, { sram: 0, dram: a, x: 2 });
    b.load(MemType.UOP, { sram: 0, dram: u, x: 1 });
    b.alu('SHR', { uop: [0, 1] });
    b.finish();
    assert.deepEqual([...runToEnd(b.build()).readAcc(0)].slice(0, 5), [
      77,
      154,
      Number(BigInt.asIntN(32, 77n << 31n)),
      9,
      19,
    ]);
  });

  it('MUL keeps the low 32 bits of the product', () => {
    const b = new ProgramBuilder();
    const a = b.data(
      'a',
      MemType.ACC,
      2,
      int32Bytes([
        65536,
        65537,
        -65537,
        2147483647,
        ...new Array(12).fill(3),
        65536,
        65537,
        65537,
        2,
        ...new Array(12).fill(-5),
      ]),
    );
    const u = b.uops('k', [{ dst: 0, src: 1, wgt: 0 }]);
    b.load(MemType.ACC, { sram: 0, dram: a, x: 2 });
    b.load(MemType.UOP, { sram: 0, dram: u, x: 1 });
    b.alu('MUL', { uop: [0, 1] });
    b.finish();
    assert.deepEqual([...runToEnd(b.build()).readAcc(0)].slice(0, 5), [0, 131073, -131073, -2, -15]);
  });
});

describe('NOPs, FINISH and counters', () => {
  it('x_size 0 moves nothing and counts nothing, but carries its tokens', () => {
    const b = new ProgramBuilder();
    const x = b.data('x', MemType.INP, 1, int8Bytes(ramp(16)));
    b.raw({
      opcode: 0,
      memory_type: MemType.INP,
      sram_base: 0,
      dram_base: x,
      y_size: 1,
      x_size: 0,
      x_stride: 1,
      y_pad_0: 3,
    });
    b.push('ld->ex');
    b.pop('ld->ex');
    b.raw({
      opcode: 1,
      memory_type: MemType.UOP,
      sram_base: 9999,
      dram_base: 1 << 30,
      y_size: 5,
      x_size: 0,
      x_pad_0: 2,
    });
    b.finish();
    const sim = runToEnd(b.build());
    assert.deepEqual([...sim.readInp(0)], new Array(16).fill(0));
    assert.ok(Object.values(sim.counters()).every((v) => v === 0));
    assert.equal(sim.queues()[0]!.popped, 1);
  });

  it('FINISH ends the run; instructions not yet run are reported, not executed', () => {
    const b = new ProgramBuilder();
    const x = b.data('x', MemType.INP, 1, int8Bytes(ramp(16)));
    b.load(MemType.INP, { sram: 0, dram: x, x: 1 });
    b.finish();
    b.load(MemType.INP, { sram: 1, dram: x, x: 1 });
    const r = simulate(b.build());
    assert.equal(r.status, 'finished');
    assert.deepEqual(r.unexecuted, [2]);
    assert.equal(r.counters.inp_load_nbytes, 16);
    assert.ok(r.summary.warnings.some((w) => w.includes('never ran')));
  });

  it('the seven counters come in fsim order and match the reference on a mixed program', () => {
    // The first generated program that exercises every counter.
    let seed = 1;
    while (!Object.values(referenceRun(randomProgram(seed)).counters).every((v) => v > 0)) seed++;
    const p = randomProgram(seed);
    const r = simulate(p);
    assert.deepEqual(Object.keys(r.counters), [...COUNTER_KEYS]);
    assert.deepEqual(COUNTER_KEYS, [
      'inp_load_nbytes',
      'wgt_load_nbytes',
      'acc_load_nbytes',
      'uop_load_nbytes',
      'out_store_nbytes',
      'gemm_counter',
      'alu_counter',
    ]);
    assert.deepEqual(r.counters, referenceRun(p).counters);
    assert.ok(
      Object.values(r.counters).every((v) => v > 0),
      'every counter exercised',
    );
  });

  it('timing-only mode counts like fsim SKIP_EXEC: same counters, no data moved', () => {
    const p = randomProgram(99);
    const t = simulate(p, { mode: 'timing' });
    assert.equal(t.status, 'finished');
    assert.deepEqual(t.counters, referenceRun(p).counters);
    assert.deepEqual([...t.dram], [...p.dram]);
  });
});

describe('target geometries', () => {
  const geometries = [
    { name: '1x32', keys: { LOG_BLOCK: 5 } },
    { name: '2x16', keys: { LOG_BATCH: 1 } },
    { name: '1x8', keys: { LOG_BLOCK: 3, LOG_INP_BUFF_SIZE: 13, LOG_WGT_BUFF_SIZE: 14, LOG_ACC_BUFF_SIZE: 15 } },
    { name: '4x16 small buffers', keys: { LOG_BATCH: 2, LOG_INP_BUFF_SIZE: 13, LOG_ACC_BUFF_SIZE: 15 } },
  ];
  for (const g of geometries) {
    it(`${g.name}: matches the reference`, () => {
      const t = deriveTarget(g.name, { ...DEFAULT_CONFIG_KEYS, ...g.keys });
      for (const seed of [1, 2, 3, 4, 5]) assertMatchesReference(randomProgram(seed, { target: t }));
    });
  }

  it('rejects targets without 8-bit inputs/weights and 32-bit accumulators, with the reason', () => {
    const t = deriveTarget('odd', { ...DEFAULT_CONFIG_KEYS, LOG_ACC_WIDTH: 4, LOG_ACC_BUFF_SIZE: 16 });
    const p: Program = {
      target: t,
      insns: [],
      dram: new Uint8Array(0),
      layout: { tensors: [], kernels: [], bytes: 0 },
    };
    assert.throws(
      () => new Simulator(p),
      (e: unknown) =>
        e instanceof SimError && e.code === 'unsupported-target' && /accumulator width 16 bits/.test(e.message),
    );
    assert.equal(defaultTarget().accBits, 32);
  });
});
