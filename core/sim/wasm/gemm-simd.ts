/**
 * The GEMM kernels as WebAssembly SIMD functions, generated for one geometry
 * (vta-isa.md §4.5):
 *
 *   for it_out, it_in, u in [uop_bgn, uop_end):
 *     acc[a][b][o] += Σk inp[i][b][k] · wgt[w][o][k]
 *
 * The whole loop nest of one instruction runs in one call. The weights are read from a
 * widened copy of the WGT buffer that lives in the module's memory beside the SRAMs
 * (`widen` rebuilds rows of it whenever WGT rows are written): int16, arranged so that
 * one i32x4.dot_i16x8_s multiplies an input pair (k, k+1), broadcast to all four
 * lanes, with the weights of that pair for four consecutive outputs:
 *
 *   wide[w][p][g] = i16x8 [W[4g][2p], W[4g][2p+1], W[4g+1][2p], …, W[4g+3][2p+1]]
 *
 * so output lanes 4g..4g+3 accumulate Σp dot(bcast(x_pair p), wide[w][p][g]) directly
 * in one i32x4, with no horizontal sums: a 16×16 block is 32 dot products, 32 adds and
 * 8 broadcasts. i32x4.add wraps modulo 2^32 like fsim's int32 accumulator, and a dot
 * product of two int8 pairs cannot overflow int32, so the sums are bit-exact.
 *
 * Row indices are bounds-checked by the caller before the call (exec.ts).
 */
import type { SimGeometry } from '../geometry';
import type { KernelLayout } from './layout';
import { Code, I32, Op, Simd, V128 } from './encoder';
import { declareHardwareLoops, emitHardwareLoops, emitLoopOffset } from './hardware-loops';

/** Dot products unrolled per micro-op beyond which the JavaScript kernel is used instead. */
const MAX_UNROLLED_DOTS = 1024;

export function simdSupportsGeometry(g: SimGeometry): boolean {
  return (
    g.blockIn % 8 === 0 && g.blockOut % 4 === 0 && g.batch * (g.blockIn / 2) * (g.blockOut / 4) <= MAX_UNROLLED_DOTS
  );
}

/** Byte indices of an i8x16.shuffle that picks 32-bit lanes (0–3 from the first operand, 4–7 from the second). */
export function lanes32(lanes: number[]): number[] {
  return lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
}

const log2 = (n: number) => Math.log2(n);

/**
 * gemm(uopBgn, uopEnd, iterOut, iterIn, dfo, dfi, sfo, sfi, wfo, wfi): the loop nest of
 * one non-reset GEMM.
 */
export function emitGemm(g: SimGeometry, L: KernelLayout): Code {
  const c = new Code(Array.from({ length: 10 }, () => I32));
  const [uopBgn, uopEnd, iterOut, iterIn, dfo, dfi, sfo, sfi, wfo, wfi] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] as const;
  const loops = declareHardwareLoops(c, uopBgn, uopEnd);
  const { up } = loops;
  const offA = c.local(I32),
    offI = c.local(I32),
    offW = c.local(I32);
  const a = c.local(I32),
    i = c.local(I32),
    w = c.local(I32);
  const x = c.local(V128),
    s = c.local(V128);
  const groups = g.blockOut / 4;
  const blockGroups = Math.min(groups, 4);
  const accs = Array.from({ length: blockGroups }, () => c.local(V128));
  const sA = log2(g.accLanes * 4),
    sI = log2(g.inpLanes),
    sW = log2(L.wideRowBytes);

  // row offset << shift, from a micro-op field at byte `up` plus the loop offset
  const row = (dst: number, field: number, off: number, shift: number) => {
    c.get(up).i32Load(field).get(off).op(Op.i32Add).i32(shift).op(Op.i32Shl).set(dst);
  };
  emitHardwareLoops(
    c,
    loops,
    iterOut,
    iterIn,
    () => {
      emitLoopOffset(c, loops, dfo, dfi, offA);
      emitLoopOffset(c, loops, sfo, sfi, offI);
      emitLoopOffset(c, loops, wfo, wfi, offW);
    },
    () => {
      row(a, L.uopDst, offA, sA);
      row(i, L.uopSrc, offI, sI);
      row(w, L.uopWgt, offW, sW);
      for (let b = 0; b < g.batch; b++) {
        for (let g0 = 0; g0 < groups; g0 += blockGroups) {
          for (let ch = 0; ch < g.blockIn / 8; ch++) {
            c.get(i)
              .v128Load8x8S(L.inp + b * g.blockIn + ch * 8)
              .set(x);
            for (let q = 0; q < 4; q++) {
              const pair = ch * 4 + q;
              c.get(x)
                .get(x)
                .shuffle(lanes32([q, q, q, q]))
                .set(s);
              for (let k = 0; k < blockGroups; k++) {
                c.get(s)
                  .get(w)
                  .v128Load(L.wide + (pair * groups + g0 + k) * 16)
                  .simd(Simd.i32x4DotI16x8S);
                if (pair > 0) c.get(accs[k]!).simd(Simd.i32x4Add);
                c.set(accs[k]!);
              }
            }
          }
          for (let k = 0; k < blockGroups; k++) {
            const at = L.acc + (b * g.blockOut + (g0 + k) * 4) * 4;
            c.get(a);
            c.get(a).v128Load(at).get(accs[k]!).simd(Simd.i32x4Add);
            c.v128Store(at);
          }
        }
      }
    },
  );
  return c;
}

