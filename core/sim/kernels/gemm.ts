/**
 * GEMM execution (vta-isa.md §4.5, fsim RunGEMM): the loop nest over micro-ops,
 * either through the WebAssembly SIMD kernels (wasm/gemm-simd.ts) or JavaScript
 * loops that produce the same bits. The caller has already checked every row index
 * against the depths.
 */
import type { Insn } from '../../isa';
import type { SimMemory } from '../memory';
import type { SimdKernels } from '../wasm/kernels';

export type GemmKernelName = 'simd' | 'js';

/** Zeroes the destination ACC rows of a reset GEMM (fsim: only dst is used, nothing is read). */
export function gemmReset(mem: SimMemory, insn: Insn): void {
  const lanes = mem.geometry.accLanes;
  const acc = mem.acc,
    dst = mem.uopDst;
  for (let io = 0; io < insn.iter_out; io++) {
    for (let ii = 0; ii < insn.iter_in; ii++) {
      const off = io * insn.dst_factor_out + ii * insn.dst_factor_in;
      for (let u = insn.uop_bgn; u < insn.uop_end; u++) {
        const a = (dst[u]! + off) * lanes;
        acc.fill(0, a, a + lanes);
      }
    }
  }
}

/** Any geometry; a 16-wide input row gets a hand-unrolled dot product. */
export function gemmJs(mem: SimMemory, insn: Insn): void {
  const g = mem.geometry;
  const { batch, blockIn: BI, blockOut: BO, accLanes, inpLanes, wgtLanes } = g;
  const acc = mem.acc,
    inp = mem.inp,
    wgt = mem.wgt;
  const uD = mem.uopDst,
    uS = mem.uopSrc,
    uW = mem.uopWgt;
  for (let io = 0; io < insn.iter_out; io++) {
    for (let ii = 0; ii < insn.iter_in; ii++) {
      const offA = io * insn.dst_factor_out + ii * insn.dst_factor_in;
      const offI = io * insn.src_factor_out + ii * insn.src_factor_in;
      const offW = io * insn.wgt_factor_out + ii * insn.wgt_factor_in;
      for (let u = insn.uop_bgn; u < insn.uop_end; u++) {
        const a = (uD[u]! + offA) * accLanes;
        const i = (uS[u]! + offI) * inpLanes;
        const w = (uW[u]! + offW) * wgtLanes;
        for (let b = 0; b < batch; b++) {
          const ib = i + b * BI;
          const ab = a + b * BO;
          if (BI === 16) {
            dot16(acc, ab, inp, ib, wgt, w, BO);
          } else {
            for (let o = 0; o < BO; o++) {
              const wo = w + o * BI;
              let s = 0;
              for (let k = 0; k < BI; k++) s += inp[ib + k]! * wgt[wo + k]!;
              acc[ab + o] = (acc[ab + o]! + s) | 0;
            }
          }
        }
      }
    }
  }
}

// Sums of 16 int8 products stay below 2^19, so plain number arithmetic is exact and
// `| 0` gives fsim's int32 wrap of the accumulator.
function dot16(acc: Int32Array, ab: number, inp: Int8Array, ib: number, wgt: Int8Array, w: number, BO: number): void {
  const x0 = inp[ib]!,
    x1 = inp[ib + 1]!,
    x2 = inp[ib + 2]!,
    x3 = inp[ib + 3]!;
  const x4 = inp[ib + 4]!,
    x5 = inp[ib + 5]!,
    x6 = inp[ib + 6]!,
    x7 = inp[ib + 7]!;
  const x8 = inp[ib + 8]!,
    x9 = inp[ib + 9]!,
    x10 = inp[ib + 10]!,
    x11 = inp[ib + 11]!;
  const x12 = inp[ib + 12]!,
    x13 = inp[ib + 13]!,
    x14 = inp[ib + 14]!,
    x15 = inp[ib + 15]!;
  for (let o = 0; o < BO; o++) {
    const q = w + o * 16;
    const s =
      x0 * wgt[q]! +
      x1 * wgt[q + 1]! +
      x2 * wgt[q + 2]! +
      x3 * wgt[q + 3]! +
      x4 * wgt[q + 4]! +
      x5 * wgt[q + 5]! +
      x6 * wgt[q + 6]! +
      x7 * wgt[q + 7]! +
      x8 * wgt[q + 8]! +
      x9 * wgt[q + 9]! +
      x10 * wgt[q + 10]! +
      x11 * wgt[q + 11]! +
      x12 * wgt[q + 12]! +
      x13 * wgt[q + 13]! +
      x14 * wgt[q + 14]! +
      x15 * wgt[q + 15]!;
    acc[ab + o] = (acc[ab + o]! + s) | 0;
  }
}

export function gemmSimd(simd: SimdKernels, insn: Insn): void {
  if (insn.reset_reg) {
    simd.gemmReset(insn.uop_bgn, insn.uop_end, insn.iter_out, insn.iter_in, insn.dst_factor_out, insn.dst_factor_in);
    return;
  }
  simd.gemm(
    insn.uop_bgn,
    insn.uop_end,
    insn.iter_out,
    insn.iter_in,
    insn.dst_factor_out,
    insn.dst_factor_in,
    insn.src_factor_out,
    insn.src_factor_in,
    insn.wgt_factor_out,
    insn.wgt_factor_in,
  );
}
