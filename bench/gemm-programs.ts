/**
 * GEMM programs for the simulator benchmarks, written with the project's program
 * builder (test/support/program-builder.ts):
 *
 * - `issueGemmProgram`: issue 18's program, one GEMM of 2,000 × 1,024 iterations over
 *   a 16-micro-op kernel (32.8 million micro-op iterations, 8.4 billion multiply-adds),
 *   run as a whole `vta sim --mode functional` process.
 * - `convGemmProgram`: the GEMM shapes TVM emits for 1×1 and 3×3 convolutions: a
 *   micro-kernel of one micro-op per (output row, input-channel block, kernel tap),
 *   iterated over output-channel blocks (outer) and input-channel blocks (inner).
 *
 * Each program also writes as the binaries `vta sim --insn X.insn.bin --dram X.dram.bin` reads.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemType, encodeProgram } from '../core/isa';
import type { Uop } from '../core/isa';
import type { Program } from '../core/program/program';
import { Prng } from '../core/sim/prng';
import { ProgramBuilder } from '../test/support/program-builder';

export function randomBytes(n: number, seed: number): Uint8Array {
  const r = new Prng(seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.int(256);
  return b;
}

/** Full INP and WGT buffers of random int8, loaded once; the micro-ops; then `body`. */
function gemmProgramWith(name: string, uops: Uop[], body: (b: ProgramBuilder) => void): Program {
  const b = new ProgramBuilder(undefined, `${name}.vta`);
  const t = b.target;
  const inpRows = t.inp.depth;
  const wgtRows = t.wgt.depth;
  const x = b.data('x', MemType.INP, inpRows, randomBytes(inpRows * t.elemBytes[MemType.INP]!, 1));
  const w = b.data('w', MemType.WGT, wgtRows, randomBytes(wgtRows * t.elemBytes[MemType.WGT]!, 2));
  const y = b.data('y', MemType.OUT, 2048);
  const u = b.uops('k', uops);
  b.load(MemType.INP, { sram: 0, dram: x, x: inpRows });
  b.load(MemType.WGT, { sram: 0, dram: w, x: wgtRows });
  b.push('ld->ex');
  b.pop('ld->ex');
  b.load(MemType.UOP, { sram: 0, dram: u, x: uops.length });
  body(b);
  b.push('ex->st');
  b.pop('ex->st');
  b.store({ sram: 0, dram: y, x: 2048 });
  b.push('st->ex');
  b.pop('st->ex');
  b.finish();
  return b.build();
}

export const ISSUE_GEMM = { iterOut: 2000, iterIn: 1024, uops: 16 } as const;

/**
 * Issue 18's program: micro-op k reads INP row k, WGT row k and updates ACC row k;
 * the outer loop moves the ACC row, the inner loop the INP row (a reduction).
 */
export function issueGemmProgram(): Program {
  const { iterOut, iterIn, uops } = ISSUE_GEMM;
  const kernel = Array.from({ length: uops }, (_, k) => ({ dst: k, src: k, wgt: k }));
  return gemmProgramWith('issue18-gemm', kernel, (b) => {
    b.gemm({ uop: [0, uops], reset: true, outer: iterOut, dstOut: 1 });
    b.gemm({ uop: [0, uops], outer: iterOut, inner: iterIn, dstOut: 1, srcIn: 1 });
  });
}

export interface ConvShape {
  name: string;
  /** Kernel taps (1 for 1×1, 9 for 3×3). */
  taps: number;
  /** Output rows per micro-kernel. */
  rows: number;
  /** Input-channel blocks in the micro-kernel. */
  icBlocks: number;
}

/** Micro-kernel sizes from 16 to 256 micro-ops, as TVM's conv2d schedules produce. */
export const CONV_SHAPES: ConvShape[] = [
  { name: '1x1, 16 rows × 1 ic block (16 uops)', taps: 1, rows: 16, icBlocks: 1 },
  { name: '1x1, 16 rows × 4 ic blocks (64 uops)', taps: 1, rows: 16, icBlocks: 4 },
  { name: '3x3, 2 rows × 1 ic block (18 uops)', taps: 9, rows: 2, icBlocks: 1 },
  { name: '3x3, 14 rows × 1 ic block (126 uops)', taps: 9, rows: 14, icBlocks: 1 },
  { name: '3x3, 7 rows × 4 ic blocks (252 uops)', taps: 9, rows: 7, icBlocks: 4 },
];

/**
 * A conv micro-kernel: micro-op (row r, ic block c, tap t) accumulates INP row
 * c·(rows + taps) + r + t (a shifted window) times WGT row c·taps + t into ACC row r.
 * The outer loop walks output-channel blocks (new ACC rows and weights), the inner one
 * input-channel groups (new INP rows and weights, the same ACC rows); both are as
 * large as the buffers allow, and the instruction repeats until about `iterations`
 * micro-op iterations have run.
 */
export function convGemmProgram(s: ConvShape, iterations: number): { program: Program; uopIterations: number } {
  const kernel: Uop[] = [];
  const wgtPerOc = s.icBlocks * s.taps;
  const srcSpan = s.icBlocks * (s.rows + s.taps);
  for (let r = 0; r < s.rows; r++) {
    for (let c = 0; c < s.icBlocks; c++) {
      for (let t = 0; t < s.taps; t++) kernel.push({ dst: r, src: c * (s.rows + s.taps) + r + t, wgt: c * s.taps + t });
    }
  }
  let uopIterations = 0;
  const program = gemmProgramWith(`conv-${s.taps}-${s.rows}-${s.icBlocks}`, kernel, (b) => {
    const t = b.target;
    const inner = Math.max(1, Math.min(4, Math.floor(t.inp.depth / srcSpan)));
    const outer = Math.max(1, Math.min(Math.floor(t.wgt.depth / (inner * wgtPerOc)), Math.floor(t.acc.depth / s.rows)));
    const perInsn = outer * inner * kernel.length;
    const reps = Math.max(1, Math.round(iterations / perInsn));
    b.gemm({ uop: [0, kernel.length], reset: true, outer, dstOut: s.rows });
    for (let k = 0; k < reps; k++) {
      b.gemm({
        uop: [0, kernel.length],
        outer,
        inner,
        dstOut: s.rows,
        dstIn: 0,
        srcOut: 0,
        srcIn: srcSpan,
        wgtOut: wgtPerOc * inner,
        wgtIn: wgtPerOc,
      });
    }
    uopIterations = reps * perInsn;
  });
  return { program, uopIterations };
}

/** Writes NAME.insn.bin and NAME.dram.bin into `dir`; returns their paths. */
export function writeBinaries(p: Program, dir: string, name: string): { insn: string; dram: string } {
  const insn = join(dir, `${name}.insn.bin`);
  const dram = join(dir, `${name}.dram.bin`);
  writeFileSync(
    insn,
    encodeProgram(
      p.target,
      p.insns.map((x) => x.insn),
    ),
  );
  writeFileSync(dram, p.dram);
  return { insn, dram };
}
