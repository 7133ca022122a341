/**
 * Which SRAM rows each instruction reads and writes, exactly: from sizes and padding
 * for LOAD/STORE, and from the loop nest over the micro-ops for GEMM/ALU. Shared by
 * the bounds, uninitialised-read and hazard checks.
 */
import type { Insn, VtaTarget } from '../isa';
import { MemType, Opcode, isNop, uopLayoutFor } from '../isa';

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

  /** Where each field sits in a micro-op's 32-bit little-endian word. */
  private readonly fields: { dstShift: number; dstMask: number; srcShift: number; srcMask: number; wgtShift: number; wgtMask: number };

  constructor(readonly t: VtaTarget, private readonly dram: Uint8Array) {
    const d = t.uop.depth;
    this.dst = new Int32Array(d);
    this.src = new Int32Array(d);
    this.wgt = new Int32Array(d);
    this.loaded = new Uint8Array(d);
    const l = uopLayoutFor(t);
    const mask = (f: { width: number }) => (f.width >= 32 ? -1 : (1 << f.width) - 1);
    this.fields = { dstShift: l.dst.offset, dstMask: mask(l.dst), srcShift: l.src.offset, srcMask: mask(l.src), wgtShift: l.wgt.offset, wgtMask: mask(l.wgt) };
  }

  /** Applies a LOAD UOP (padding loads zero micro-ops, as fsim does). */
  load(insn: Insn): void {
    const X = insn.x_pad_0 + insn.x_size + insn.x_pad_1;
    let row = insn.sram_base;
    row = this.zeros(row, insn.y_pad_0 * X);
    for (let y = 0; y < insn.y_size; y++) {
      row = this.zeros(row, insn.x_pad_0);
      for (let x = 0; x < insn.x_size; x++) {
        const byte = (insn.dram_base + y * insn.x_stride + x) * 4;
        if (byte + 4 <= this.dram.length) this.put(row, byte);
        else this.zeros(row, 1);
        row++;
      }
      row = this.zeros(row, insn.x_pad_1);
    }
    this.zeros(row, insn.y_pad_1 * X);
  }

  /** Writes `n` zero micro-ops from `row` on; returns the row after them. */
  private zeros(row: number, n: number): number {
    for (let k = 0; k < n; k++, row++) {
      if (row >= this.t.uop.depth) continue;
      this.dst[row] = 0;
      this.src[row] = 0;
      this.wgt[row] = 0;
      this.loaded[row] = 1;
    }
    return row;
  }

  /** Writes the micro-op at DRAM byte `byte` to `row` (what decodeUop reads, without an object). */
  private put(row: number, byte: number): void {
    if (row >= this.t.uop.depth) return;
    const d = this.dram;
    const word = (d[byte]! | (d[byte + 1]! << 8) | (d[byte + 2]! << 16) | (d[byte + 3]! << 24)) >>> 0;
    const f = this.fields;
    this.dst[row] = (word >>> f.dstShift) & f.dstMask;
    this.src[row] = (word >>> f.srcShift) & f.srcMask;
    this.wgt[row] = (word >>> f.wgtShift) & f.wgtMask;
    this.loaded[row] = 1;
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
  // A typed array sorts numbers natively, several times faster than a comparator.
  const sorted = Float64Array.from(vals).sort();
  const rows: number[] = [];
  for (let k = 0; k < sorted.length; k++) {
    const v = sorted[k]!;
    const last = rows.length - 1;
    if (last >= 0 && v <= rows[last]!) {
      if (v === rows[last]) rows[last] = v + 1;
      continue;
    }
    rows.push(v, v + 1);
  }
  return rows;
}

function ascending(a: number, b: number): number {
  return a - b;
}

/** {b + s : s in offsets, b + s < depth} as intervals, for offsets already sorted and distinct. */
function shiftedIntervals(b: number, offsets: number[], depth: number): number[] {
  const rows: number[] = [];
  for (let k = 0; k < offsets.length; k++) {
    const r = b + offsets[k]!;
    if (r >= depth) break;
    const last = rows.length - 1;
    if (last >= 0 && r === rows[last]) rows[last] = r + 1;
    else rows.push(r, r + 1);
  }
  return rows;
}

