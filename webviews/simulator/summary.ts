/**
 * Per-zoom-level coverage summaries for the timeline. For one row (a lane's bars, a
 * lane's stalls, the DRAM bus) and each power-of-two bucket size, a byte per time
 * bucket: 0 if nothing covers any of it, otherwise the code (colour) that covers most
 * of it (summed over its intervals), so a mixed stretch shows its dominant kind
 * rather than whichever happened to start first in each pixel. A frame showing much of a long run then reads at
 * most a few buckets per pixel column instead of visiting every interval, so it costs
 * about the canvas width whatever the run's length.
 */

/** Base buckets at most this many: finer zoom levels draw the intervals themselves. */
const MAX_BASE_BUCKETS = 1 << 16;

export class CoverageSummary {
  /** levels[i]: bucket size `base · 2^i` time units. */
  readonly levels: Uint8Array[] = [];
  readonly base: number;

  /**
   * `start`/`end`: the intervals (any order); `code(k)`: 1..`codes`, the colour of interval k.
   * `extent`: the last time of the run.
   */
  constructor(
    start: ArrayLike<number>,
    end: ArrayLike<number>,
    code: (k: number) => number,
    codes: number,
    extent: number,
  ) {
    const ext = Math.max(extent, 1);
    this.base = 2 ** Math.max(0, Math.ceil(Math.log2(ext / MAX_BASE_BUCKETS)));
    let n = Math.ceil(ext / this.base) + 1;
    const b0 = this.base;
    // Time covered per bucket and code (row-major by bucket); a zero-length interval counts a little.
    let cov = new Float64Array(n * codes);
    for (let k = 0; k < start.length; k++) {
      const s = start[k]!,
        e = end[k]!;
      const j0 = Math.min(n - 1, Math.max(0, Math.floor(s / b0)));
      const j1 = Math.min(n - 1, Math.max(j0, Math.ceil(e / b0) - 1));
      const c = Math.min(Math.max(code(k), 1), codes) - 1;
      for (let j = j0; j <= j1; j++)
        cov[j * codes + c]! += Math.max(Math.min(e, (j + 1) * b0) - Math.max(s, j * b0), 1e-6);
    }
    for (;;) {
      const a = new Uint8Array(n);
      for (let j = 0; j < n; j++) {
        let best = 0,
          bestC = 0;
        for (let c = 0; c < codes; c++) {
          const v = cov[j * codes + c]!;
          if (v > best) {
            best = v;
            bestC = c + 1;
          }
        }
        a[j] = bestC;
      }
      this.levels.push(a);
      if (n <= 1) break;
      const m = (n + 1) >> 1;
      const next = new Float64Array(m * codes);
      for (let j = 0; j < n; j++) for (let c = 0; c < codes; c++) next[(j >> 1) * codes + c]! += cov[j * codes + c]!;
      cov = next;
      n = m;
    }
  }

  /** Whether a view with `timePerPx` time units per pixel can be drawn from the summary. */
  covers(timePerPx: number): boolean {
    return timePerPx >= this.base;
  }

  /**
   * Calls `run(px0, px1, code)` for each maximal run of plot columns [px0, px1) with the
   * same non-zero code, for a plot `pw` columns wide showing [v0, v1). A column is
   * covered if any interval covers part of it (to within one bucket, at most one column).
   * Returns the number of runs.
   */
  runs(v0: number, v1: number, pw: number, run: (px0: number, px1: number, code: number) => void): number {
    const tp = (v1 - v0) / pw;
    const li = Math.min(this.levels.length - 1, Math.max(0, Math.floor(Math.log2(tp / this.base))));
    const a = this.levels[li]!;
    const bs = this.base * 2 ** li;
    const cols = Math.ceil(pw);
    let runCode = 0,
      runStart = 0,
      count = 0;
    for (let px = 0; px <= cols; px++) {
      let c = 0;
      if (px < cols) {
        const ta = v0 + px * tp,
          tb = ta + tp;
        if (tb > 0) {
          const j0 = Math.max(0, Math.floor(ta / bs)),
            j1 = Math.min(a.length - 1, Math.ceil(tb / bs) - 1);
          for (let j = j0; j <= j1; j++)
            if (a[j] !== 0) {
              c = a[j]!;
              break;
            }
        }
      }
      if (c === runCode) continue;
      if (runCode !== 0) {
        run(runStart, px, runCode);
        count++;
      }
      runCode = c;
      runStart = px;
    }
    return count;
  }
}

/** First k with a[k] > x in an increasing array. */
export function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
