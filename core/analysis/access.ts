/**
 * Which SRAM rows each instruction reads and writes, exactly: from sizes and padding
 * for LOAD/STORE, and from the loop nest over the micro-ops for GEMM/ALU. Shared by
 * the bounds, uninitialised-read and hazard checks.
 */
import type { Insn, VtaTarget } from '../isa';
import { MemType, Opcode, decodeUop, isNop } from '../isa';

export type BufferName = 'inp' | 'wgt' | 'acc' | 'uop';

export interface RowAccess {
  buf: BufferName;
  write: boolean;
  /** Sorted, disjoint half-open intervals [lo, hi) of rows; may extend past the depth. */
  rows: number[];
  /** Smallest and largest row touched (max may be ≥ depth: out of bounds). */
  min: number;
  max: number;
  /** What the access is, for messages: `writes INP rows`, `reads WGT rows`. */
  role: string;
}

export function depthOf(t: VtaTarget, buf: BufferName): number {
  return buf === 'inp' ? t.inp.depth : buf === 'wgt' ? t.wgt.depth : buf === 'acc' ? t.acc.depth : t.uop.depth;
}

/** The UOP buffer's contents as the compute module sees them, in program order. */
export class UopShadow {
  readonly dst: Int32Array;
  readonly src: Int32Array;
  readonly wgt: Int32Array;
  readonly loaded: Uint8Array;

  constructor(readonly t: VtaTarget, private readonly dram: Uint8Array) {
    const d = t.uop.depth;
    this.dst = new Int32Array(d);
    this.src = new Int32Array(d);
    this.wgt = new Int32Array(d);
    this.loaded = new Uint8Array(d);
  }

  /** Applies a LOAD UOP (padding loads zero micro-ops, as fsim does). */
  load(insn: Insn): void {
    const X = insn.x_pad_0 + insn.x_size + insn.x_pad_1;
    let row = insn.sram_base;
    const depth = this.t.uop.depth;
    const put = (u: { dst: number; src: number; wgt: number } | undefined) => {
      if (row < depth) {
        this.dst[row] = u?.dst ?? 0;
        this.src[row] = u?.src ?? 0;
        this.wgt[row] = u?.wgt ?? 0;
        this.loaded[row] = 1;
      }
      row++;
    };
    for (let y = 0; y < insn.y_pad_0 * X; y++) put(undefined);
    for (let y = 0; y < insn.y_size; y++) {
      for (let x = 0; x < insn.x_pad_0; x++) put(undefined);
      for (let x = 0; x < insn.x_size; x++) {
        const byte = (insn.dram_base + y * insn.x_stride + x) * 4;
        put(byte + 4 <= this.dram.length ? decodeUop(this.t, this.dram, byte) : undefined);
      }
      for (let x = 0; x < insn.x_pad_1; x++) put(undefined);
    }
    for (let y = 0; y < insn.y_pad_1 * X; y++) put(undefined);
  }
}

function interval(lo: number, hi: number, buf: BufferName, write: boolean, role: string): RowAccess {
  return { buf, write, rows: hi > lo ? [lo, hi] : [], min: lo, max: hi - 1, role };
}

/** Below this many candidate rows, sorting a list beats marking a whole buffer. */
const SMALL = 4096;
let scratch = new Uint8Array(0);

function scratchOf(size: number): Uint8Array {
  if (scratch.length < size) scratch = new Uint8Array(size);
  return scratch;
}

/** Sorted distinct values of `vals` as half-open intervals [lo, hi). */
function toIntervals(vals: number[]): number[] {
  vals.sort((a, b) => a - b);
  const rows: number[] = [];
  for (let k = 0; k < vals.length; k++) {
    const v = vals[k]!;
    const last = rows.length - 1;
    if (last >= 0 && v <= rows[last]!) {
      if (v === rows[last]) rows[last] = v + 1;
      continue;
    }
    rows.push(v, v + 1);
  }
  return rows;
}

/** Offsets {i·fo + j·fi} below `limit`, deduplicated and sorted. */
function loopOffsets(iterOut: number, fo: number, iterIn: number, fi: number, limit: number): number[] {
  const iMax = fo === 0 ? Math.min(iterOut, 1) : Math.min(iterOut, Math.ceil(limit / fo));
  const jMax = fi === 0 ? Math.min(iterIn, 1) : Math.min(iterIn, Math.ceil(limit / fi));
  const out: number[] = [];
  if (iMax * jMax <= SMALL) {
    for (let i = 0; i < iMax; i++) {
      const base = i * fo;
      for (let j = 0; j < jMax; j++) {
        const v = base + j * fi;
        if (v < limit) out.push(v);
      }
    }
    out.sort((a, b) => a - b);
    let w = 0;
    for (let k = 0; k < out.length; k++) if (k === 0 || out[k] !== out[k - 1]) out[w++] = out[k]!;
    out.length = w;
    return out;
  }
  const seen = scratchOf(limit);
  seen.fill(0, 0, limit);
  for (let i = 0; i < iMax; i++) {
    const base = i * fo;
    if (base >= limit) break;
    for (let j = 0; j < jMax; j++) {
      const v = base + j * fi;
      if (v >= limit) break;
      if (!seen[v]) {
        seen[v] = 1;
        out.push(v);
      }
    }
  }
  return out.sort((a, b) => a - b);
}

