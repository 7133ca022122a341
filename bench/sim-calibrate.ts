/**
 * Fits the timing table's `tsim-2019` row to the TSIM cycle counts of
 * apache/tvm#3347 by coordinate descent over the integer parameters, minimising the
 * largest relative error over the eight calibration programs. Prints the fitted
 * row and the per-program figures; run it after changing the timing model, then
 * copy the figures into core/sim/timing-params.ts and docs/SIMULATOR.md.
 *
 *   node --import tsx bench/sim-calibrate.ts
 */
import { simulate, timingParamsFor } from '../core/sim';
import type { TimingParams } from '../core/sim';
import { defaultTarget } from '../core/isa';
import { TSIM_CASES, TSIM_CYCLES, tsimProgram } from '../test/fixtures/tsim/programs';

type Knob = keyof TimingParams;

const KNOBS: Array<[Knob, number, number]> = [
  ['readLatency', 1, 60],
  ['writeLatency', 0, 60],
  ['memSetup', 0, 20],
  ['memTail', 0, 20],
  ['insnGap', 0, 8],
  ['padBytesPerCycle', 1, 16],
  ['gemmInterval', 1, 10],
  ['aluImmInterval', 1, 10],
  ['aluTensorInterval', 1, 12],
  ['gemmSetup', 0, 20],
  ['gemmLatency', 0, 20],
  ['aluSetup', 0, 20],
  ['aluLatency', 0, 20],
  ['fetchChunkInsns', 1, 64],
  ['tokenLatency', 1, 8],
  ['dispatchLatency', 0, 8],
  ['nopCycles', 1, 8],
];

const programs = TSIM_CASES.map((c) => ({ c, p: tsimProgram(c) }));

export function errors(params: TimingParams): Array<{ name: string; ours: number; tsim: number; error: number }> {
  return programs.map(({ c, p }) => {
    const r = simulate(p, { mode: 'timing', timing: params, trace: false });
    const tsim = TSIM_CYCLES[c];
    return { name: c, ours: r.time, tsim, error: r.time / tsim - 1 };
  });
}

const score = (p: TimingParams) => Math.max(...errors(p).map((e) => Math.abs(e.error)));

export function calibrate(
  start: TimingParams = timingParamsFor(defaultTarget(), 'tsim-2019'),
  knobs: Knob[] = KNOBS.map((k) => k[0]),
): TimingParams {
  let best = { ...start };
  let bestScore = score(best);
  for (let round = 0; round < 8; round++) {
    let improved = false;
    for (const [k, lo, hi] of KNOBS) {
      if (!knobs.includes(k)) continue;
      for (let v = lo; v <= hi; v++) {
        const cand = { ...best, [k]: v } as TimingParams;
        const s = score(cand);
        if (s < bestScore - 1e-9) {
          best = cand;
          bestScore = s;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return best;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = timingParamsFor(defaultTarget(), 'tsim-2019');
  const fitted = calibrate(base, process.argv.slice(2).length ? (process.argv.slice(2) as Knob[]) : undefined);
  const changed = Object.fromEntries(
    Object.entries(fitted).filter(([k, v]) => (base as unknown as Record<string, unknown>)[k] !== v),
  );
  console.log('changed parameters:', changed);
  for (const e of errors(fitted))
    console.log(
      `${e.name.padEnd(12)} ours ${String(e.ours).padStart(6)}  tsim ${String(e.tsim).padStart(6)}  ${(e.error * 100).toFixed(1)}%`,
    );
}
