/**
 * A schedule's layers written as AutoTVM log lines (`vta export-autotvm`), in the form
 * TVM's `ApplyHistoryBest` reads: the target string with the model, the task and its
 * packed TENSOR arguments, the knobs as the config entity (with its index in TVM's
 * config space) and a result. A layer imported from a log (its `; autotvm {...}`
 * comment) keeps that record's input, knob pairs, index and measured result as long as
 * its workload and knobs are unchanged; a layer tuned here gets the timing model's
 * estimate as its cost.
 */
import type { VtaTarget } from '../isa/config';
import { modelStringOf } from '../isa/model-string';
import type { SchedFile, SchedOperator } from './ast';
import { AUTOTVM_COMMENT } from './autotvm-import';
import { knobAxes, outputSize, parseAutotvmLog, type AutotvmRecord, type AutotvmTask, type Workload } from './autotvm';
import { readLayer, type Layer } from './layer';

export interface ExportOptions {
  /** The timing model's estimate of a layer, in seconds, for layers changed since their import. */
  estimateSeconds?: (layer: string) => number | undefined;
  /** Seconds since 1970 for the records' timestamps. */
  now: number;
}

export interface ExportedLog {
  lines: string[];
  /** Layers not written, each with why. */
  problems: Array<{ layer: string; line: number; message: string }>;
}

/** The cost written for a layer changed here and not estimated: any measured record wins over it. */
export const UNESTIMATED_SECONDS = 1;

function taskOf(w: Workload): AutotvmTask {
  if (w.op === 'dense') return 'dense_packed.vta';
  if (w.op === 'conv2d_transpose') return 'conv2d_transpose_packed.vta';
  return w.groups > 1 ? 'group_conv2d_packed.vta' : 'conv2d_packed.vta';
}

/** Packed TENSOR arguments of a workload (data NCHWnc, kernel OIHWoi). */
export function taskArgs(w: Workload, t: VtaTarget): unknown[] {
  const B = t.batch,
    BI = t.blockIn,
    BO = t.blockOut;
  const tensor = (dims: number[]) => ['TENSOR', dims, 'int8'];
  if (w.op === 'dense') {
    return [
      tensor([w.batch / B, w.inChannels / BI, B, BI]),
      tensor([w.outChannels / BO, w.inChannels / BI, BO, BI]),
      null,
      'int32',
    ];
  }
  const data = tensor([w.batch / B, w.inChannels / BI, w.inH, w.inW, B, BI]);
  const kernel = tensor([w.outChannels / BO, w.inChannels / w.groups / BI, w.kh, w.kw, BO, BI]);
  const strides = [w.strideH, w.strideW];
  const padding = [w.padH, w.padW, w.padH, w.padW];
  if (w.op === 'conv2d_transpose') return [data, kernel, strides, padding, 'int32', [0, 0]];
  if (w.groups > 1) return [data, kernel, strides, padding, [1, 1], w.groups, 'int32'];
  return [data, kernel, strides, padding, [1, 1], `NCHW${B}n${BI}c`, 'int32'];
}

type Knobs = AutotvmRecord['knobs'];

const SPLIT_ORDER = ['tile_b', 'tile_h', 'tile_w', 'tile_ci', 'tile_co'] as const;

/** The knobs a layer's tile and threads give, in TVM's units, with outer factors from the axis lengths. */
export function layerKnobs(w: Workload, tile: Layer['tile'], threads: Layer['threads'], t: VtaTarget): Knobs {
  const axes = knobAxes(w, t);
  const inner = {
    tile_b: tile.b / t.batch,
    tile_h: tile.h,
    tile_w: tile.w,
    tile_ci: tile.ci / t.blockIn,
    tile_co: tile.co / t.blockOut,
  };
  const split = (k: (typeof SPLIT_ORDER)[number]): [number, number] => [
    axes[k] % inner[k] === 0 ? axes[k] / inner[k] : -1,
    inner[k],
  ];
  if (w.op === 'dense')
    return { tile_b: split('tile_b'), tile_ci: split('tile_ci'), tile_co: split('tile_co'), oc_nthread: threads.oc };
  return {
    tile_b: split('tile_b'),
    tile_h: split('tile_h'),
    tile_w: split('tile_w'),
    tile_ci: split('tile_ci'),
    tile_co: split('tile_co'),
    oc_nthread: threads.oc,
    h_nthread: threads.h,
  };
}

