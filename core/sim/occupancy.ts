/**
 * Buffer occupancy over time: a row is live from the moment it is written until the
 * end of the last instruction that reads that value (a value written and never read
 * is never live). Computed after the run from the trace's row accesses (hulls of
 * the rows touched, so an estimate for scattered accesses), and averaged into a
 * bounded number of time buckets so the series stays small on long runs.
 */
import type { BufferName } from './exec';
import { BUFFER_NAMES } from './exec';
import type { TraceAccess } from './trace';

export interface OccupancySeries {
  buffer: BufferName;
  depth: number;
  /** Time units per point; point k covers [k·bucket, (k+1)·bucket). */
  bucket: number;
  /** Average live rows in each bucket. */
  live: number[];
  /** Largest bucket average (exact peak when bucket = 1). */
  peak: number;
}

/**
 * The liveness rule, once for every view of it: calls `visit(row, start, end)` for each
 * span in which a row of `buffer` holds a value that is read later — from its write
 * (or, for a read-modify-write, its first access) to the end of the last read of that
 * value. Rows past `depth` are ignored.
 */
export function liveIntervals(
  accesses: readonly TraceAccess[],
  buffer: BufferName,
  depth: number,
  visit: (row: number, start: number, end: number) => void,
): void {
  const writeT = new Float64Array(depth).fill(-1);
  const readEnd = new Float64Array(depth).fill(-1);
  const close = (r: number) => {
    if (writeT[r]! >= 0 && readEnd[r]! > writeT[r]!) visit(r, writeT[r]!, readEnd[r]!);
  };
  for (const a of accesses) {
    if (a.buffer !== buffer) continue;
    const hi = Math.min(a.hi, depth);
    for (let r = Math.max(0, a.lo); r < hi; r++) {
      if (a.kind === 'write') {
        close(r);
        writeT[r] = a.start;
        readEnd[r] = -1;
      } else if (a.kind === 'read') {
        if (writeT[r]! >= 0 && a.end > readEnd[r]!) readEnd[r] = a.end;
      } else {
        if (writeT[r]! < 0) writeT[r] = a.start;
        if (a.end > readEnd[r]!) readEnd[r] = a.end;
      }
    }
  }
  for (let r = 0; r < depth; r++) close(r);
}

export function computeOccupancy(
  accesses: readonly TraceAccess[],
  depths: Record<BufferName, number>,
  endTime: number,
  maxPoints = 512,
): OccupancySeries[] {
  const span = Math.max(1, Math.ceil(endTime));
  const bucket = Math.max(1, Math.ceil(span / maxPoints));
  const points = Math.ceil(span / bucket);
  return BUFFER_NAMES.map((buffer) => {
    const depth = depths[buffer];
    const area = new Float64Array(points + 1);
    const full = new Float64Array(points + 2);
    const add = (s: number, e: number) => {
      const bs = Math.floor(s / bucket),
        be = Math.floor(e / bucket);
      if (bs >= points) return;
      if (bs === be) {
        area[bs] += e - s;
        return;
      }
      area[bs] += (bs + 1) * bucket - s;
      if (be < points) area[be] += e - be * bucket;
      full[bs + 1] += bucket;
      full[Math.min(be, points)] -= bucket;
    };
    liveIntervals(accesses, buffer, depth, (_row, s, e) => add(s, Math.min(e, span)));
    const live: number[] = [];
    let run = 0,
      peak = 0;
    for (let k = 0; k < points; k++) {
      run += full[k]!;
      const v = (area[k]! + run) / bucket;
      const rounded = Math.round(v * 100) / 100;
      live.push(rounded);
      if (rounded > peak) peak = rounded;
    }
    return { buffer, depth, bucket, live, peak };
  });
}