/**
 * Rows {idx[u] + i·fo + j·fi}: exact within the buffer; rows past the end only
 * matter through `max`, which bounds checks report.
 */
function loopRows(idx: number[], iterOut: number, fo: number, iterIn: number, fi: number, depth: number, buf: BufferName, write: boolean, role: string): RowAccess {
  if (idx.length === 0 || iterOut === 0 || iterIn === 0) return { buf, write, rows: [], min: 0, max: -1, role };
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of idx) {
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  const max = hi + (iterOut - 1) * fo + (iterIn - 1) * fi;
  const offsets = loopOffsets(iterOut, fo, iterIn, fi, depth);
  if (idx.length * offsets.length <= SMALL) {
    const vals: number[] = [];
    for (const b of idx) {
      for (const s of offsets) {
        const r = b + s;
        if (r >= depth) break;
        vals.push(r);
      }
    }
    return { buf, write, rows: toIntervals(vals), min: lo, max, role };
  }
  const mark = scratchOf(depth);
  mark.fill(0, 0, depth);
  for (const b of idx) {
    for (const s of offsets) {
      const r = b + s;
      if (r >= depth) break;
      mark[r] = 1;
    }
  }
  const rows: number[] = [];
  for (let r = 0; r < depth; r++) {
    if (!mark[r]) continue;
    const start = r;
    while (r < depth && mark[r]) r++;
    rows.push(start, r);
  }
  return { buf, write, rows, min: lo, max, role };
}

/** Every SRAM access of one instruction. `uops` must reflect the loads before it. */
export function insnAccesses(t: VtaTarget, insn: Insn, uops: UopShadow): RowAccess[] {
  switch (insn.opcode) {
    case Opcode.LOAD: {
      if (isNop(insn)) return [];
      const rows = (insn.y_pad_0 + insn.y_size + insn.y_pad_1) * (insn.x_pad_0 + insn.x_size + insn.x_pad_1);
      const buf: BufferName | undefined = insn.memory_type === MemType.INP ? 'inp' : insn.memory_type === MemType.WGT ? 'wgt'
        : insn.memory_type === MemType.ACC || insn.memory_type === MemType.ACC_8BIT ? 'acc' : insn.memory_type === MemType.UOP ? 'uop' : undefined;
      if (!buf) return [];
      return [interval(insn.sram_base, insn.sram_base + rows, buf, true, `LOAD writes ${buf.toUpperCase()} rows`)];
    }
    case Opcode.STORE: {
      if (isNop(insn)) return [];
      return [interval(insn.sram_base, insn.sram_base + insn.y_size * insn.x_size, 'acc', false, 'STORE reads ACC rows')];
    }
    case Opcode.GEMM:
    case Opcode.ALU: {
      const gemm = insn.opcode === Opcode.GEMM;
      const name = gemm ? 'GEMM' : 'ALU';
      const acc = [] as RowAccess[];
      const bgn = insn.uop_bgn;
      const end = Math.max(bgn, insn.uop_end);
      acc.push(interval(bgn, end, 'uop', false, `${name} reads micro-ops`));
      const dst: number[] = [];
      const src: number[] = [];
      const wgt: number[] = [];
      const ud = t.uop.depth;
      for (let u = bgn; u < end && u < ud; u++) {
        dst.push(uops.dst[u]!);
        src.push(uops.src[u]!);
        wgt.push(uops.wgt[u]!);
      }
      const io = insn.iter_out;
      const ii = insn.iter_in;
      const accDepth = t.acc.depth;
      const dstRows = loopRows(dst, io, insn.dst_factor_out, ii, insn.dst_factor_in, accDepth, 'acc', true, `${name} writes ACC rows`);
      acc.push(dstRows);
      if (gemm) {
        if (!insn.reset_reg) {
          acc.push({ ...dstRows, write: false, role: 'GEMM accumulates into ACC rows' });
          acc.push(loopRows(src, io, insn.src_factor_out, ii, insn.src_factor_in, t.inp.depth, 'inp', false, 'GEMM reads INP rows'));
          acc.push(loopRows(wgt, io, insn.wgt_factor_out, ii, insn.wgt_factor_in, t.wgt.depth, 'wgt', false, 'GEMM reads WGT rows'));
        }
      } else {
        acc.push({ ...dstRows, write: false, role: 'ALU reads its destination ACC rows' });
        if (!insn.use_imm) acc.push(loopRows(src, io, insn.src_factor_out, ii, insn.src_factor_in, accDepth, 'acc', false, 'ALU reads source ACC rows'));
      }
      return acc;
    }
    default:
      return [];
  }
}
