/**
 * The timing model (an estimate): its rates and resources behave as documented, and
 * it reproduces TSIM's published cycle counts (apache/tvm#3347) on programs shaped
 * like TVM's unit tests, within the stated tolerance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemType, shippedTarget } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { Simulator, simulate, timingParamsFor } from '../../core/sim';
import { ProgramBuilder } from '../support/program-builder';
import { randomProgram } from '../support/random-built-program';
import { referenceRun } from '../support/reference-run';
import { TSIM_CASES, TSIM_CYCLES, tsimProgram } from '../fixtures/tsim/programs';

/** Stated in docs/SIMULATOR.md. */
const TOLERANCE = 0.05;

const cycles = (p: Program, timing?: string) => {
  const r = simulate(p, { mode: 'timing', timing });
  assert.equal(r.status, 'finished', r.error?.message);
  return r.time;
};

/** Compute-only program: one ACC load, one kernel, then `body`. */
function computeProgram(body: (b: ProgramBuilder) => void): Program {
  const b = new ProgramBuilder();
  const a = b.data('a', MemType.ACC, 16);
  const u = b.uops('k', [{ dst: 0, src: 8, wgt: 0 }]);
  b.load(MemType.ACC, { sram: 0, dram: a, x: 16 });
  b.load(MemType.UOP, { sram: 0, dram: u, x: 1 });
  body(b);
  b.finish();
  return b.build();
}

describe('calibration against TSIM (apache/tvm#3347)', () => {
  for (const c of TSIM_CASES) {
    it(`${c}: within ${TOLERANCE * 100}% of TSIM's ${TSIM_CYCLES[c]} cycles (row tsim-2019), and functionally right`, () => {
      const p = tsimProgram(c);
      const ours = cycles(p, 'tsim-2019');
      const err = ours / TSIM_CYCLES[c] - 1;
      assert.ok(Math.abs(err) <= TOLERANCE, `${ours} cycles vs TSIM ${TSIM_CYCLES[c]} (${(err * 100).toFixed(1)}%)`);
      const r = simulate(p, { mode: 'both', timing: 'tsim-2019' });
      assert.deepEqual([...r.dram], [...referenceRun(p).dram]);
      // The pipelined core of today is faster on the same programs.
      assert.ok(cycles(p, 'tsim') < ours);
    });
  }
});

describe('rates and resources', () => {
  const t = timingParamsFor(shippedTarget('tsim')!);

  it('GEMM issues one micro-op iteration per cycle', () => {
    const gemm = (n: number) => computeProgram((b) => b.gemm({ uop: [0, 1], outer: n }));
    assert.equal(cycles(gemm(101)) - cycles(gemm(1)), 100 * t.gemmInterval);
    assert.equal(t.gemmInterval, 1);
  });

  it('ALU: one per cycle with an immediate, one per two cycles tensor-tensor', () => {
    const alu = (n: number, imm?: number) => computeProgram((b) => b.alu('ADD', { uop: [0, 1], inner: n, imm }));
    assert.equal(cycles(alu(101, 1)) - cycles(alu(1, 1)), 100);
    assert.equal(cycles(alu(101)) - cycles(alu(1)), 200);
  });

  it('DMA is limited by the bus width: a 128-bit bus moves the same load in half the beats', () => {
    const load = (rows: number) => {
      const b = new ProgramBuilder();
      const x = b.data('x', MemType.WGT, rows);
      b.load(MemType.WGT, { sram: 0, dram: x, x: rows });
      b.push('ld->ex');
      b.pop('ld->ex'); // FINISH waits for the load
      b.finish();
      return b.build();
    };
    const sim = new Simulator(load(8), { mode: 'timing', timing: 'tsim' });
    sim.run();
    assert.ok(sim.summary().dram.busBusyCycles! >= (8 * 256) / 8);
    const per64 = cycles(load(9)) - cycles(load(1));
    assert.ok(per64 >= (8 * 256) / 8 && per64 <= ((8 * 256) / 8) * 1.2, `${per64} cycles for 2 KiB on a 64-bit bus`);
    const wide = { ...t, busBytes: 16 };
    const r1 =
      simulate(load(9), { mode: 'timing', timing: wide }).time -
      simulate(load(1), { mode: 'timing', timing: wide }).time;
    assert.ok(r1 >= (8 * 256) / 16 && r1 < per64 * 0.6, `${r1} cycles on a 128-bit bus`);
    // The ultra96 target's board has a 128-bit bus.
    assert.equal(timingParamsFor(shippedTarget('ultra96')!).busBytes, 16);
  });

  it('one shared DRAM bus: concurrent loads of two modules wait for each other (stall cause dram)', () => {
    const b = new ProgramBuilder();
    const w = b.data('w', MemType.WGT, 8);
    const a = b.data('a', MemType.ACC, 32);
    b.load(MemType.WGT, { sram: 0, dram: w, x: 8 });
    b.load(MemType.ACC, { sram: 0, dram: a, x: 32 });
    b.push('ld->ex');
    b.pop('ld->ex');
    b.finish();
    const sim = new Simulator(b.build(), { mode: 'timing' });
    sim.run();
    const s = sim.summary();
    assert.ok(s.modules.ld.stalls.dram + s.modules.ex.stalls.dram > 0);
    const tr = sim.trace();
    assert.ok(tr.stalls.some((x) => x.cause === 'dram'));
    // Together they take about the sum of their transfers, not the longer one.
    assert.ok(sim.time >= (8 * 256 + 32 * 64) / 8);
  });

  it('a pop waits (stall cause token, naming the queue) until the push lands', () => {
    const b = new ProgramBuilder();
    const w = b.data('w', MemType.WGT, 16);
    b.load(MemType.WGT, { sram: 0, dram: w, x: 16 });
    b.push('ld->ex');
    b.pop('ld->ex');
    b.nop('ex');
    b.finish();
    const sim = new Simulator(b.build(), { mode: 'timing' });
    sim.run();
    const tr = sim.trace();
    const wait = tr.stalls.find((x) => x.cause === 'token')!;
    assert.equal(wait.queue, 'ld->ex');
    assert.equal(wait.module, 'ex');
    const load = tr.insns.find((x) => x.index === 0)!;
    const nop = tr.insns.find((x) => x.index === 1)!;
    assert.equal(nop.start, load.end + t.tokenLatency);
    assert.equal(wait.end, nop.start);
  });

  it('modules overlap: a double-buffered program beats the same work serialised', () => {
    const p = randomProgram(17, { maxBlocks: 5 });
    const sim = new Simulator(p, { mode: 'timing' });
    sim.run();
    const s = sim.summary();
    const busy = s.modules.ld.busy + s.modules.ex.busy + s.modules.st.busy;
    assert.ok(sim.time < busy, `${sim.time} cycles for ${busy} busy cycles`);
  });

  it('the timing table has a row per shipped target and the calibration row', () => {
    for (const name of ['sim', 'tsim', 'pynq', 'ultra96', 'zcu104', 'de10nano', 'intelfocl']) {
      const p = timingParamsFor(shippedTarget(name)!);
      assert.equal(p.name, name);
      assert.equal(p.cmdQueueDepth, 512);
    }
    assert.equal(timingParamsFor(shippedTarget('default')!).name, 'sim');
    assert.equal(timingParamsFor(shippedTarget('de10nano')!).maxBurstBeats, 16);
    assert.throws(() => timingParamsFor(shippedTarget('default')!, 'nope'), /no timing row 'nope'/);
  });
});
