/**
 * A plain reference interpreter of VTA programs, written independently of the
 * simulator for its tests: straightforward nested loops over JavaScript numbers
 * (BigInt where a product can exceed 2^53), SRAMs as arrays of rows, instructions in
 * program order, token flags ignored. For the programs the tests generate, program
 * order is one valid interleaving, so the simulator must agree with it exactly.
 *
 * It follows vta-isa.md §4 literally and shares no code with core/sim.
 */
import type { Insn } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { decodeUop } from '../../core/isa';

export interface ReferenceResult {
  dram: Uint8Array;
  counters: Record<string, number>;
  /** ACC row contents at the end (zeros for rows never written). */
  acc: (row: number) => number[];
  /** Instructions executed before FINISH (inclusive). */
  executed: number;
}

const TWO32 = 4294967296;

/** int32 two's-complement wrap of an exact integer (|v| < 2^53). */
export function wrap32(v: number): number {
  let r = v % TWO32;
  if (r < 0) r += TWO32;
  return r >= 2 ** 31 ? r - TWO32 : r;
}

/** int32 wrap of an exact product of two int32 values (may exceed 2^53). */
function wrapProduct(x: number, y: number): number {
  return Number(BigInt.asIntN(32, BigInt(x) * BigInt(y)));
}

/** fsim's SHR on int32 x by signed y: count taken modulo 32 (x86), negative = left. */
export function refShr(x: number, y: number): number {
  if (y >= 0) {
    const s = y % 32;
    return Math.floor(x / 2 ** s);
  }
  const s = (((-y % TWO32) % 32) + 32) % 32;
  return wrapProduct(x, 2 ** s);
}

export function refAlu(op: number, x: number, y: number): number {
  switch (op) {
    case 0:
      return Math.min(x, y);
    case 1:
      return Math.max(x, y);
    case 2:
      return wrap32(x + y);
    case 3:
      return refShr(x, y);
    case 4:
      return wrapProduct(x, y);
    default:
      throw new Error(`bad ALU op ${op}`);
  }
}

