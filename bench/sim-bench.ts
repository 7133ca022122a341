/**
 * Simulator benchmarks: GEMM micro-op iterations per second (SIMD and JavaScript
 * kernels), bytes moved per second, timing-only instructions per second on a
 * 100,000-instruction stream, memory for that stream's trace and snapshots, and the
 * time of a debugger step forward and back on it.
 *
 *   node --import tsx bench/sim-bench.ts       (figures go into docs/SIMULATOR.md)
 */
import { MemType } from '../core/isa';
import type { Program } from '../core/program/program';
import { Simulator } from '../core/sim';
import { Prng } from '../core/sim/prng';
import { ProgramBuilder } from '../core/sim/testkit/builder';
import { randomProgram } from '../core/sim/testkit/random-program';

export interface SimBenchFigures {
  gemm: { kernel: string; uopIterationsPerSecond: number; macsPerSecond: number }[];
  transfer: { bytesPerSecond: number };
  /** instructionsPerSecond times run() alone; withSetupInstructionsPerSecond also the Simulator's construction. */
  timingOnly: { instructions: number; instructionsPerSecond: number; stepsPerSecond: number; withSetupInstructionsPerSecond: number };
  trace: { instructions: number; columnBytes: number; jsonBytes: number; snapshotBytes: number; snapshots: number };
  stepping: { instructions: number; forwardMeanMs: number; forwardMaxMs: number; backMeanMs: number; backMaxMs: number; samples: number };
}

function randomBytes(n: number, seed: number): Uint8Array {
  const r = new Prng(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.int(256);
  return b;
}

/** GEMMs over full INP/WGT buffers: `reps` instructions of 1000 × 10 × 64 micro-op iterations. */
function gemmProgram(reps: number): Program {
  const b = new ProgramBuilder(undefined, 'bench-gemm.vta');
  const x = b.data('x', MemType.INP, 2048, randomBytes(2048 * 16, 1));
  const w = b.data('w', MemType.WGT, 1024, randomBytes(1024 * 256, 2));
  const uops = Array.from({ length: 64 }, (_, k) => ({ dst: k, src: k * 3, wgt: k * 5 }));
  const u = b.uops('k', uops);
  b.load(MemType.INP, { sram: 0, dram: x, x: 2048 });
  b.load(MemType.WGT, { sram: 0, dram: w, x: 1024 });
  b.push('ld->ex');
  b.pop('ld->ex');
  b.load(MemType.UOP, { sram: 0, dram: u, x: 64 });
  for (let k = 0; k < reps; k++) b.gemm({ uop: [0, 64], outer: 1000, dstOut: 1, srcOut: 1, wgtOut: 0, inner: 10, dstIn: 64, srcIn: 1, wgtIn: 1 });
  b.finish();
  return b.build();
}

/** Large LOADs and STOREs: `reps` × (256 KiB WGT + 128 KiB ACC in, 32 KiB OUT out). */
function transferProgram(reps: number): { program: Program; bytes: number } {
  const b = new ProgramBuilder(undefined, 'bench-dma.vta');
  const w = b.data('w', MemType.WGT, 1024, randomBytes(1024 * 256, 3));
  const a = b.data('a', MemType.ACC, 2048, randomBytes(2048 * 64, 4));
  const y = b.data('y', MemType.OUT, 2048);
  for (let k = 0; k < reps; k++) {
    b.load(MemType.WGT, { sram: 0, dram: w, x: 1024 });
    b.load(MemType.ACC, { sram: 0, dram: a, x: 2048 });
    b.push('ex->st');
    b.pop('ex->st');
    b.store({ sram: 0, dram: y, x: 2048 });
    b.push('st->ex');
    b.pop('st->ex');
  }
  b.push('ld->ex');
  b.pop('ld->ex');
  b.finish();
  return { program: b.build(), bytes: reps * (1024 * 256 + 2048 * 64 + 2048 * 16) };
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

function best(n: number, fn: () => number): number {
  let b = Infinity;
  for (let k = 0; k < n; k++) b = Math.min(b, fn());
  return b;
}

const round = (x: number, digits = 3) => Number(x.toPrecision(digits));

/** A stream of about `n` instructions: double-buffered blocks of loads, GEMM/ALU and stores. */
export function streamProgram(n: number): Program {
  return randomProgram(2024, { blocks: Math.ceil(n / 8), maxOpsPerBlock: 4 });
}

export async function runSimBench(opts: { instructions?: number } = {}): Promise<SimBenchFigures> {
  const N = opts.instructions ?? 100_000;
  const gemm: SimBenchFigures['gemm'] = [];
  for (const kernel of ['auto', 'js'] as const) {
    const reps = kernel === 'auto' ? 10 : 2;
    const p = gemmProgram(reps);
    const secs = best(3, () => {
      const sim = new Simulator(p, { trace: false, snapshots: false, kernel });
      return time(() => sim.run());
    });
    const iters = reps * 1000 * 10 * 64;
    const name = new Simulator(p, { snapshots: false, kernel }).kernel;
    gemm.push({ kernel: name, uopIterationsPerSecond: round(iters / secs), macsPerSecond: round((iters * 256) / secs) });
  }

  const dma = transferProgram(20);
  const dmaSecs = best(3, () => {
    const sim = new Simulator(dma.program, { trace: false, snapshots: false });
    return time(() => sim.run());
  });

  const stream = streamProgram(N);
  let steps = 0;
  let withSetupSecs = Infinity;
  // Seven runs: the first two still run partly unoptimised code (the JIT meets FINISH and
  // end-of-stream paths late), and the best is the least disturbed by other load.
  const timingSecs = best(7, () => {
    let sim!: Simulator;
    const setup = time(() => { sim = new Simulator(stream, { mode: 'timing', trace: false, snapshots: false }); });
    const s = time(() => sim.run());
    withSetupSecs = Math.min(withSetupSecs, setup + s);
    steps = sim.steps;
    return s;
  });

  // Trace memory and stepping on the same stream, as the debugger would run it.
  const dbg = new Simulator(stream, { mode: 'both' });
  dbg.run();
  const mem = dbg.memoryFootprint();
  const jsonBytes = JSON.stringify(dbg.trace()).length;
  const r = new Prng(7);
  const fwd: number[] = [], back: number[] = [];
  const total = dbg.steps;
  for (let k = 0; k < 20; k++) {
    dbg.seek(Math.floor(total * (0.05 + 0.9 * r.next())));
    fwd.push(time(() => dbg.stepInsn()) * 1000);
    back.push(time(() => dbg.stepBackInsn()) * 1000);
    back.push(time(() => dbg.stepBackEvent()) * 1000);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  return {
    gemm,
    transfer: { bytesPerSecond: round(dma.bytes / dmaSecs) },
    timingOnly: {
      instructions: stream.insns.length, instructionsPerSecond: round(stream.insns.length / timingSecs), stepsPerSecond: round(steps / timingSecs),
      withSetupInstructionsPerSecond: round(stream.insns.length / withSetupSecs),
    },
    trace: { instructions: stream.insns.length, columnBytes: mem.traceBytes, jsonBytes, snapshotBytes: mem.snapshotBytes, snapshots: mem.snapshots },
    stepping: {
      instructions: stream.insns.length, samples: fwd.length,
      forwardMeanMs: round(mean(fwd)), forwardMaxMs: round(Math.max(...fwd)),
      backMeanMs: round(mean(back)), backMaxMs: round(Math.max(...back)),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSimBench().then((f) => console.log(JSON.stringify(f, null, 2)));
}
