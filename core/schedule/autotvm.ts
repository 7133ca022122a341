/**
 * AutoTVM logs (JSON lines, as `autotvm.record` writes them) read into schedule layers
 * and written back. A VTA record names its target (`-model=pynq_1x16_i8w8a32_15_15_18_17`),
 * a task (`conv2d_packed.vta`, `group_conv2d_packed.vta`, `conv2d_transpose_packed.vta`,
 * `dense_packed.vta`) with TENSOR arguments in VTA's packed layouts (data NCHWnc, kernel
 * OIHWoi), and the knobs of TVM's VTA schedules: `tile_b/h/w/ci/co` as [outer, inner]
 * splits, the tile being the inner part (in blocks for b, ci and co), and
 * `oc_nthread`/`h_nthread`. Its `result` holds the seconds measured on the board.
 *
 * Everything here is text in, text out; the CLI reads and writes the files.
 */
import type { VtaTarget } from '../isa/config';
import { deriveTarget } from '../isa/target';
import { configKeysOfModel, modelStringOf } from '../isa/model-string';
import type { Layer } from './layer';

export const AUTOTVM_TASKS = [
  'conv2d_packed.vta',
  'group_conv2d_packed.vta',
  'conv2d_transpose_packed.vta',
  'dense_packed.vta',
] as const;
export type AutotvmTask = (typeof AUTOTVM_TASKS)[number];

/** The layer a record tunes, in plain (unpacked) sizes: a layer's shapes, without its knobs. */
export type Workload = Pick<
  Layer,
  | 'batch'
  | 'inChannels'
  | 'inH'
  | 'inW'
  | 'outChannels'
  | 'kh'
  | 'kw'
  | 'padH'
  | 'padW'
  | 'strideH'
  | 'strideW'
  | 'groups'
> & {
  op: 'conv2d' | 'conv2d_transpose' | 'dense';
};

export type KnobName = 'tile_b' | 'tile_h' | 'tile_w' | 'tile_ci' | 'tile_co' | 'oc_nthread' | 'h_nthread';

/** One mapped log line. */
export interface AutotvmRecord {
  /** 1-based line in the log. */
  line: number;
  text: string;
  /** The target string, e.g. `ext_dev -device=vta -keys=cpu -model=pynq_1x16_i8w8a32_15_15_18_17`. */
  targetString: string;
  model: string;
  task: AutotvmTask;
  workload: Workload;
  /** Knobs as the log has them: splits as [outer, inner], thread counts as numbers. */
  knobs: Partial<Record<KnobName, [number, number] | number>>;
  /** The tile and threads the knobs give, in the schedule's units (elements and channels). */
  tile: Layer['tile'];
  threads: Layer['threads'];
  /** Mean measured seconds, when the measurement succeeded (error_no 0). */
  seconds: number | undefined;
  /** Remarks worth keeping with the layer (e.g. an outer factor TVM ignores). */
  notes: string[];
  /** The parsed JSON object, to write back what this module does not change. */
  json: Record<string, unknown>;
}

export interface LogProblem {
  line: number;
  message: string;
}

