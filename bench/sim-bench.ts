/**
 * Simulator benchmarks, in-process: GEMM micro-op iterations per second on issue 18's
 * program and on the GEMM shapes TVM emits for 1×1 and 3×3 convolutions (SIMD and
 * JavaScript kernels; bench/gemm-programs.ts), ALU micro-op iterations per second,
 * bytes moved per second, timing-only instructions per second on a
 * 100,000-instruction stream, memory for that stream's trace and snapshots, and the
 * time of a debugger step forward and back on it. Throughputs are CPU time of this
 * process (other work on the machine inflates wall time far more than CPU time); the
 * debugger steps, a millisecond or less each, are wall time.
 *
 *   node --import tsx bench/sim-bench.ts       (figures go into docs/PERFORMANCE.md)
 */
import { MemType } from '../core/isa';
import type { Program } from '../core/program/program';
import { Simulator } from '../core/sim';
import { Prng } from '../core/sim/prng';
import { ProgramBuilder } from '../test/support/program-builder';
import { randomProgram } from '../test/support/random-built-program';
import { CONV_SHAPES, ISSUE_GEMM, convGemmProgram, issueGemmProgram, randomBytes } from './gemm-programs';

export interface SimBenchFigures {
  gemm: { program: string; kernel: string; uopIterationsPerSecond: number; macsPerSecond: number }[];
  alu: { kernel: string; uopIterationsPerSecond: number }[];
  transfer: { bytesPerSecond: number };
  /** instructionsPerSecond times run() alone; withSetupInstructionsPerSecond also the Simulator's construction. */
  timingOnly: {
    instructions: number;
    instructionsPerSecond: number;
    stepsPerSecond: number;
    withSetupInstructionsPerSecond: number;
  };
  trace: { instructions: number; columnBytes: number; jsonBytes: number; snapshotBytes: number; snapshots: number };
  stepping: {
    instructions: number;
    forwardMeanMs: number;
    forwardMaxMs: number;
    backMeanMs: number;
    backMaxMs: number;
    samples: number;
  };
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

/** Wall seconds of `fn`: for single operations of a few milliseconds or less. */
function wall(fn: () => void): number {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

/** CPU seconds of `fn` (user + system). */
function time(fn: () => void): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1e6;
}

/** Best CPU seconds of a functional run of `p` (the Simulator built outside the timing). */
function runSecs(p: Program, kernel: 'auto' | 'js', runs: number): number {
  return best(runs, () => {
    const sim = new Simulator(p, { trace: false, snapshots: false, kernel });
    return time(() => sim.run());
  });
}

/** ALU instructions over the whole ACC buffer: every opcode, immediate and tensor, 64 micro-ops. */
function aluProgram(reps: number): { program: Program; uopIterations: number } {
  const b = new ProgramBuilder(undefined, 'bench-alu.vta');
  const a = b.data('a', MemType.ACC, 2048, randomBytes(2048 * 64, 5));
  const u = b.uops(
    'k',
    Array.from({ length: 64 }, (_, k) => ({ dst: k, src: 64 + k, wgt: 0 })),
  );
  b.load(MemType.ACC, { sram: 0, dram: a, x: 2048 });
  b.load(MemType.UOP, { sram: 0, dram: u, x: 64 });
  const ops = ['MIN', 'MAX', 'ADD', 'SHR', 'MUL'] as const;
  let iters = 0;
  for (let k = 0; k < reps; k++) {
    for (const op of ops) {
      for (const imm of [undefined, 3]) {
        b.alu(op, { uop: [0, 64], imm, outer: 15, dstOut: 128, srcOut: 128, inner: 1 });
        iters += 15 * 64;
      }
    }
  }
  b.finish();
  return { program: b.build(), uopIterations: iters };
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
  const macs = 256; // a 16×16 block
  const issue = issueGemmProgram();
  const issueIters = ISSUE_GEMM.iterOut * ISSUE_GEMM.iterIn * ISSUE_GEMM.uops;
  const issueSecs = runSecs(issue, 'auto', 3);
  gemm.push({
    program: 'issue 18: 2,000 × 1,024 × 16 micro-ops',
    kernel: 'simd',
    uopIterationsPerSecond: round(issueIters / issueSecs),
    macsPerSecond: round((issueIters * macs) / issueSecs),
  });
  for (const kernel of ['auto', 'js'] as const) {
    for (const s of CONV_SHAPES) {
      const { program, uopIterations } = convGemmProgram(s, kernel === 'auto' ? 4_000_000 : 200_000);
      const secs = runSecs(program, kernel, 3);
      const name = new Simulator(program, { snapshots: false, kernel }).kernel;
      gemm.push({
        program: `conv ${s.name}`,
        kernel: name,
        uopIterationsPerSecond: round(uopIterations / secs),
        macsPerSecond: round((uopIterations * macs) / secs),
      });
    }
  }
  const alu: SimBenchFigures['alu'] = [];
  for (const kernel of ['auto', 'js'] as const) {
    const { program, uopIterations } = aluProgram(kernel === 'auto' ? 40 : 4);
    const secs = runSecs(program, kernel, 3);
    alu.push({
      kernel: new Simulator(program, { snapshots: false, kernel }).kernel,
      uopIterationsPerSecond: round(uopIterations / secs),
    });
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
    const setup = time(() => {
      sim = new Simulator(stream, { mode: 'timing', trace: false, snapshots: false });
    });
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
  const fwd: number[] = [],
    back: number[] = [];
  const total = dbg.steps;
  for (let k = 0; k < 20; k++) {
    dbg.seek(Math.floor(total * (0.05 + 0.9 * r.next())));
    fwd.push(wall(() => dbg.stepInsn()) * 1000);
    back.push(wall(() => dbg.stepBackInsn()) * 1000);
    back.push(wall(() => dbg.stepBackEvent()) * 1000);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  return {
    gemm,
    alu,
    transfer: { bytesPerSecond: round(dma.bytes / dmaSecs) },
    timingOnly: {
      instructions: stream.insns.length,
      instructionsPerSecond: round(stream.insns.length / timingSecs),
      stepsPerSecond: round(steps / timingSecs),
      withSetupInstructionsPerSecond: round(stream.insns.length / withSetupSecs),
    },
    trace: {
      instructions: stream.insns.length,
      columnBytes: mem.traceBytes,
      jsonBytes,
      snapshotBytes: mem.snapshotBytes,
      snapshots: mem.snapshots,
    },
    stepping: {
      instructions: stream.insns.length,
      samples: fwd.length,
      forwardMeanMs: round(mean(fwd)),
      forwardMaxMs: round(Math.max(...fwd)),
      backMeanMs: round(mean(back)),
      backMaxMs: round(Math.max(...back)),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runSimBench().then((f) => console.log(JSON.stringify(f, null, 2)));
}
