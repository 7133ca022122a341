/**
 * The timing model's estimate of one layer with given knobs, fast enough to rank
 * thousands of schedules: the layer is lowered straight to a Program (no text, no
 * tensor values, no program checks) and run timing-only. The cycles are those of the
 * full path (lower to `.vta`, assemble, check, simulate): a test holds them equal.
 *
 * ```ts
 * const lint = lintSchedule(parseSchedule(text));
 * const layer = lint.layers[0].layer;            // a layer that lints clean
 * const r = estimateLayer(layer, lint.target!, { tile: { h: 14, co: 32 }, threads: { oc: 2 } });
 * if ('errors' in r) console.log(r.errors);     // the knobs do not fit: the lint's messages
 * else console.log(r.cycles, r.microseconds, r.bound);
 * ```
 */
import type { VtaTarget } from '../isa/config';
import type { TimingParams } from '../sim/timing-params';
import { simulate } from '../sim/simulator';
import type { SimSummary } from '../sim/summary';
import { layerFigures, type LayerFigures } from './footprint';
import type { Layer } from './layer';
import { endStream, loweredLayerSize, newStream, notLowerable } from './lower';
import { lowerLayer } from './lower-layer';
import { loweredProgram } from './lowered-program';
import { StreamWriter, type LoweredStream } from './lowered-stream';

/** Tile sizes and virtual threads to try; what is not given keeps the layer's own. */
export interface LayerKnobs {
  tile?: Partial<Layer['tile']>;
  threads?: Partial<Layer['threads']>;
}

/** What limits a layer: the GEMM core, the DRAM bus, or neither (waits on tokens and latencies). */
export type LayerBound = 'compute' | 'dram' | 'latency';

export interface LayerTimeEstimate {
  /** Timing-model cycles of the target's clock (an estimate, not a measurement). */
  cycles: number;
  /** cycles at the timing row's clock. */
  microseconds: number;
  /** Useful GEMM issue cycles / all cycles. */
  gemmUtilisation: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  bound: LayerBound;
  /** Instructions of the lowered program. */
  instructions: number;
  /** The knobs' footprints and traffic, as the lint computes them. */
  figures: LayerFigures;
}

export interface EstimateOptions {
  /** Timing table row or parameters (default: the target's row). */
  timing?: string | TimingParams;
  /** Layers whose programs would be longer are refused (default 2,000,000 instructions). */
  maxInstructions?: number;
}

/**
 * The bound: the GEMM core when its issue cycles (with the ALU's) fill at least half of
 * the time and more than the bus does; the DRAM bus when it is busy at least half of the
 * time and more than the core; otherwise latency (tokens, setup, fetch).
 */
export function boundOf(s: SimSummary): LayerBound {
  const T = Math.max(s.time, 1);
  const compute = ((s.gemm.busyCycles ?? 0) + (s.alu.busyCycles ?? 0)) / T;
  const dram = (s.dram.busBusyCycles ?? 0) / T;
  if (Math.max(compute, dram) < 0.5) return 'latency';
  return compute >= dram ? 'compute' : 'dram';
}

/** The layer with the knobs applied. */
export function withKnobs(l: Layer, k: LayerKnobs = {}): Layer {
  return { ...l, tile: { ...l.tile, ...k.tile }, threads: { ...l.threads, ...k.threads } };
}

/** The layer's figures with these knobs, or the lint's errors when they do not fit the layer or the target. */
export function figuresWithKnobs(layer: Layer, t: VtaTarget, knobs?: LayerKnobs): LayerFigures | { errors: string[] } {
  const errors: string[] = [];
  const f = layerFigures(
    withKnobs(layer, knobs),
    t,
    (_r, _c, message) => errors.push(message),
    () => {},
  );
  if (errors.length || !f) return { errors: errors.length ? errors : ['the layer has no figures'] };
  const why = notLowerable(f.layer);
  return why ? { errors: [why] } : f;
}

/** One layer alone as a lowered stream, with zero values (what timing and checks need). */
export function layerStream(
  f: LayerFigures,
  t: VtaTarget,
  opts: { file: string; line?: number; values?: 'random' | 'zeros' },
): LoweredStream {
  const values = opts.values ?? 'zeros';
  const s = newStream(t.name, opts.file, values);
  const w = new StreamWriter(s);
  lowerLayer(
    f,
    t,
    {
      origin: `${opts.file}${opts.line !== undefined ? `:${opts.line + 1}` : ''}`,
      seed: 1,
      afterAnother: false,
      values,
    },
    w,
  );
  s.layers.push(f.layer.name);
  s.header[0] += `${f.layer.name}.`;
  endStream(w);
  return s;
}

/**
 * The timing-model estimate of a linted layer with the knobs applied. Pure: the same
 * inputs give the same figures. Knobs that do not lint clean give the lint's errors.
 */
export function estimateLayer(
  layer: Layer,
  t: VtaTarget,
  knobs?: LayerKnobs,
  opts: EstimateOptions = {},
): LayerTimeEstimate | { errors: string[] } {
  const f = figuresWithKnobs(layer, t, knobs);
  if ('errors' in f) return f;
  const size = loweredLayerSize(f, t);
  const max = opts.maxInstructions ?? 2_000_000;
  if (size > max)
    return {
      errors: [
        `its program would have about ${size.toLocaleString('en-US')} instructions, more than the limit of ${max.toLocaleString('en-US')}`,
      ],
    };
  const { program } = loweredProgram(layerStream(f, t, { file: 'estimate' }), t, { data: false, checkFields: false });
  const run = simulate(program, { mode: 'timing', trace: false, kernel: 'js', timing: opts.timing });
  if (run.status !== 'finished') return { errors: [`the timing run stopped: ${run.error?.message ?? run.status}`] };
  return estimateOf(run.summary, program.insns.length, f);
}

/** The figures of a finished timing run. */
export function estimateOf(s: SimSummary, instructions: number, figures: LayerFigures): LayerTimeEstimate {
  return {
    cycles: s.time,
    microseconds: s.microseconds ?? 0,
    gemmUtilisation: s.gemm.utilisation ?? 0,
    dramReadBytes: s.dram.readBytes,
    dramWriteBytes: s.dram.writeBytes,
    bound: boundOf(s),
    instructions,
    figures,
  };
}