export function referenceRun(p: Program): ReferenceResult {
  const t = p.target;
  const B = t.batch,
    BI = t.blockIn,
    BO = t.blockOut;
  const dram = p.dram.slice();
  // SRAMs start zeroed; rows are created when first touched.
  const rows = (lanes: number) => {
    const list: number[][] = [];
    return (i: number): number[] => (list[i] ??= new Array<number>(lanes).fill(0));
  };
  const inp = rows(B * BI);
  const wgt = rows(BO * BI);
  const acc = rows(B * BO);
  const uops: Array<{ dst: number; src: number; wgt: number }> = [];
  const uop = (i: number) => (uops[i] ??= { dst: 0, src: 0, wgt: 0 });
  const counters: Record<string, number> = {
    inp_load_nbytes: 0,
    wgt_load_nbytes: 0,
    acc_load_nbytes: 0,
    uop_load_nbytes: 0,
    out_store_nbytes: 0,
    gemm_counter: 0,
    alu_counter: 0,
  };
  const s8 = (b: number) => (b >= 128 ? b - 256 : b);
  const readI32 = (at: number) => {
    const v = dram[at]! + dram[at + 1]! * 256 + dram[at + 2]! * 65536 + dram[at + 3]! * 16777216;
    return v >= 2 ** 31 ? v - TWO32 : v;
  };

  const load = (ins: Insn) => {
    if (ins.x_size === 0) return;
    const X = ins.x_pad_0 + ins.x_size + ins.x_pad_1;
    const Y = ins.y_pad_0 + ins.y_size + ins.y_pad_1;
    const eb = t.elemBytes[ins.memory_type]!;
    // elem(y, x) → the value written at SRAM row sram_base + y·X + x (padding → zero element)
    for (let yy = 0; yy < Y; yy++) {
      for (let xx = 0; xx < X; xx++) {
        const row = ins.sram_base + yy * X + xx;
        const y = yy - ins.y_pad_0,
          x = xx - ins.x_pad_0;
        const inData = y >= 0 && y < ins.y_size && x >= 0 && x < ins.x_size;
        const base = (ins.dram_base + y * ins.x_stride + x) * eb;
        switch (ins.memory_type) {
          case 0:
            uops[row] = inData ? decodeUop(t, dram, base) : { dst: 0, src: 0, wgt: 0 };
            break;
          case 1:
            for (let l = 0; l < BO * BI; l++) wgt(row)[l] = inData ? s8(dram[base + l]!) : 0;
            break;
          case 2:
            for (let l = 0; l < B * BI; l++) inp(row)[l] = inData ? s8(dram[base + l]!) : 0;
            break;
          case 3:
            for (let l = 0; l < B * BO; l++) acc(row)[l] = inData ? readI32(base + 4 * l) : 0;
            break;
          case 5:
            for (let l = 0; l < B * BO; l++) acc(row)[l] = inData ? s8(dram[base + l]!) : 0;
            break;
          default:
            throw new Error('bad load type');
        }
      }
    }
    const rowBytes: Record<number, [string, number]> = {
      0: ['uop_load_nbytes', 4],
      1: ['wgt_load_nbytes', t.wgt.rowBytes],
      2: ['inp_load_nbytes', t.inp.rowBytes],
      3: ['acc_load_nbytes', t.acc.rowBytes],
      5: ['acc_load_nbytes', t.acc.rowBytes],
    };
    const [key, rb] = rowBytes[ins.memory_type]!;
    counters[key]! += ins.x_size * ins.y_size * rb;
  };

  const store = (ins: Insn) => {
    if (ins.x_size === 0) return;
    const eb = t.elemBytes[4]!;
    for (let y = 0; y < ins.y_size; y++) {
      for (let x = 0; x < ins.x_size; x++) {
        const row = acc(ins.sram_base + y * ins.x_size + x);
        const base = (ins.dram_base + y * ins.x_stride + x) * eb;
        for (let l = 0; l < B * BO; l++) dram[base + l] = ((row[l]! % 256) + 256) % 256;
      }
    }
    counters.out_store_nbytes! += ins.x_size * ins.y_size * B * BO;
  };

  const gemm = (ins: Insn) => {
    for (let io = 0; io < ins.iter_out; io++) {
      for (let ii = 0; ii < ins.iter_in; ii++) {
        for (let u = ins.uop_bgn; u < ins.uop_end; u++) {
          const a = uop(u).dst + io * ins.dst_factor_out + ii * ins.dst_factor_in;
          const i = uop(u).src + io * ins.src_factor_out + ii * ins.src_factor_in;
          const w = uop(u).wgt + io * ins.wgt_factor_out + ii * ins.wgt_factor_in;
          for (let b = 0; b < B; b++) {
            for (let o = 0; o < BO; o++) {
              if (ins.reset_reg) {
                acc(a)[b * BO + o] = 0;
                continue;
              }
              let sum = 0;
              for (let k = 0; k < BI; k++) sum += inp(i)[b * BI + k]! * wgt(w)[o * BI + k]!;
              acc(a)[b * BO + o] = wrap32(acc(a)[b * BO + o]! + sum);
            }
          }
        }
      }
    }
    if (!ins.reset_reg) counters.gemm_counter! += ins.iter_out * ins.iter_in * Math.max(0, ins.uop_end - ins.uop_bgn);
  };

  const alu = (ins: Insn) => {
    for (let io = 0; io < ins.iter_out; io++) {
      for (let ii = 0; ii < ins.iter_in; ii++) {
        for (let u = ins.uop_bgn; u < ins.uop_end; u++) {
          const d = uop(u).dst + io * ins.dst_factor_out + ii * ins.dst_factor_in;
          const s = uop(u).src + io * ins.src_factor_out + ii * ins.src_factor_in;
          for (let l = 0; l < B * BO; l++) {
            const y = ins.use_imm ? ins.imm : acc(s)[l]!;
            acc(d)[l] = refAlu(ins.alu_opcode, acc(d)[l]!, y);
          }
        }
      }
    }
    counters.alu_counter! += ins.iter_out * ins.iter_in * Math.max(0, ins.uop_end - ins.uop_bgn);
  };

  let executed = 0;
  for (const pi of p.insns) {
    const ins = pi.insn;
    executed++;
    if (ins.opcode === 0) load(ins);
    else if (ins.opcode === 1) store(ins);
    else if (ins.opcode === 2) gemm(ins);
    else if (ins.opcode === 4) alu(ins);
    else if (ins.opcode === 3) break;
    else throw new Error(`bad opcode ${ins.opcode}`);
  }
  return { dram, counters, acc, executed };
}
