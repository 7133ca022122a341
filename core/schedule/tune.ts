/**
 * Auto-scheduling with the timing model: every schedule of a layer that lints clean
 * (tiles that divide in whole blocks, thread counts that divide the tiles, buffers that
 * hold one tile per thread, fields that fit), ranked by the model's cycles.
 *
 * The model runs on few of them. Every candidate has two lower bounds that cost
 * nothing to compute: the GEMM's micro-op iterations at the model's interval (the same
 * for every tiling of a layer), and its DRAM bytes at one bus beat per cycle on each of
 * the load and store ports (these depend on the tile: smaller tiles re-read more
 * input halo and weights). Candidates are visited in order of that bound, and the
 * search stops once the bound reaches the k-th best time found, so that what it returns
 * is exactly what running the model on every candidate would have returned.
 */
import type { VtaTarget } from '../isa/config';
import { timingParamsFor } from '../sim/timing-params';
import { figuresWithKnobs } from './estimate';
import { divisors, tileRows, wholeBlockDivisors, type LayerFigures } from './footprint';
import type { Layer } from './layer';

export type Tile = Layer['tile'];
export type Threads = Layer['threads'];

export interface Knobs {
  tile: Tile;
  threads: Threads;
}

/** What the timing model says of one schedule of a layer. */
export interface ScheduleEstimate {
  cycles: number;
  /** Busy GEMM cycles / all cycles. */
  gemmUtilisation: number;
}

/** Runs the timing model on a layer with its knobs (figures from a clean lint); undefined when it cannot. */
export type LayerEstimator = (f: LayerFigures, t: VtaTarget) => ScheduleEstimate | undefined;

export interface TunedSchedule extends Knobs {
  cycles: number;
  microseconds: number;
  gemmUtilisation: number;
}

export interface LayerTuning {
  layer: string;
  /** Schedules that lint clean on this target. */
  candidates: number;
  /** Of those, how many the timing model ran (the rest were pruned by their lower bound). */
  estimated: number;
  /** The layer's own knobs, when they lint clean here. */
  baseline: { cycles: number } | null;
  best: TunedSchedule | undefined;
  /** The fastest schedules, best first (at most `top`). */
  top: TunedSchedule[];
}

export interface TuneOptions {
  /** How many of the fastest to keep (default 5). */
  top?: number;
  /** Largest virtual-thread count tried on each axis (default 2, as TVM's VTA schedules). */
  maxThreads?: number;
  /** Polled between estimates. */
  isCancelled?: () => boolean;
}

/** The figures of a layer with these knobs when they lint clean on `t` and can be lowered, else undefined. */
function cleanFigures(l: Layer, t: VtaTarget, k?: Knobs): LayerFigures | undefined {
  const f = figuresWithKnobs(l, t, k);
  return 'errors' in f ? undefined : f;
}

/**
 * Every tiling and thread count of the layer that lints clean on `t`, with the lint's
 * figures. Buffer fit is tested first from the tile's rows, which is cheap, so the
 * full lint runs only on schedules that fit.
 */
export function cleanSchedules(l: Layer, t: VtaTarget, maxThreads = 2): LayerFigures[] {
  const all = Number.MAX_SAFE_INTEGER;
  const perGroupIn = l.inChannels / l.groups;
  const perGroupOut = l.outChannels / l.groups;
  if (l.batch % t.batch || perGroupIn % t.blockIn || perGroupOut % t.blockOut) return [];
  const bs = wholeBlockDivisors(l.batch, t.batch, all);
  const hs = l.op === 'dense' ? [1] : divisors(l.outH, all);
  const ws = l.op === 'dense' ? [1] : divisors(l.outW, all);
  const cis = wholeBlockDivisors(perGroupIn, t.blockIn, all);
  const cos = wholeBlockDivisors(perGroupOut, t.blockOut, all);
  const threadCounts = divisors(maxThreads, all);
  const depth = { INP: t.inp.depth, WGT: t.wgt.depth, ACC: t.acc.depth, UOP: t.uop.depth };
  const out: LayerFigures[] = [];
  for (const b of bs)
    for (const h of hs)
      for (const w of ws)
        for (const ci of cis)
          for (const co of cos) {
            const tile = { b, h, w, ci, co };
            const rows = tileRows(l, t, tile);
            for (const oc of threadCounts)
              for (const th of l.op === 'dense' ? [1] : threadCounts) {
                const n = oc * th;
                if (
                  rows.INP * n > depth.INP ||
                  rows.WGT * n > depth.WGT ||
                  rows.ACC * n > depth.ACC ||
                  rows.UOP * n > depth.UOP
                )
                  continue;
                const f = cleanFigures(l, t, { tile, threads: { oc, h: th } });
                if (f) out.push(f);
              }
          }
  return out;
}