function divisorsOf(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/**
 * The config's index in TVM's space: knobs in definition order, the first varying
 * fastest; a two-way split's choices are the axis length's divisors as inner factor,
 * ascending; a thread knob's choices are [1, 2]. Undefined when a value is off the space.
 */
export function configIndex(w: Workload, knobs: Knobs, t: VtaTarget): number | undefined {
  const axes = knobAxes(w, t);
  const order =
    w.op === 'dense'
      ? (['tile_b', 'tile_ci', 'tile_co', 'oc_nthread'] as const)
      : ([...SPLIT_ORDER, 'oc_nthread', 'h_nthread'] as const);
  let index = 0;
  let scale = 1;
  for (const k of order) {
    const v = knobs[k];
    let choices: number[];
    let pick: number;
    if (k === 'oc_nthread' || k === 'h_nthread') {
      choices = [1, 2];
      pick = (v as number | undefined) ?? 1;
    } else {
      choices = divisorsOf(axes[k]);
      pick = (v as [number, number] | undefined)?.[1] ?? axes[k];
    }
    const i = choices.indexOf(pick);
    if (i < 0) return undefined;
    index += i * scale;
    scale *= choices.length;
  }
  return index;
}

/** The record kept in the `; autotvm {...}` comment just above the operator (or inside its block). */
function keptRecord(file: SchedFile, op: SchedOperator): AutotvmRecord | undefined {
  const prevEnd = Math.max(
    -1,
    ...file.statements.filter((s) => s.range.end.line < op.range.start.line).map((s) => s.range.end.line),
  );
  const c = file.comments.find(
    (x) =>
      x.text.startsWith(AUTOTVM_COMMENT) && x.range.start.line > prevEnd && x.range.start.line <= op.range.end.line,
  );
  if (!c) return undefined;
  return parseAutotvmLog(c.text.slice(AUTOTVM_COMMENT.length)).records[0];
}

/** JSON as Python's json.dumps writes it (`, ` and `: ` between items), as AutoTVM's own logs look. */
export function pythonJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}: ${pythonJson(x)}`)
      .join(', ')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** One log line per layer whose shapes are whole blocks of the target, in file order. */
export function exportAutotvm(file: SchedFile, target: VtaTarget, opts: ExportOptions): ExportedLog {
  const model = modelStringOf(target);
  const lines: string[] = [];
  const problems: ExportedLog['problems'] = [];
  for (const op of file.statements) {
    if (op.kind !== 'operator') continue;
    const fail = (message: string) => problems.push({ layer: op.name, line: op.nameRange.start.line + 1, message });
    const errors: string[] = [];
    const l = readLayer(op, (_r, _c, m) => errors.push(m));
    if (!l) {
      fail(errors[0] ?? `${op.op} is not a layer TVM's VTA schedules tune`);
      continue;
    }
    const w: Workload = {
      op: l.op,
      batch: l.batch,
      inChannels: l.inChannels,
      inH: l.inH,
      inW: l.inW,
      outChannels: l.outChannels,
      kh: l.kh,
      kw: l.kw,
      padH: l.padH,
      padW: l.padW,
      strideH: l.strideH,
      strideW: l.strideW,
      groups: l.groups,
    };
    const blocks: Array<[number, number, string]> = [
      [w.batch, target.batch, 'the batch (BATCH)'],
      [w.inChannels / w.groups, target.blockIn, 'the input channels (BLOCK_IN)'],
      [w.outChannels, target.blockOut, 'the output channels (BLOCK_OUT)'],
    ];
    const off = blocks.find(([v, b]) => v % b !== 0);
    if (off) {
      fail(`${off[2]}: ${off[0]} is not a multiple of ${off[1]}, so there is no packed layout`);
      continue;
    }
    const o = outputSize(w);
    const tile = { ...l.tile, h: l.where['tile.h'] ? l.tile.h : o.h, w: l.where['tile.w'] ? l.tile.w : o.w };
    if (w.op === 'dense') {
      tile.h = 1;
      tile.w = 1;
    }
    if (tile.b % target.batch || tile.ci % target.blockIn || tile.co % target.blockOut) {
      fail('the tile is not whole blocks of the target');
      continue;
    }
    let knobs = layerKnobs(w, tile, l.threads, target);
    const kept = keptRecord(file, op);
    const sameWorkload =
      kept && kept.model === model && (Object.keys(w) as Array<keyof Workload>).every((k) => kept.workload[k] === w[k]);
    let unchanged = false;
    let input: unknown[] = [`ext_dev -device=vta -keys=cpu -model=${model}`, taskOf(w), taskArgs(w, target), {}];
    if (kept && sameWorkload) {
      input = kept.json.input as unknown[];
      // A knob whose inner factor (or thread count) is the record's keeps the record's pair.
      const merged: Knobs = {};
      unchanged = true;
      for (const [k, v] of Object.entries(knobs) as Array<[keyof Knobs, Knobs[keyof Knobs]]>) {
        const was = kept.knobs[k];
        const same = Array.isArray(v) ? Array.isArray(was) && was[1] === v[1] : (was ?? 1) === v;
        if (!same) unchanged = false;
        merged[k] = same && was !== undefined ? was : v;
      }
      knobs = merged;
    }
    const entity = Object.entries(knobs).map(([k, v]) => [k, Array.isArray(v) ? 'sp' : 'ot', v]);
    const keptConfig = kept?.json.config as Record<string, unknown> | undefined;
    const index = unchanged && keptConfig ? keptConfig.index : (configIndex(w, knobs, target) ?? -1);
    const same = unchanged && kept !== undefined && kept.json.result !== undefined ? kept.json : undefined;
    const result = same ? same.result : [[opts.estimateSeconds?.(op.name) ?? UNESTIMATED_SECONDS], 0, 0, opts.now];
    const record = {
      input,
      config: { index, code_hash: null, entity },
      result,
      version: same?.version ?? 0.2,
      tvm_version: same?.tvm_version ?? '0.7.dev0',
    };
    lines.push(pythonJson(record));
  }
  return { lines, problems };
}
