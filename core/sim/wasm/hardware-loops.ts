/**
 * The loop nest every GEMM and ALU instruction runs — the outer and inner hardware
 * loops around the micro-ops from uop_bgn to uop_end — emitted once for the kernels that
 * run it (GEMM, GEMM reset, ALU), which differ only in the offsets they take per
 * iteration and the work per micro-op.
 */
import { I32, Op, type Code } from './encoder';

/** The nest's locals: the two loop counters and the micro-op cursor with its bounds, in bytes. */
export interface HardwareLoops {
  io: number;
  ii: number;
  /** Byte offset of the current micro-op (micro-op fields are read at byte 4u). */
  up: number;
  upBgn: number;
  upEnd: number;
}

/** Declares the nest's locals and turns the micro-op range (parameters uopBgn, uopEnd) into bytes. */
export function declareHardwareLoops(c: Code, uopBgn: number, uopEnd: number): HardwareLoops {
  const l = { io: c.local(I32), ii: c.local(I32), up: c.local(I32), upBgn: c.local(I32), upEnd: c.local(I32) };
  c.get(uopBgn).i32(2).op(Op.i32Shl).set(l.upBgn);
  c.get(uopEnd).i32(2).op(Op.i32Shl).set(l.upEnd);
  return l;
}

/**
 * for io < iterOut, ii < iterIn: `offsets()`, then for each micro-op: `uop()`
 * (parameters iterOut and iterIn).
 */
export function emitHardwareLoops(
  c: Code,
  l: HardwareLoops,
  iterOut: number,
  iterIn: number,
  offsets: () => void,
  uop: () => void,
): void {
  c.doLoop(
    l.io,
    () => c.i32(0),
    1,
    iterOut,
    () => {
      c.doLoop(
        l.ii,
        () => c.i32(0),
        1,
        iterIn,
        () => {
          offsets();
          c.doLoop(l.up, () => c.get(l.upBgn), 4, l.upEnd, uop);
        },
      );
    },
  );
}

/** dst = io · factorOut + ii · factorIn: a buffer's offset in this iteration (parameters factorOut, factorIn). */
export function emitLoopOffset(c: Code, l: HardwareLoops, factorOut: number, factorIn: number, dst: number): void {
  c.get(l.io).get(factorOut).op(Op.i32Mul).get(l.ii).get(factorIn).op(Op.i32Mul).op(Op.i32Add).set(dst);
}