export interface ParsedLog {
  records: AutotvmRecord[];
  /** Lines that could not be mapped, each with why. */
  problems: LogProblem[];
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isNums = (x: unknown, n?: number): x is number[] =>
  Array.isArray(x) && x.every(isNum) && (n === undefined || x.length === n);

/** `["TENSOR", [dims], "int8"]` → dims. */
function tensorDims(x: unknown, rank: number, what: string): number[] {
  if (!Array.isArray(x) || x[0] !== 'TENSOR' || !isNums(x[1]))
    throw new Error(`${what}: expected ["TENSOR", [dims], dtype]`);
  if (x[1].length !== rank) throw new Error(`${what}: ${x[1].length} dimensions, the packed layout has ${rank}`);
  if (x[1].some((d) => d < 1)) throw new Error(`${what}: dimensions must be positive`);
  return x[1];
}

/** Padding `[p]`, `[ph, pw]` or `[top, left, bottom, right]` → [ph, pw] when symmetric. */
function padOf(x: unknown): [number, number] {
  if (isNum(x)) return [x, x];
  if (isNums(x, 2)) return [x[0]!, x[1]!];
  if (isNums(x, 4)) {
    const [t, l, b, r] = x as [number, number, number, number];
    if (t !== b || l !== r)
      throw new Error(
        `padding ${JSON.stringify(x)} is not symmetric: a schedule pads top and bottom (and left and right) alike`,
      );
    return [t, l];
  }
  throw new Error(`padding ${JSON.stringify(x)}: expected [p, p] or [top, left, bottom, right]`);
}

function strideOf(x: unknown): [number, number] {
  if (isNum(x) && x > 0) return [x, x];
  if (isNums(x, 2) && x[0]! > 0 && x[1]! > 0) return [x[0]!, x[1]!];
  throw new Error(`strides ${JSON.stringify(x)}: expected [sh, sw]`);
}

function dilationOk(x: unknown): void {
  if (x !== undefined && !(isNums(x, 2) && x[0] === 1 && x[1] === 1))
    throw new Error(`dilation ${JSON.stringify(x)}: VTA's schedules have no dilation`);
}

/** Checks the packed inner dimensions against the target's BATCH x BLOCK. */
function innerMatches(dims: number[], want: number[], names: string, what: string, t: VtaTarget): void {
  const inner = dims.slice(-want.length);
  if (inner.some((d, i) => d !== want[i])) {
    throw new Error(
      `${what}'s packed inner dimensions ${inner.join('x')} are not the target's ${names} ${want.join('x')} (${modelStringOf(t)})`,
    );
  }
}

/** Reads a task's arguments into a workload; throws with the reason when it cannot. */
export function workloadOf(task: AutotvmTask, args: unknown[], t: VtaTarget): Workload {
  const B = t.batch,
    BI = t.blockIn,
    BO = t.blockOut;
  if (task === 'dense_packed.vta') {
    const d = tensorDims(args[0], 4, 'data');
    const w = tensorDims(args[1], 4, 'weight');
    innerMatches(d, [B, BI], 'BATCH x BLOCK_IN', 'data', t);
    innerMatches(w, [BO, BI], 'BLOCK_OUT x BLOCK_IN', 'weight', t);
    if (w[1] !== d[1]) throw new Error(`weight has ${w[1]! * BI} input channels, data ${d[1]! * BI}`);
    return {
      op: 'dense',
      batch: d[0]! * B,
      inChannels: d[1]! * BI,
      inH: 1,
      inW: 1,
      outChannels: w[0]! * BO,
      kh: 1,
      kw: 1,
      padH: 0,
      padW: 0,
      strideH: 1,
      strideW: 1,
      groups: 1,
    };
  }
  const d = tensorDims(args[0], 6, 'data');
  const k = tensorDims(args[1], 6, 'kernel');
  innerMatches(d, [B, BI], 'BATCH x BLOCK_IN', 'data', t);
  innerMatches(k, [BO, BI], 'BLOCK_OUT x BLOCK_IN', 'kernel', t);
  const [sh, sw] = strideOf(args[2]);
  const [ph, pw] = padOf(args[3]);
  const base = {
    batch: d[0]! * B,
    inChannels: d[1]! * BI,
    inH: d[2]!,
    inW: d[3]!,
    kh: k[2]!,
    kw: k[3]!,
    padH: ph,
    padW: pw,
    strideH: sh,
    strideW: sw,
  };
  if (task === 'conv2d_transpose_packed.vta') {
    // [data, kernel, strides, padding, out_dtype, output_padding]
    const op = args[5];
    if (op !== undefined && !(isNums(op) && op.every((x) => x === 0)))
      throw new Error(`output_padding ${JSON.stringify(op)}: a schedule has no output padding`);
    if (k[1]! * BI !== base.inChannels)
      throw new Error(`kernel has ${k[1]! * BI} input channels, data ${base.inChannels}`);
    return { op: 'conv2d_transpose', ...base, outChannels: k[0]! * BO, groups: 1 };
  }
  dilationOk(args[4]);
  let groups = 1;
  if (task === 'group_conv2d_packed.vta') {
    groups = args[5] as number;
    if (!isNum(groups) || groups < 1) throw new Error(`groups ${JSON.stringify(args[5])}: expected a positive integer`);
    if (base.inChannels % groups !== 0 || (k[0]! * BO) % groups !== 0)
      throw new Error(`groups ${groups} does not divide the channels (${base.inChannels} in, ${k[0]! * BO} out)`);
    if (k[1]! * BI !== base.inChannels / groups)
      throw new Error(
        `kernel has ${k[1]! * BI} input channels per group, data ${base.inChannels / groups} (${groups} groups)`,
      );
  } else if (k[1]! * BI !== base.inChannels) {
    throw new Error(`kernel has ${k[1]! * BI} input channels, data ${base.inChannels}`);
  }
  return { op: 'conv2d', ...base, outChannels: k[0]! * BO, groups };
}

/** Output rows and columns of a workload. */
export function outputSize(w: Workload): { h: number; w: number } {
  if (w.op === 'conv2d_transpose')
    return { h: (w.inH - 1) * w.strideH - 2 * w.padH + w.kh, w: (w.inW - 1) * w.strideW - 2 * w.padW + w.kw };
  return {
    h: Math.floor((w.inH + 2 * w.padH - w.kh) / w.strideH) + 1,
    w: Math.floor((w.inW + 2 * w.padW - w.kw) / w.strideW) + 1,
  };
}

/**
 * The length of the axis each split knob tiles, as TVM's schedule defines it: batch and
 * channel axes in blocks, rows and columns of the output in elements. Output channels
 * span every group (TVM's group schedule splits the whole axis); input channels are
 * those of one group.
 */
export function knobAxes(
  w: Workload,
  t: VtaTarget,
): Record<'tile_b' | 'tile_h' | 'tile_w' | 'tile_ci' | 'tile_co', number> {
  const o = outputSize(w);
  return {
    tile_b: w.batch / t.batch,
    tile_h: o.h,
    tile_w: o.w,
    tile_ci: w.inChannels / w.groups / t.blockIn,
    tile_co: w.outChannels / t.blockOut,
  };
}

const SPLITS = ['tile_b', 'tile_h', 'tile_w', 'tile_ci', 'tile_co'] as const;

function knobsOf(entity: unknown): AutotvmRecord['knobs'] {
  if (!Array.isArray(entity)) throw new Error('config.entity: expected a list of [name, kind, value]');
  const out: AutotvmRecord['knobs'] = {};
  for (const e of entity) {
    if (!Array.isArray(e) || typeof e[0] !== 'string')
      throw new Error(`config.entity: ${JSON.stringify(e)} is not [name, kind, value]`);
    const [name, kind, value] = e as [string, string, unknown];
    if ((SPLITS as readonly string[]).includes(name)) {
      if (kind !== 'sp' || !isNums(value, 2))
        throw new Error(`knob ${name}: expected ["${name}", "sp", [outer, inner]]`);
      if (value[1]! < 1) throw new Error(`knob ${name}: inner factor ${value[1]} must be positive`);
      out[name as KnobName] = [value[0]!, value[1]!];
    } else if (name === 'oc_nthread' || name === 'h_nthread') {
      if (!isNum(value) || value < 1) throw new Error(`knob ${name}: expected a positive thread count`);
      out[name] = value;
    } else {
      throw new Error(`knob ${name}: not a knob of TVM's VTA schedules`);
    }
  }
  return out;
}

/** Tile and threads from the knobs; a split whose outer factor disagrees with the axis is noted (TVM applies the inner factor). */
function tileOf(
  w: Workload,
  knobs: AutotvmRecord['knobs'],
  t: VtaTarget,
  notes: string[],
): { tile: Layer['tile']; threads: Layer['threads'] } {
  const axes = knobAxes(w, t);
  const inner = (k: (typeof SPLITS)[number]) => {
    const v = knobs[k] as [number, number] | undefined;
    if (!v) return axes[k];
    if (v[0] !== -1 && v[0] * v[1] !== axes[k])
      notes.push(
        `${k} [${v[0]}, ${v[1]}]: ${v[0]} x ${v[1]} is not the axis length ${axes[k]}; TVM splits by the inner factor`,
      );
    return v[1];
  };
  const dense = w.op === 'dense';
  const o = outputSize(w);
  // Output channels per tile: TVM's axis spans all groups; a layer's co is within one group.
  const co = inner('tile_co') * t.blockOut;
  return {
    tile: {
      b: inner('tile_b') * t.batch,
      h: dense ? 1 : knobs.tile_h ? inner('tile_h') : o.h,
      w: dense ? 1 : knobs.tile_w ? inner('tile_w') : o.w,
      ci: inner('tile_ci') * t.blockIn,
      co,
    },
    threads: {
      oc: (knobs.oc_nthread as number | undefined) ?? 1,
      h: dense ? 1 : ((knobs.h_nthread as number | undefined) ?? 1),
    },
  };
}

/** Reads one JSON line; throws with the reason it cannot be mapped. */
function readRecord(text: string, line: number): AutotvmRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error('not an AutoTVM record (a JSON object with input, config, result)');
  const rec = json as Record<string, unknown>;
  const input = rec.input;
  if (
    !Array.isArray(input) ||
    typeof input[0] !== 'string' ||
    typeof input[1] !== 'string' ||
    !Array.isArray(input[2])
  ) {
    throw new Error('input: expected [target, task, args, kwargs]');
  }
  const [targetString, taskName, args] = input as [string, string, unknown[]];
  if (!/-device=vta\b/.test(targetString))
    throw new Error(`not a VTA record: target '${targetString}', task ${taskName}`);
  const model = /-model=(\S+)/.exec(targetString)?.[1];
  if (!model) throw new Error(`target '${targetString}' names no -model=`);
  if (!(AUTOTVM_TASKS as readonly string[]).includes(taskName))
    throw new Error(`task ${taskName} is not one of ${AUTOTVM_TASKS.join(', ')}`);
  const task = taskName as AutotvmTask;
  const keys = configKeysOfModel(model);
  if ('message' in keys) throw new Error(keys.message);
  const t = targetOfKeys(model);
  const workload = workloadOf(task, args, t);
  const config = rec.config as Record<string, unknown> | undefined;
  if (!config || typeof config !== 'object') throw new Error('config: missing');
  const knobs = knobsOf(config.entity);
  const notes: string[] = [];
  const { tile, threads } = tileOf(workload, knobs, t, notes);
  const result = rec.result;
  let seconds: number | undefined;
  if (Array.isArray(result) && Array.isArray(result[0]) && result[1] === 0) {
    const costs = (result[0] as unknown[]).filter((c): c is number => typeof c === 'number' && Number.isFinite(c));
    if (costs.length) seconds = costs.reduce((a, b) => a + b, 0) / costs.length;
  }
  return { line, text, targetString, model, task, workload, knobs, tile, threads, seconds, notes, json: rec };
}

// Targets of the model strings seen, built once each.
const targets = new Map<string, VtaTarget>();
function targetOfKeys(model: string): VtaTarget {
  let t = targets.get(model);
  if (!t) {
    const r = configKeysOfModel(model);
    if ('message' in r) throw new Error(r.message);
    t = deriveTarget(model, r.keys);
    targets.set(model, t);
  }
  return t;
}

/** The target of a model string (throws ConfigError for impossible sizes). */
export function targetOfModelString(model: string): VtaTarget {
  return targetOfKeys(model);
}

/** Reads a log: every non-blank line that is not a `#` comment is a record or a problem. */
export function parseAutotvmLog(text: string): ParsedLog {
  const records: AutotvmRecord[] = [];
  const problems: LogProblem[] = [];
  const lines = text.split(/\r\n?|\n/);
  lines.forEach((raw, i) => {
    const s = raw.trim();
    if (!s || s.startsWith('#')) return;
    try {
      records.push(readRecord(s, i + 1));
    } catch (e) {
      problems.push({ line: i + 1, message: (e as Error).message });
    }
  });
  return { records, problems };
}
