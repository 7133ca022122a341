/**
 * Random valid programs with a correct token protocol, for property tests: a
 * double-buffered pipeline as TVM's virtual threads produce it. Block j uses
 * buffer half j % 2: the load module fills INP/WGT rows of that half and hands them
 * over (ld->ex); compute works on its ACC half and hands it to the store module
 * (ex->st); compute returns the INP/WGT half (ex->ld) and store returns the ACC half
 * (st->ex) before block j + 2 reuses them. Every SRAM row shared by two modules is
 * thus ordered by a token, DRAM inputs are read-only and each block stores to its
 * own output region, and FINISH waits for the load and store modules: the program
 * is race-free, so every interleaving must give the same DRAM.
 *
 * Within a block, compute runs random LOAD ACC/ACC_8BIT, LOAD UOP, GEMM (with and
 * without reset) and ALU instructions (every opcode, immediate and tensor-tensor,
 * negative shifts, wrapping multiplies), with random loop counts and factors kept
 * inside the half.
 *
 * Built directly (program-builder.ts), not written as text: it reaches every opcode
 * and field the simulator must get right, including ones the checks flag (reads of
 * rows nothing wrote, micro-ops too close). Tests of the language front end take
 * random-program.ts instead: source text that assembles and checks clean.
 */
import type { Uop, VtaTarget } from '../../core/isa';
import { MemType, defaultTarget } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { Prng } from '../../core/sim/prng';
import { ProgramBuilder } from './program-builder';

const INP_HALF = 16,
  WGT_HALF = 8,
  ACC_HALF = 32,
  OUT_PER_BLOCK = 32;
const ALU_OPS = ['MIN', 'MAX', 'ADD', 'SHR', 'MUL'] as const;

export interface RandomProgramOptions {
  target?: VtaTarget;
  maxBlocks?: number;
  /** Exactly this many blocks (long streams for benchmarks). */
  blocks?: number;
  maxOpsPerBlock?: number;
}

