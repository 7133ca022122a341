/**
 * The GEMM inner loop as a WebAssembly SIMD function, generated for one geometry.
 *
 * Plain JavaScript manages about 4–5 million 16×16 GEMM micro-op iterations a second;
 * with i32x4.dot_i16x8_s the same loop runs several times faster. The generated
 * function walks the whole loop nest of one GEMM instruction (vta-isa.md §4.5):
 *
 *   for it_out, it_in, u in [uop_bgn, uop_end):
 *     acc[a][b][o] += Σk inp[i][b][k] · wgt[w][o][k]          (weights transposed)
 *
 * Each 16-lane chunk of an input row is sign-extended once into two i16x8 halves;
 * each output lane's weight slice is dotted with them, giving four partial sums that
 * a shuffle tree folds, four output lanes at a time. i32x4.add wraps modulo 2^32 like
 * fsim's int32 accumulator.
 *
 * Row indices are bounds-checked by the caller before the call.
 */
import type { SimGeometry } from '../geometry';
import type { SramLayout } from '../memory';
import { Code, I32, Op, Simd, V128, moduleWithOneFunction } from './encoder';

/** Unrolled 16-byte blocks per micro-op beyond which the JavaScript kernel is used instead. */
const MAX_UNROLLED_BLOCKS = 256;

export type GemmSimdFn = (
  accBase: number, inpBase: number, wgtBase: number,
  uopDstBase: number, uopSrcBase: number, uopWgtBase: number,
  uopBgn: number, uopEnd: number, iterOut: number, iterIn: number,
  dfo: number, dfi: number, sfo: number, sfi: number, wfo: number, wfi: number,
) => void;

export function simdSupportsGeometry(g: SimGeometry): boolean {
  return g.blockIn % 16 === 0 && g.blockOut % 4 === 0
    && g.batch * (g.blockOut / 4) * (g.blockIn / 16) <= MAX_UNROLLED_BLOCKS;
}

// Byte shuffles used to fold four i32x4 partial-sum vectors into one vector of sums.
const LANES_01_01 = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const LANES_23_23 = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];
const LANES_EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const LANES_ODD = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