/** gemmReset(uopBgn, uopEnd, iterOut, iterIn, dfo, dfi): zeroes the dst ACC rows. */
export function emitGemmReset(g: SimGeometry, L: KernelLayout): Code {
  const c = new Code(Array.from({ length: 6 }, () => I32));
  const [uopBgn, uopEnd, iterOut, iterIn, dfo, dfi] = [0, 1, 2, 3, 4, 5] as const;
  const loops = declareHardwareLoops(c, uopBgn, uopEnd);
  const { up } = loops;
  const offA = c.local(I32),
    a = c.local(I32);
  const zero = c.local(V128); // locals start at zero
  const sA = log2(g.accLanes * 4);
  emitHardwareLoops(
    c,
    loops,
    iterOut,
    iterIn,
    () => emitLoopOffset(c, loops, dfo, dfi, offA),
    () => {
      c.get(up).i32Load(L.uopDst).get(offA).op(Op.i32Add).i32(sA).op(Op.i32Shl).set(a);
      for (let v = 0; v < g.accLanes / 4; v++)
        c.get(a)
          .get(zero)
          .v128Store(L.acc + v * 16);
    },
  );
  return c;
}

/**
 * widen(lo, hi): rebuilds rows [lo, hi) of the widened weights from the WGT buffer
 * (hi > lo). Four output rows' 8-byte slices, sign-extended, are four i16x8 of pairs;
 * a 4×4 transpose of their 32-bit lanes gives one vector per pair.
 */
export function emitWiden(g: SimGeometry, L: KernelLayout): Code {
  const c = new Code([I32, I32]);
  const [lo, hi] = [0, 1] as const;
  const r = c.local(I32),
    src = c.local(I32),
    dst = c.local(I32);
  const R = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const T = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const groups = g.blockOut / 4;
  c.doLoop(
    r,
    () => c.get(lo),
    1,
    hi,
    () => {
      c.get(r).i32(log2(g.wgtLanes)).op(Op.i32Shl).set(src);
      c.get(r).i32(log2(L.wideRowBytes)).op(Op.i32Shl).set(dst);
      for (let grp = 0; grp < groups; grp++) {
        for (let ch = 0; ch < g.blockIn / 8; ch++) {
          for (let j = 0; j < 4; j++)
            c.get(src)
              .v128Load8x8S(L.wgt + (4 * grp + j) * g.blockIn + ch * 8)
              .set(R[j]!);
          c.get(R[0]!)
            .get(R[1]!)
            .shuffle(lanes32([0, 4, 1, 5]))
            .set(T[0]!);
          c.get(R[0]!)
            .get(R[1]!)
            .shuffle(lanes32([2, 6, 3, 7]))
            .set(T[1]!);
          c.get(R[2]!)
            .get(R[3]!)
            .shuffle(lanes32([0, 4, 1, 5]))
            .set(T[2]!);
          c.get(R[2]!)
            .get(R[3]!)
            .shuffle(lanes32([2, 6, 3, 7]))
            .set(T[3]!);
          // pair q of this chunk: [R0[q], R1[q], R2[q], R3[q]]
          const outs: Array<[number, number, number[]]> = [
            [0, 2, [0, 1, 4, 5]],
            [0, 2, [2, 3, 6, 7]],
            [1, 3, [0, 1, 4, 5]],
            [1, 3, [2, 3, 6, 7]],
          ];
          outs.forEach(([p, q, lanes], k) => {
            const pair = ch * 4 + k;
            c.get(dst)
              .get(T[p]!)
              .get(T[q]!)
              .shuffle(lanes32(lanes))
              .v128Store(L.wide + (pair * groups + grp) * 16);
          });
        }
      }
    },
  );
  return c;
}