/** {k·step : k < n, k·step < limit}: sorted and distinct as generated when step > 0 or n = 1. */
function progression(n: number, step: number, limit: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = k * step;
    if (v >= limit) break;
    out.push(v);
  }
  return out;
}

/** Offsets {i·fo + j·fi} below `limit`, deduplicated and sorted. */
function loopOffsets(iterOut: number, fo: number, iterIn: number, fi: number, limit: number): number[] {
  const iMax = fo === 0 ? Math.min(iterOut, 1) : Math.min(iterOut, Math.ceil(limit / fo));
  const jMax = fi === 0 ? Math.min(iterIn, 1) : Math.min(iterIn, Math.ceil(limit / fi));
  // The common case: at most one of the loops moves, so nothing needs sorting.
  if (iMax <= 0 || jMax <= 0) return [];
  if (jMax === 1 && (fo > 0 || iMax === 1)) return progression(iMax, fo, limit);
  if (iMax === 1 && fi > 0) return progression(jMax, fi, limit);
  const out: number[] = [];
  if (iMax * jMax <= SMALL) {
    for (let i = 0; i < iMax; i++) {
      const base = i * fo;
      for (let j = 0; j < jMax; j++) {
        const v = base + j * fi;
        if (v < limit) out.push(v);
      }
    }
    out.sort(ascending);
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
  return out.sort(ascending);
}

/**
 * How many consecutive offsets {0, 1, …, n-1} the loop nest {i·fo + j·fi} makes, or -1
 * when its offsets are not consecutive from 0 (GEMM/ALU loops mostly step by 0 or 1).
 */
function consecutiveOffsets(iterOut: number, fo: number, iterIn: number, fi: number): number {
  const outer = fo === 0 ? 1 : iterOut;
  const inner = fi === 0 ? 1 : iterIn;
  if (outer === 1 && inner === 1) return 1;
  if (outer === 1 && fi === 1) return inner;
  if (inner === 1 && fo === 1) return outer;
  if (fi === 1 && fo === inner) return outer * inner;
  return -1;
}

/**
 * Rows {idx[u] + i·fo + j·fi}: exact within the buffer; rows past the end only
 * matter through `max`, which bounds checks report.
 */
export function loopRows(idx: number[], iterOut: number, fo: number, iterIn: number, fi: number, depth: number, buf: BufferName, write: boolean, role: string): RowAccess {
  if (idx.length === 0 || iterOut === 0 || iterIn === 0) return { buf, write, rows: [], min: 0, max: -1, role };
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of idx) {
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  const max = hi + (iterOut - 1) * fo + (iterIn - 1) * fi;
  if (idx.length === 1) {
    // One micro-op over consecutive offsets: one interval, without listing the offsets.
    const n = consecutiveOffsets(iterOut, fo, iterIn, fi);
    if (n > 0) return { buf, write, rows: lo < depth ? [lo, Math.min(lo + n, depth)] : [], min: lo, max, role };
  }
  const offsets = loopOffsets(iterOut, fo, iterIn, fi, depth);
  if (idx.length === 1) return { buf, write, rows: shiftedIntervals(idx[0]!, offsets, depth), min: lo, max, role };
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

/** The `role` of each access: built once, not per instruction. */
const LOAD_ROLE: Record<BufferName, string> = { inp: 'LOAD writes INP rows', wgt: 'LOAD writes WGT rows', acc: 'LOAD writes ACC rows', uop: 'LOAD writes UOP rows' };
const ROLE = {
  GEMM: { uops: 'GEMM reads micro-ops', dst: 'GEMM writes ACC rows' },
  ALU: { uops: 'ALU reads micro-ops', dst: 'ALU writes ACC rows' },
} as const;

/** The same rows as `a`, read instead of written. */
function readOf(a: RowAccess, role: string): RowAccess {
  return { buf: a.buf, write: false, rows: a.rows, min: a.min, max: a.max, role };
}

const dstScratch: number[] = [];
const srcScratch: number[] = [];
const wgtScratch: number[] = [];

/** Every SRAM access of one instruction. `uops` must reflect the loads before it. */
export function insnAccesses(t: VtaTarget, insn: Insn, uops: UopShadow): RowAccess[] {
  switch (insn.opcode) {
    case Opcode.LOAD: {
      if (isNop(insn)) return [];
      const rows = (insn.y_pad_0 + insn.y_size + insn.y_pad_1) * (insn.x_pad_0 + insn.x_size + insn.x_pad_1);
      const buf: BufferName | undefined = insn.memory_type === MemType.INP ? 'inp' : insn.memory_type === MemType.WGT ? 'wgt'
        : insn.memory_type === MemType.ACC || insn.memory_type === MemType.ACC_8BIT ? 'acc' : insn.memory_type === MemType.UOP ? 'uop' : undefined;
      if (!buf) return [];
      return [interval(insn.sram_base, insn.sram_base + rows, buf, true, LOAD_ROLE[buf])];
    }
    case Opcode.STORE: {
      if (isNop(insn)) return [];
      return [interval(insn.sram_base, insn.sram_base + insn.y_size * insn.x_size, 'acc', false, 'STORE reads ACC rows')];
    }
    case Opcode.GEMM:
    case Opcode.ALU: {
      const gemm = insn.opcode === Opcode.GEMM;
      const role = gemm ? ROLE.GEMM : ROLE.ALU;
      const acc = [] as RowAccess[];
      const bgn = insn.uop_bgn;
      const end = Math.max(bgn, insn.uop_end);
      acc.push(interval(bgn, end, 'uop', false, role.uops));
      // The micro-ops' indices go to reused lists (loopRows keeps none of them).
      const dst = dstScratch, src = srcScratch, wgt = wgtScratch;
      const ud = t.uop.depth;
      let n = 0;
      for (let u = bgn; u < end && u < ud; u++, n++) {
        dst[n] = uops.dst[u]!;
        src[n] = uops.src[u]!;
        wgt[n] = uops.wgt[u]!;
      }
      dst.length = src.length = wgt.length = n;
      const io = insn.iter_out;
      const ii = insn.iter_in;
      const accDepth = t.acc.depth;
      const dstRows = loopRows(dst, io, insn.dst_factor_out, ii, insn.dst_factor_in, accDepth, 'acc', true, role.dst);
      acc.push(dstRows);
      if (gemm) {
        if (!insn.reset_reg) {
          acc.push(readOf(dstRows, 'GEMM accumulates into ACC rows'));
          acc.push(loopRows(src, io, insn.src_factor_out, ii, insn.src_factor_in, t.inp.depth, 'inp', false, 'GEMM reads INP rows'));
          acc.push(loopRows(wgt, io, insn.wgt_factor_out, ii, insn.wgt_factor_in, t.wgt.depth, 'wgt', false, 'GEMM reads WGT rows'));
        }
      } else {
        acc.push(readOf(dstRows, 'ALU reads its destination ACC rows'));
        if (!insn.use_imm) acc.push(loopRows(src, io, insn.src_factor_out, ii, insn.src_factor_in, accDepth, 'acc', false, 'ALU reads source ACC rows'));
        else {
          // Immediate mode still computes the source index and the hardware and fsim read
          // that row (the value is unused): its range is bounds-checked, but no row is
          // read as data (no uninitialised-read or hazard findings).
          const s = loopRows(src, io, insn.src_factor_out, ii, insn.src_factor_in, accDepth, 'acc', false, 'ALU (immediate mode) computes source ACC rows');
          acc.push({ ...s, rows: [] });
        }
      }
      return acc;
    }
    default:
      return [];
  }
}