/** Builds the module bytes for a geometry. */
export function buildGemmModule(g: SimGeometry, memPages: number): Uint8Array<ArrayBuffer> {
  const P = Array.from({ length: 16 }, () => I32);
  const c = new Code(P);
  const [accBase, inpBase, wgtBase, uopDstBase, uopSrcBase, uopWgtBase, uopBgn, uopEnd,
    iterOut, iterIn, dfo, dfi, sfo, sfi, wfo, wfi] = P.map((_, i) => i) as [
    number, number, number, number, number, number, number, number,
    number, number, number, number, number, number, number, number];
  const io = c.local(I32), ii = c.local(I32), u = c.local(I32);
  const offA = c.local(I32), offI = c.local(I32), offW = c.local(I32);
  const a = c.local(I32), i = c.local(I32), w = c.local(I32);
  const chunks = g.blockIn / 16;
  const xl: number[] = [], xh: number[] = [];
  for (let k = 0; k < chunks; k++) {
    xl.push(c.local(V128));
    xh.push(c.local(V128));
  }
  const v = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
  const wv = c.local(V128);
  const accRow = g.accLanes * 4, inpRow = g.inpLanes, wgtRow = g.wgtLanes;

  // `while (x < limit) { body; x++ }` as block/loop.
  const countedLoop = (x: number, init: () => void, limit: number, body: () => void) => {
    init();
    c.set(x);
    c.block().loop();
    c.get(x).get(limit).op(Op.i32GeU).brIf(1);
    body();
    c.get(x).i32(1).op(Op.i32Add).set(x);
    c.br(0).end().end();
  };
  // row address = base + (uop field + offset) * rowBytes
  const rowAddr = (dst: number, base: number, uopBase: number, off: number, rowBytes: number) => {
    c.get(base);
    c.get(uopBase).get(u).i32(4).op(Op.i32Mul).op(Op.i32Add).i32Load();
    c.get(off).op(Op.i32Add).i32(rowBytes).op(Op.i32Mul).op(Op.i32Add).set(dst);
  };

  countedLoop(io, () => c.i32(0), iterOut, () => {
    countedLoop(ii, () => c.i32(0), iterIn, () => {
      // Loop-invariant parts of the three row indices.
      c.get(io).get(dfo).op(Op.i32Mul).get(ii).get(dfi).op(Op.i32Mul).op(Op.i32Add).set(offA);
      c.get(io).get(sfo).op(Op.i32Mul).get(ii).get(sfi).op(Op.i32Mul).op(Op.i32Add).set(offI);
      c.get(io).get(wfo).op(Op.i32Mul).get(ii).get(wfi).op(Op.i32Mul).op(Op.i32Add).set(offW);
      countedLoop(u, () => c.get(uopBgn), uopEnd, () => {
        rowAddr(a, accBase, uopDstBase, offA, accRow);
        rowAddr(i, inpBase, uopSrcBase, offI, inpRow);
        rowAddr(w, wgtBase, uopWgtBase, offW, wgtRow);
        for (let b = 0; b < g.batch; b++) {
          for (let k = 0; k < chunks; k++) {
            c.get(i).v128Load(b * g.blockIn + k * 16).tee(xh[k]!);
            c.simd(Simd.i16x8ExtendLowI8x16S).set(xl[k]!);
            c.get(xh[k]!).simd(Simd.i16x8ExtendHighI8x16S).set(xh[k]!);
          }
          for (let o4 = 0; o4 < g.blockOut; o4 += 4) {
            for (let j = 0; j < 4; j++) {
              for (let k = 0; k < chunks; k++) {
                c.get(w).v128Load((o4 + j) * g.blockIn + k * 16).set(wv);
                c.get(xl[k]!).get(wv).simd(Simd.i16x8ExtendLowI8x16S).simd(Simd.i32x4DotI16x8S);
                c.get(xh[k]!).get(wv).simd(Simd.i16x8ExtendHighI8x16S).simd(Simd.i32x4DotI16x8S);
                c.simd(Simd.i32x4Add);
                if (k > 0) c.get(v[j]!).simd(Simd.i32x4Add);
                c.set(v[j]!);
              }
            }
            // Fold: v0 ← [v0₀+v0₂, v0₁+v0₃, v1₀+v1₂, v1₁+v1₃], v2 likewise, then lane sums.
            for (const [p, q] of [[0, 1], [2, 3]] as const) {
              c.get(v[p]!).get(v[q]!).shuffle(LANES_01_01);
              c.get(v[p]!).get(v[q]!).shuffle(LANES_23_23);
              c.simd(Simd.i32x4Add).set(v[p]!);
            }
            const accOff = (b * g.blockOut + o4) * 4;
            c.get(a);
            c.get(v[0]!).get(v[2]!).shuffle(LANES_EVEN);
            c.get(v[0]!).get(v[2]!).shuffle(LANES_ODD);
            c.simd(Simd.i32x4Add);
            c.get(a).v128Load(accOff).simd(Simd.i32x4Add);
            c.v128Store(accOff);
          }
        }
      });
    });
  });
  return moduleWithOneFunction(c, 'gemm', memPages);
}

const compiled = new Map<string, WebAssembly.Module | null>();

export interface SimdGemm {
  memory: WebAssembly.Memory;
  run: GemmSimdFn;
}

/**
 * Compiles and instantiates the kernel over a fresh memory big enough for `layout`.
 * Returns undefined where WebAssembly or its SIMD proposal is unavailable, so the
 * caller falls back to JavaScript.
 */
export function instantiateGemmSimd(g: SimGeometry, layout: SramLayout): SimdGemm | undefined {
  if (typeof WebAssembly !== 'object' || !simdSupportsGeometry(g)) return undefined;
  try {
    const pages = Math.ceil(layout.bytes / 65536);
    // Compiling is the expensive part; simulators of the same geometry share the module.
    const key = `${g.batch}x${g.blockIn}x${g.blockOut}/${pages}`;
    let mod = compiled.get(key);
    if (mod === undefined) {
      const bytes = buildGemmModule(g, pages);
      mod = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
      compiled.set(key, mod);
    }
    if (mod === null) return undefined;
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(mod, { env: { mem: memory } });
    return { memory, run: instance.exports.gemm as GemmSimdFn };
  } catch {
    return undefined;
  }
}
