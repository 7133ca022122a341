/**
 * A timing-only run without a trace takes a LOAD's or STORE's work from the executor's
 * packed row (exec.ts: Transfer, decided when the row is packed), and a GEMM's or ALU's
 * from its row and the micro-op bound (SimMemory.uopMax), instead of calling exec. Here
 * transfers and GEMM/ALU instructions with random fields, many of them failing one of
 * exec's checks (memory type, SRAM range, DRAM range, STORE padding, micro-op range,
 * rows a micro-op reaches, ALU opcode) or of size 0, are run that way and stepped one
 * step at a time (which always calls exec): the stop reason, the error, cycles, steps,
 * statistics, counters and start steps must be identical.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Insn, Uop } from '../../core/isa';
import { MemType, Opcode, defaultTarget } from '../../core/isa';
import type { SimOptions, StopReason } from '../../core/sim';
import { Simulator } from '../../core/sim';
import { Prng } from '../../core/sim/prng';
import { TIMING_ROWS } from '../../core/sim/timing-params';
import type { Program } from '../../core/program/program';
import { ProgramBuilder } from '../support/program-builder';

const t = defaultTarget();
const DEPTH: Record<number, number> = {
  [MemType.UOP]: t.uop.depth,
  [MemType.INP]: t.inp.depth,
  [MemType.WGT]: t.wgt.depth,
  [MemType.ACC]: t.acc.depth,
  [MemType.ACC_8BIT]: t.acc.depth,
  [MemType.OUT]: t.acc.depth,
};

/** Up to 12 LOADs and STOREs with random fields, then FINISH after tokens from every module. */
function transferProgram(r: Prng): Program {
  const int = (lo: number, hi: number) => lo + r.int(hi - lo + 1);
  const b = new ProgramBuilder(t, 'transfers.vta');
  // A small DRAM image, so that reads and writes past its end are easy to reach.
  b.data('d', MemType.INP, 64);
  const dramElems = (type: number) => Math.floor((64 * t.elemBytes[MemType.INP]!) / t.elemBytes[type]!);
  for (let k = int(1, 12); k > 0; k--) {
    const store = r.next() < 0.35;
    const type = store
      ? r.next() < 0.85
        ? MemType.OUT
        : int(0, 7)
      : r.next() < 0.9
        ? [MemType.INP, MemType.WGT, MemType.ACC, MemType.ACC_8BIT, MemType.UOP][int(0, 4)]!
        : int(4, 7);
    const depth = DEPTH[type] ?? 64;
    const pad = () => (r.next() < (store ? 0.1 : 0.4) ? int(0, 3) : 0);
    const fields: Partial<Insn> & { opcode: number } = {
      opcode: store ? Opcode.STORE : Opcode.LOAD,
      memory_type: type,
      y_size: int(0, 4),
      x_size: r.next() < 0.1 ? 0 : int(1, 8),
      y_pad_0: pad(),
      y_pad_1: pad(),
      x_pad_0: pad(),
      x_pad_1: pad(),
    };
    fields.x_stride = fields.x_size! + int(0, 4);
    fields.sram_base = r.next() < 0.3 ? Math.max(0, depth - int(0, 60)) : int(0, 64);
    const elems = dramElems(type in DEPTH ? type : MemType.INP);
    fields.dram_base = r.next() < 0.3 ? Math.max(0, elems - int(0, 40)) : int(0, 16);
    b.raw(fields);
  }
  b.push('ld->ex');
  b.push('st->ex');
  b.pop('ld->ex');
  b.pop('st->ex');
  b.finish();
  return b.build();
}