export function randomProgram(seed: number, opts: RandomProgramOptions = {}): Program {
  const r = new Prng(seed);
  const int = (lo: number, hi: number) => lo + r.int(hi - lo + 1); // inclusive
  const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)]!;
  const t = opts.target ?? defaultTarget();
  const b = new ProgramBuilder(t, `random-${seed}.vta`);
  const bytes = (n: number, full = true) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = full ? r.int(256) : int(0, 7) * (r.next() < 0.5 ? 1 : 255);
    return out;
  };
  // Read-only inputs, plus one output region per block.
  const nBlocks = opts.blocks ?? int(1, opts.maxBlocks ?? 5);
  const inpT = b.data('x', MemType.INP, 48, bytes(48 * t.elemBytes[MemType.INP]!));
  const wgtT = b.data('w', MemType.WGT, 24, bytes(24 * t.elemBytes[MemType.WGT]!));
  const accT = b.data('a', MemType.ACC, 48, bytes(48 * t.elemBytes[MemType.ACC]!, r.next() < 0.7));
  const acc8T = b.data('a8', MemType.ACC_8BIT, 48, bytes(48 * t.elemBytes[MemType.ACC_8BIT]!));
  const outT = b.data('y', MemType.OUT, nBlocks * OUT_PER_BLOCK);

  /** A random 2-D shape whose padded footprint fits `rows` SRAM rows, reading at most `avail` DRAM elements. */
  const shape = (rows: number, avail: number, allowPad: boolean) => {
    for (;;) {
      const x = int(1, 6),
        y = int(1, 3);
      const stride = x + int(0, 3);
      const pad: [number, number, number, number] =
        allowPad && r.next() < 0.4 ? [int(0, 2), int(0, 2), int(0, 2), int(0, 2)] : [0, 0, 0, 0];
      const X = pad[2] + x + pad[3],
        Y = pad[0] + y + pad[1];
      if (X * Y > rows) continue;
      const span = (y - 1) * stride + x;
      if (span > avail) continue;
      return { x, y, stride, pad, sram: int(0, rows - X * Y), dram: int(0, avail - span) };
    }
  };
  /** Loop counts and factors, and a base range for micro-op fields, so every index stays in [0, size). */
  const loops = (size: number) => {
    for (;;) {
      const outer = int(1, 3),
        inner = int(1, 3);
      const f = () => (r.next() < 0.3 ? 0 : int(0, 4));
      const dOut = f(),
        dIn = f(),
        sOut = f(),
        sIn = f(),
        wOut = f(),
        wIn = f();
      const reach = (fo: number, fi: number) => (outer - 1) * fo + (inner - 1) * fi;
      const room = Math.min(size - reach(dOut, dIn), size - reach(sOut, sIn), size - reach(wOut, wIn));
      if (room >= 1) return { outer, inner, dOut, dIn, sOut, sIn, wOut, wIn, reach };
    }
  };

  let uopCursor = 0;
  const loadKernel = (list: Uop[]) => {
    if (uopCursor + list.length > 64) uopCursor = 0;
    const at = uopCursor;
    b.load(MemType.UOP, { sram: at, dram: b.uops(`k${at}`, list), x: list.length });
    uopCursor += list.length;
    return [at, at + list.length] as [number, number];
  };

  for (let j = 0; j < nBlocks; j++) {
    const h = j % 2;
    // --- load module
    if (j >= 2) b.pop('ex->ld');
    for (let k = int(1, 2); k > 0; k--) {
      const s = shape(INP_HALF, 48, true);
      b.load(MemType.INP, { ...s, sram: h * INP_HALF + s.sram, dram: inpT + s.dram });
    }
    if (r.next() < 0.8) {
      const s = shape(WGT_HALF, 24, true);
      b.load(MemType.WGT, { ...s, sram: h * WGT_HALF + s.sram, dram: wgtT + s.dram });
    }
    b.push('ld->ex');
    // --- compute module
    b.pop('ld->ex');
    if (j >= 2) b.pop('st->ex');
    const nOps = int(1, opts.maxOpsPerBlock ?? 4);
    for (let k = 0; k < nOps; k++) {
      const kind = r.next();
      if (kind < 0.25) {
        const acc8 = r.next() < 0.3;
        const s = shape(ACC_HALF, 48, true);
        b.load(acc8 ? MemType.ACC_8BIT : MemType.ACC, {
          ...s,
          sram: h * ACC_HALF + s.sram,
          dram: (acc8 ? acc8T : accT) + s.dram,
        });
      } else if (kind < 0.6) {
        // GEMM: ACC rows in this half, INP and WGT rows in this half.
        const size = Math.min(INP_HALF, WGT_HALF);
        const l = loops(size);
        const list: Uop[] = [];
        for (let u = int(1, 3); u > 0; u--) {
          list.push({
            dst: h * ACC_HALF + int(0, ACC_HALF - 1 - l.reach(l.dOut, l.dIn)),
            src: h * INP_HALF + int(0, INP_HALF - 1 - l.reach(l.sOut, l.sIn)),
            wgt: h * WGT_HALF + int(0, WGT_HALF - 1 - l.reach(l.wOut, l.wIn)),
          });
        }
        const uop = loadKernel(list);
        b.gemm({
          uop,
          reset: r.next() < 0.2,
          outer: l.outer,
          inner: l.inner,
          dstOut: l.dOut,
          dstIn: l.dIn,
          srcOut: l.sOut,
          srcIn: l.sIn,
          wgtOut: l.wOut,
          wgtIn: l.wIn,
        });
      } else {
        const l = loops(ACC_HALF);
        const list: Uop[] = [];
        for (let u = int(1, 3); u > 0; u--) {
          list.push({
            dst: h * ACC_HALF + int(0, ACC_HALF - 1 - l.reach(l.dOut, l.dIn)),
            src: h * ACC_HALF + int(0, ACC_HALF - 1 - l.reach(l.sOut, l.sIn)),
            wgt: 0,
          });
        }
        const uop = loadKernel(list);
        const op = pick(ALU_OPS);
        const useImm = r.next() < 0.5;
        const imm = op === 'SHR' && r.next() < 0.7 ? int(-40, 40) : int(-32768, 32767);
        b.alu(op, {
          uop,
          imm: useImm ? imm : undefined,
          outer: l.outer,
          inner: l.inner,
          dstOut: l.dOut,
          dstIn: l.dIn,
          srcOut: l.sOut,
          srcIn: l.sIn,
        });
      }
    }
    if (j + 2 < nBlocks) b.push('ex->ld');
    b.push('ex->st');
    // --- store module: rows of this ACC half to this block's output region
    b.pop('ex->st');
    for (let k = int(1, 2); k > 0; k--) {
      const s = shape(ACC_HALF, OUT_PER_BLOCK, false);
      b.store({
        sram: h * ACC_HALF + s.sram,
        dram: outT + j * OUT_PER_BLOCK + s.dram,
        x: s.x,
        y: s.y,
        stride: s.stride,
      });
    }
    if (j + 2 < nBlocks) b.push('st->ex');
  }
  // FINISH only after the load and store modules are done.
  b.push('ld->ex');
  b.push('st->ex');
  b.pop('ld->ex');
  b.pop('st->ex');
  b.finish();
  return b.build();
}

/** A stream of about `n` instructions (the debugger's benchmark and its pause test). */
export function streamProgram(n: number): Program {
  return randomProgram(2024, { blocks: Math.ceil(n / 8), maxOpsPerBlock: 4 });
}
