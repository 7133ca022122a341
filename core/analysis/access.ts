/**
 * Which SRAM rows each instruction reads and writes, exactly: from sizes and padding
 * for LOAD/STORE, and from the loop nest over the micro-ops for GEMM/ALU. Shared by
 * the bounds, uninitialised-read and hazard checks.
 */
import type { Insn, VtaTarget } from '../isa';
import { MemType, Opcode, isNop, uopLayoutFor } from '../isa';
import { RowBits } from './row-bits';

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
  /**
   * `rows` is only the interval from the first row to the last (listing them exactly
   * would cost too much): right for bounds, too wide for reads and hazards.
   */
  approx?: boolean;
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
  private readonly fields: {
    dstShift: number;
    dstMask: number;
    srcShift: number;
    srcMask: number;
    wgtShift: number;
    wgtMask: number;
  };

  constructor(
    readonly t: VtaTarget,
    private readonly dram: Uint8Array,
  ) {
    const d = t.uop.depth;
    this.dst = new Int32Array(d);
    this.src = new Int32Array(d);
    this.wgt = new Int32Array(d);
    this.loaded = new Uint8Array(d);
    const l = uopLayoutFor(t);
    const mask = (f: { width: number }) => (f.width >= 32 ? -1 : (1 << f.width) - 1);
    this.fields = {
      dstShift: l.dst.offset,
      dstMask: mask(l.dst),
      srcShift: l.src.offset,
      srcMask: mask(l.src),
      wgtShift: l.wgt.offset,
      wgtMask: mask(l.wgt),
    };
  }

  /**
   * Applies a LOAD UOP (padding loads zero micro-ops, as fsim does). Only rows inside
   * the buffer are visited: a load that runs past its end costs no more than the depth
   * (and its rows, at most y_size loop turns), which is what it adds to `work`.
   */
  load(insn: Insn, work?: Work): void {
    const depth = this.t.uop.depth;
    if (work)
      work.units +=
        Math.min(depth, (insn.y_pad_0 + insn.y_size + insn.y_pad_1) * (insn.x_pad_0 + insn.x_size + insn.x_pad_1)) +
        insn.y_size;
    const X = insn.x_pad_0 + insn.x_size + insn.x_pad_1;
    let row = this.zeros(insn.sram_base, insn.y_pad_0 * X);
    for (let y = 0; y < insn.y_size && row < depth; y++) {
      row = this.zeros(row, insn.x_pad_0);
      const n = Math.min(insn.x_size, Math.max(0, depth - row));
      for (let x = 0; x < n; x++) {
        const byte = (insn.dram_base + y * insn.x_stride + x) * 4;
        if (byte + 4 <= this.dram.length) this.put(row + x, byte);
        else this.zeros(row + x, 1);
      }
      row += insn.x_size;
      row = this.zeros(row, insn.x_pad_1);
    }
    this.zeros(row, insn.y_pad_1 * X);
  }

  /** Writes `n` zero micro-ops from `row` on (those inside the buffer); returns the row after them. */
  private zeros(row: number, n: number): number {
    const end = Math.min(row + n, this.t.uop.depth);
    if (end > row) {
      this.dst.fill(0, row, end);
      this.src.fill(0, row, end);
      this.wgt.fill(0, row, end);
      this.loaded.fill(1, row, end);
    }
    return row + n;
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

/** Below this many candidate rows, listing and sorting beats a bitset. */
const SMALL = 4096;
/**
 * Past this many bitset word operations for one access, its rows are summarised as the
 * interval from its first to its last row (`approx`). Only buffers far deeper than VTA's
 * (2^16 rows and more) get there: a default-target access costs at most 2^17.
 */
const EXACT_WORK = 1 << 22;

/** Work spent computing row sets, in row or word operations, for a caller's budget. */
export interface Work {
  units: number;
}

/**
 * The row and word operations one analysis may spend on one program (well under a
 * second) before it stops and says what it did not analyse: the work grows with the
 * instructions and the rows they move, and a program can have two million of each.
 */
export const ROW_WORK_BUDGET = 60_000_000;

/** How many of the access's rows lie inside the buffer. */
export function rowsInside(a: RowAccess, depth: number): number {
  let n = 0;
  for (let k = 0; k < a.rows.length; k += 2)
    n += Math.max(0, Math.min(a.rows[k + 1]!, depth) - Math.max(0, a.rows[k]!));
  return n;
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

/**
 * Offsets {i·fo + j·fi} below `limit`, deduplicated and sorted; undefined when listing
 * them exactly would cost more than EXACT_WORK.
 */
function loopOffsets(
  iterOut: number,
  fo: number,
  iterIn: number,
  fi: number,
  limit: number,
  work: Work,
): number[] | undefined {
  const iMax = fo === 0 ? Math.min(iterOut, 1) : Math.min(iterOut, Math.ceil(limit / fo));
  const jMax = fi === 0 ? Math.min(iterIn, 1) : Math.min(iterIn, Math.ceil(limit / fi));
  // The common case: at most one of the loops moves, so nothing needs sorting.
  if (iMax <= 0 || jMax <= 0) return [];
  if (jMax === 1 && (fo > 0 || iMax === 1)) return progression(iMax, fo, limit);
  if (iMax === 1 && fi > 0) return progression(jMax, fi, limit);
  if (iMax * jMax <= SMALL) {
    work.units += iMax * jMax;
    const out: number[] = [];
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
  // Both loops move (fo, fi > 0, so iMax, jMax ≤ limit): the inner progression's
  // bitset, OR-ed once per outer step.
  const inner = new RowBits(limit);
  if (iMax * inner.cost > EXACT_WORK) return undefined;
  for (let j = 0; j < jMax; j++) inner.add(j * fi);
  const all = new RowBits(limit);
  for (let i = 0; i < iMax; i++) all.orShifted(inner, i * fo);
  work.units += jMax + iMax * inner.cost + limit;
  return all.list();
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

/** Distinct values of `idx` below `depth`, sorted. */
function distinctBelow(idx: number[], depth: number): number[] {
  const bits = new RowBits(depth);
  for (const b of idx) bits.add(b);
  return bits.list();
}

/**
 * Rows {idx[u] + i·fo + j·fi}: exact within the buffer (summarised as one interval,
 * `approx`, past EXACT_WORK); rows past the end only matter through `max`, which
 * bounds checks report. The work is bounded by the buffer's depth and the number of
 * micro-ops, never by the loop counts.
 */
export function loopRows(
  idx: number[],
  iterOut: number,
  fo: number,
  iterIn: number,
  fi: number,
  depth: number,
  buf: BufferName,
  write: boolean,
  role: string,
  work: Work = { units: 0 },
): RowAccess {
  if (idx.length === 0 || iterOut === 0 || iterIn === 0) return { buf, write, rows: [], min: 0, max: -1, role };
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of idx) {
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  work.units += idx.length;
  const max = hi + (iterOut - 1) * fo + (iterIn - 1) * fi;
  if (idx.length === 1) {
    // One micro-op over consecutive offsets: one interval, without listing the offsets.
    const n = consecutiveOffsets(iterOut, fo, iterIn, fi);
    if (n > 0) return { buf, write, rows: lo < depth ? [lo, Math.min(lo + n, depth)] : [], min: lo, max, role };
  }
  if (lo >= depth) return { buf, write, rows: [], min: lo, max, role };
  // Offsets that put the lowest micro-op's row past the end put every row there.
  const offsets = loopOffsets(iterOut, fo, iterIn, fi, depth - lo, work);
  const hull = (): RowAccess => ({
    buf,
    write,
    rows: [lo, Math.min(max + 1, depth)],
    min: lo,
    max,
    role,
    approx: true,
  });
  if (!offsets) return hull();
  work.units += offsets.length;
  if (idx.length === 1) return { buf, write, rows: shiftedIntervals(idx[0]!, offsets, depth), min: lo, max, role };
  if (idx.length * offsets.length <= SMALL) {
    work.units += idx.length * offsets.length;
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
  // The sum set as a bitset, shifting the larger set once per member of the smaller.
  const bases = distinctBelow(idx, depth);
  const out = new RowBits(depth);
  const [few, many] = bases.length <= offsets.length ? [bases, offsets] : [offsets, bases];
  if (few.length * out.cost > EXACT_WORK) return hull();
  const manyBits = new RowBits(depth);
  for (const v of many) manyBits.add(v);
  for (const s of few) out.orShifted(manyBits, s);
  work.units += depth + few.length * out.cost;
  return { buf, write, rows: out.intervals(), min: lo, max, role };
}

/** The `role` of each access: built once, not per instruction. */
const LOAD_ROLE: Record<BufferName, string> = {
  inp: 'LOAD writes INP rows',
  wgt: 'LOAD writes WGT rows',
  acc: 'LOAD writes ACC rows',
  uop: 'LOAD writes UOP rows',
};
const ROLE = {
  GEMM: { uops: 'GEMM reads micro-ops', dst: 'GEMM writes ACC rows' },
  ALU: { uops: 'ALU reads micro-ops', dst: 'ALU writes ACC rows' },
} as const;

/** The same rows as `a`, read instead of written. */
function readOf(a: RowAccess, role: string): RowAccess {
  const r: RowAccess = { buf: a.buf, write: false, rows: a.rows, min: a.min, max: a.max, role };
  if (a.approx) r.approx = true;
  return r;
}

const dstScratch: number[] = [];
const srcScratch: number[] = [];
const wgtScratch: number[] = [];

/**
 * Every SRAM access of one instruction. `uops` must reflect the loads before it; the
 * work it took is added to `work`.
 */
export function insnAccesses(t: VtaTarget, insn: Insn, uops: UopShadow, work: Work = { units: 0 }): RowAccess[] {
  switch (insn.opcode) {
    case Opcode.LOAD: {
      if (isNop(insn)) return [];
      const rows = (insn.y_pad_0 + insn.y_size + insn.y_pad_1) * (insn.x_pad_0 + insn.x_size + insn.x_pad_1);
      const buf: BufferName | undefined =
        insn.memory_type === MemType.INP
          ? 'inp'
          : insn.memory_type === MemType.WGT
            ? 'wgt'
            : insn.memory_type === MemType.ACC || insn.memory_type === MemType.ACC_8BIT
              ? 'acc'
              : insn.memory_type === MemType.UOP
                ? 'uop'
                : undefined;
      if (!buf) return [];
      return [interval(insn.sram_base, insn.sram_base + rows, buf, true, LOAD_ROLE[buf])];
    }
    case Opcode.STORE: {
      if (isNop(insn)) return [];
      return [
        interval(insn.sram_base, insn.sram_base + insn.y_size * insn.x_size, 'acc', false, 'STORE reads ACC rows'),
      ];
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
      const dst = dstScratch,
        src = srcScratch,
        wgt = wgtScratch;
      const ud = t.uop.depth;
      let n = 0;
      for (let u = bgn; u < end && u < ud; u++, n++) {
        dst[n] = uops.dst[u]!;
        src[n] = uops.src[u]!;
        wgt[n] = uops.wgt[u]!;
      }
      dst.length = src.length = wgt.length = n;
      work.units += n;
      const io = insn.iter_out;
      const ii = insn.iter_in;
      const accDepth = t.acc.depth;
      const dstRows = loopRows(
        dst,
        io,
        insn.dst_factor_out,
        ii,
        insn.dst_factor_in,
        accDepth,
        'acc',
        true,
        role.dst,
        work,
      );
      acc.push(dstRows);
      if (gemm) {
        if (!insn.reset_reg) {
          acc.push(readOf(dstRows, 'GEMM accumulates into ACC rows'));
          acc.push(
            loopRows(
              src,
              io,
              insn.src_factor_out,
              ii,
              insn.src_factor_in,
              t.inp.depth,
              'inp',
              false,
              'GEMM reads INP rows',
              work,
            ),
          );
          acc.push(
            loopRows(
              wgt,
              io,
              insn.wgt_factor_out,
              ii,
              insn.wgt_factor_in,
              t.wgt.depth,
              'wgt',
              false,
              'GEMM reads WGT rows',
              work,
            ),
          );
        }
      } else {
        acc.push(readOf(dstRows, 'ALU reads its destination ACC rows'));
        if (!insn.use_imm)
          acc.push(
            loopRows(
              src,
              io,
              insn.src_factor_out,
              ii,
              insn.src_factor_in,
              accDepth,
              'acc',
              false,
              'ALU reads source ACC rows',
              work,
            ),
          );
        else {
          // Immediate mode still computes the source index and the hardware and fsim read
          // that row (the value is unused): its range is bounds-checked, but no row is
          // read as data (no uninitialised-read or hazard findings).
          const s = loopRows(
            src,
            io,
            insn.src_factor_out,
            ii,
            insn.src_factor_in,
            accDepth,
            'acc',
            false,
            'ALU (immediate mode) computes source ACC rows',
            work,
          );
          acc.push({ ...s, rows: [], approx: undefined });
        }
      }
      return acc;
    }
    default:
      return [];
  }
}