/** UOP loads and up to 10 GEMM/ALU instructions with random loops, micro-ops mostly in range. */
function computeProgram(r: Prng): Program {
  const int = (lo: number, hi: number) => lo + r.int(hi - lo + 1);
  const b = new ProgramBuilder(t, 'compute.vta');
  // Micro-op indices mostly small; now and then one near or at the end of its buffer.
  const index = (depth: number) => (r.next() < 0.9 ? int(0, 40) : depth - 1 - int(0, 8));
  const uop = (): Uop => ({ dst: index(t.acc.depth), src: index(t.inp.depth), wgt: index(t.wgt.depth) });
  for (let k = int(1, 10); k > 0; k--) {
    if (r.next() < 0.4) {
      const list = Array.from({ length: int(1, 6) }, uop);
      b.load(MemType.UOP, { sram: int(0, 16), dram: b.uops(`k${k}`, list), x: list.length });
    }
    const alu = r.next() < 0.5;
    const bgn = r.next() < 0.05 ? t.uop.depth - int(0, 2) : int(0, 20);
    const factor = (depth: number) => (r.next() < 0.05 ? depth - int(0, 64) : r.next() < 0.3 ? 0 : int(0, 8));
    b.raw({
      opcode: alu ? Opcode.ALU : Opcode.GEMM,
      reset_reg: !alu && r.next() < 0.3 ? 1 : 0,
      alu_opcode: alu ? (r.next() < 0.05 ? int(5, 7) : int(0, 4)) : 0,
      use_imm: alu && r.next() < 0.5 ? 1 : 0,
      imm: alu ? int(-100, 100) : 0,
      uop_bgn: bgn,
      uop_end: r.next() < 0.05 ? bgn : bgn + int(1, 6),
      iter_out: r.next() < 0.05 ? 0 : int(1, 4),
      iter_in: r.next() < 0.05 ? 0 : int(1, 4),
      dst_factor_out: factor(t.acc.depth),
      dst_factor_in: factor(t.acc.depth),
      src_factor_out: factor(alu ? t.acc.depth : t.inp.depth),
      src_factor_in: factor(alu ? t.acc.depth : t.inp.depth),
      wgt_factor_out: alu ? 0 : factor(t.wgt.depth),
      wgt_factor_in: alu ? 0 : factor(t.wgt.depth),
    });
  }
  b.finish();
  return b.build();
}

function outcome(sim: Simulator, reason: StopReason, p: Program) {
  return {
    reason,
    time: sim.time,
    steps: sim.steps,
    status: sim.status,
    error: sim.error?.toJSON(),
    result: sim.result(reason),
    counters: sim.counters(),
    startSteps: p.insns.map((_, i) => sim.startedAtStep(i)),
  };
}

/**
 * Runs `make`'s programs batched and stepped, and checks that they reach every outcome
 * in `expected` (an error code, with the message's first word, or 'finished').
 */
function compare(make: (r: Prng) => Program, seed: number, count: number, expected: string[]): void {
  const r = new Prng(seed);
  const codes = new Set<string>();
  for (let k = 0; k < count; k++) {
    const p = make(r);
    const opts: SimOptions = { mode: 'timing', timing: TIMING_ROWS[k % TIMING_ROWS.length]!, trace: false };
    const batched = new Simulator(p, { ...opts, snapshots: false });
    const a = outcome(batched, batched.run(), p);
    const stepped = new Simulator(p, { ...opts, snapshots: false });
    let reason: StopReason;
    do reason = stepped.stepEvent();
    while (reason === 'event');
    assert.deepEqual(a, outcome(stepped, reason, p), `program ${k}`);
    codes.add(a.error ? `${a.error.code}: ${a.error.message.split(' ')[0]}` : a.status);
  }
  const seen = [...codes].join('; ');
  for (const c of expected) assert.ok(seen.includes(c), `no program ended with ${c}: ${seen}`);
}

describe('timing-only instructions taken from their packed rows', () => {
  it('transfers give what exec gives, errors included, over 400 random programs', () => {
    // The programs reach every check, and runs that pass them.
    compare(transferProgram, 1818, 400, [
      'finished',
      'bad-load-type',
      'bad-store-type',
      'bad-store-padding',
      'sram-out-of-range: LOAD',
      'sram-out-of-range: STORE',
      'dram-out-of-range',
    ]);
  });

  it('GEMM and ALU give what exec gives, errors included, over 400 random programs', () => {
    compare(computeProgram, 1819, 400, [
      'finished',
      'uop-out-of-range',
      'unknown-alu-opcode',
      'sram-out-of-range: GEMM',
      'sram-out-of-range: ALU',
    ]);
  });
});