/**
 * Cycles no schedule with these figures can beat in the timing model (see the file's
 * comment). The compute module runs its instructions one after another, each for its
 * setup, its micro-op iterations and its pipeline latency, then a gap: so its time is at
 * least the GEMM iterations plus, per GEMM and epilogue instruction, those overheads.
 * The counts are the lowering's (lower-layer.ts): per output tile a reset GEMM and one
 * ALU instruction per epilogue step, per input-channel step one GEMM per batch block,
 * input-channel block and kernel position (a transposed convolution skips some of those,
 * so only its iterations count).
 */
export function cyclesLowerBound(f: LayerFigures, t: VtaTarget): number {
  const p = timingParamsFor(t);
  const l = f.layer;
  const tr = f.traffic;
  let compute = f.gemmIterations * p.gemmInterval;
  if (l.op !== 'conv2d_transpose') {
    const perGemm = p.gemmSetup + p.gemmLatency + p.insnGap;
    const perAlu = p.aluSetup + p.aluLatency + p.insnGap;
    const gemms = f.tiles.output * f.tiles.ci * (l.tile.b / t.batch) * (l.tile.ci / t.blockIn) * l.kh * l.kw;
    compute += gemms * perGemm + f.tiles.output * (perGemm + l.epilogue.length * perAlu);
  }
  return Math.max(compute, Math.ceil((tr.input + tr.weight) / p.busBytes), Math.ceil(tr.output / p.busBytes));
}

function knobsOf(f: LayerFigures): Knobs {
  return { tile: { ...f.layer.tile }, threads: { ...f.layer.threads } };
}

/**
 * The fastest schedules of one layer on `t`, with the estimator that ranks them. The
 * layer's own knobs are the baseline when they lint clean.
 */
export function tuneLayer(l: Layer, t: VtaTarget, estimate: LayerEstimator, opts: TuneOptions = {}): LayerTuning {
  const keep = Math.max(1, opts.top ?? 5);
  const candidates = cleanSchedules(l, t, opts.maxThreads ?? 2)
    .map((f) => ({ f, bound: cyclesLowerBound(f, t) }))
    .sort((a, b) => a.bound - b.bound);
  const clock = timingParamsFor(t).clockMHz;
  const ranked: TunedSchedule[] = [];
  let estimated = 0;
  const same = (a: Knobs, b: Knobs) =>
    (Object.keys(a.tile) as Array<keyof Tile>).every((k) => a.tile[k] === b.tile[k]) &&
    a.threads.oc === b.threads.oc &&
    a.threads.h === b.threads.h;
  const own = cleanFigures(l, t);
  let baseline: { cycles: number } | null = null;
  const consider = (f: LayerFigures) => {
    const e = estimate(f, t);
    estimated++;
    if (!e) return undefined;
    const s: TunedSchedule = {
      ...knobsOf(f),
      cycles: e.cycles,
      microseconds: e.cycles / clock,
      gemmUtilisation: e.gemmUtilisation,
    };
    ranked.push(s);
    ranked.sort((a, b) => a.cycles - b.cycles);
    if (ranked.length > keep) ranked.pop();
    return s;
  };
  if (own) {
    const s = consider(own);
    if (s) baseline = { cycles: s.cycles };
  }
  for (const c of candidates) {
    if (opts.isCancelled?.()) break;
    if (ranked.length >= keep && c.bound >= ranked[ranked.length - 1]!.cycles) break;
    if (own && same(knobsOf(c.f), knobsOf(own))) continue;
    consider(c.f);
  }
  return { layer: l.name, candidates: candidates.length, estimated, baseline, best: ranked[0], top: ranked };
}
