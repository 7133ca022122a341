/** Timing helpers shared by the benchmarks. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median and best of `runs` timings in ms (the best is the least disturbed by other load). */
export function time(f: () => void, runs: number): { median: number; best: number } {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return { median: median(ts), best: Math.min(...ts) };
}

/** To 0.1 ms, for the printed figures. */
export const round = (x: { median: number; best: number }) => ({
  median: Math.round(x.median * 10) / 10,
  best: Math.round(x.best * 10) / 10,
});
