/**
 * Design-space exploration: a space file lists values for `vta_config.json` keys,
 * clocks and the FPGA whose budget applies; every combination is a design. Each design
 * gets a resource estimate (fpga.ts), its peak throughput, and every layer of the
 * network auto-scheduled on it with the timing model (tune.ts), hence the network's
 * latency. The designs on the front of latency against block RAM are marked.
 *
 * Designs are numbered in a fixed order, so a sweep split into shards (one N-th of
 * the designs each, on as many machines) and merged gives the very same result.
 */
import {
  BOARDS,
  ConfigError,
  DEFAULT_CONFIG_KEYS,
  readConfigKeys,
  type VtaConfigKeys,
  type VtaTarget,
} from '../isa/config';
import { deriveTarget } from '../isa/target';
import { designResources, fpgaPart, peakGops, type FpgaPart } from './fpga';
import type { SchedFile } from './ast';
import { applyEdits, knobEdits, type TextEdit } from './knob-edits';
import type { Layer } from './layer';
import { readLayers } from './read-layers';
import { readNetworks } from './network-read';
import type { SchedDiagnostic } from './keys';
import type { LayerTuning } from './tune';

/** Keys a space may sweep, besides the clock. */
export const SPACE_KEYS = [
  'LOG_BATCH',
  'LOG_BLOCK',
  'LOG_INP_WIDTH',
  'LOG_WGT_WIDTH',
  'LOG_ACC_WIDTH',
  'LOG_UOP_BUFF_SIZE',
  'LOG_INP_BUFF_SIZE',
  'LOG_WGT_BUFF_SIZE',
  'LOG_ACC_BUFF_SIZE',
  'LOG_BUS_WIDTH',
] as const;
export type SpaceKey = (typeof SPACE_KEYS)[number];

export interface DesignSpace {
  fpga: FpgaPart;
  /** The board whose timing row and defaults apply (a TARGET name; default pynq). */
  target: string;
  clocksMHz: number[];
  /** Values per key; a key not listed keeps the stock value. */
  keys: Partial<Record<SpaceKey, number[]>>;
  /** Optional buffer splits: each a set of LOG_*_BUFF_SIZE values taken together. */
  splits: Array<Partial<Record<SpaceKey, number>>>;
}

export interface Design {
  /** Position in the space's order (shards and merges keep it). */
  index: number;
  config: VtaConfigKeys & { LOG_BUS_WIDTH: number };
  clockMHz: number;
}

export class SpaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpaceError';
  }
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function intList(v: unknown, what: string, min: number, max: number): number[] {
  const list = Array.isArray(v) ? v : [v];
  if (!list.length) throw new SpaceError(`${what}: give at least one value`);
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max)
      throw new SpaceError(`${what}: ${JSON.stringify(x)} is not an integer from ${min} to ${max}`);
  }
  return [...new Set(list as number[])];
}

/**
 * Reads a space file: `{ "fpga": "pynq-z1", "target": "pynq", "clockMHz": [100, 200],
 * "LOG_BLOCK": [4, 5], …, "LOG_BLOCK_IN"/"LOG_BLOCK_OUT" (equal), "splits": [{…}] }`.
 */
export function readSpace(json: unknown): DesignSpace {
  if (!isObject(json))
    throw new SpaceError('a space is a JSON object of vta_config.json keys with lists of values, clockMHz and fpga');
  const known = new Set<string>([
    ...SPACE_KEYS,
    'LOG_BLOCK_IN',
    'LOG_BLOCK_OUT',
    'fpga',
    'target',
    'TARGET',
    'clockMHz',
    'clocksMHz',
    'clock',
    'splits',
  ]);
  const unknown = Object.keys(json).filter((k) => !known.has(k));
  if (unknown.length)
    throw new SpaceError(
      `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${[...known].join(', ')})`,
    );
  const fpgaName = json.fpga;
  if (typeof fpgaName !== 'string')
    throw new SpaceError('fpga: name the FPGA whose budget applies (pynq-z1, ultra96, zcu104, de10-nano)');
  const fpga = fpgaPart(fpgaName);
  if (!fpga) throw new SpaceError(`fpga: unknown '${fpgaName}' (known: pynq-z1, ultra96, zcu104, de10-nano)`);
  const target = (json.target ?? json.TARGET ?? 'pynq') as unknown;
  if (typeof target !== 'string' || !Object.hasOwn(BOARDS, target))
    throw new SpaceError(`target: ${JSON.stringify(target)} is not a board (${Object.keys(BOARDS).join(', ')})`);
  const clockValue = json.clockMHz ?? json.clocksMHz ?? json.clock;
  const clocksMHz = clockValue === undefined ? [BOARDS[target]!.clockMHz] : intList(clockValue, 'clockMHz', 1, 2000);
  const keys: DesignSpace['keys'] = {};
  const blockIn = json.LOG_BLOCK_IN,
    blockOut = json.LOG_BLOCK_OUT;
  if (blockIn !== undefined || blockOut !== undefined) {
    if (JSON.stringify(blockIn) !== JSON.stringify(blockOut))
      throw new SpaceError('LOG_BLOCK_IN and LOG_BLOCK_OUT differ: VTA has one LOG_BLOCK (give LOG_BLOCK)');
    if (json.LOG_BLOCK !== undefined) throw new SpaceError('give LOG_BLOCK or LOG_BLOCK_IN/OUT, not both');
    keys.LOG_BLOCK = intList(blockIn, 'LOG_BLOCK_IN', 0, 10);
  }
  for (const k of SPACE_KEYS)
    if (json[k] !== undefined) keys[k] = intList(json[k], k, 0, k === 'LOG_BUS_WIDTH' ? 12 : 40);
  const splits: DesignSpace['splits'] = [];
  if (json.splits !== undefined) {
    if (!Array.isArray(json.splits) || !json.splits.every(isObject))
      throw new SpaceError('splits: a list of objects of LOG_*_BUFF_SIZE values');
    for (const [i, s] of (json.splits as Record<string, unknown>[]).entries()) {
      const split: Partial<Record<SpaceKey, number>> = {};
      for (const [k, v] of Object.entries(s)) {
        if (!(SPACE_KEYS as readonly string[]).includes(k)) throw new SpaceError(`splits[${i}]: unknown key ${k}`);
        if (keys[k as SpaceKey])
          throw new SpaceError(`splits[${i}]: ${k} is also swept on its own; give it in one place`);
        split[k as SpaceKey] = intList(v, `splits[${i}].${k}`, 0, 40)[0]!;
      }
      splits.push(split);
    }
  }
  return { fpga, target, clocksMHz, keys, splits };
}

/** Every design of the space, in a fixed order (keys in SPACE_KEYS order, then splits, then clocks). */
export function designsOf(space: DesignSpace): Design[] {
  const base = { ...DEFAULT_CONFIG_KEYS, TARGET: space.target, LOG_BUS_WIDTH: BOARDS[space.target]!.logBusWidth };
  let configs: Array<typeof base> = [base];
  for (const k of SPACE_KEYS) {
    const vals = space.keys[k];
    if (!vals) continue;
    configs = configs.flatMap((c) => vals.map((v) => ({ ...c, [k]: v })));
  }
  if (space.splits.length) configs = configs.flatMap((c) => space.splits.map((s) => ({ ...c, ...s })));
  const out: Design[] = [];
  for (const config of configs)
    for (const clockMHz of space.clocksMHz) out.push({ index: out.length, config, clockMHz });
  return out;
}

/** The designs of shard `i` of `n` (1-based): every n-th, so each shard gets a mix. */
export function shardOf(designs: readonly Design[], i: number, n: number): Design[] {
  return designs.filter((d) => d.index % n === i - 1);
}

/** The target a design describes (its clock and bus width on its board), or why there is none. */
export function designTarget(d: Design): VtaTarget | { problem: string } {
  try {
    const { LOG_BUS_WIDTH, ...keys } = d.config;
    const board = { ...BOARDS[keys.TARGET]!, clockMHz: d.clockMHz, logBusWidth: LOG_BUS_WIDTH };
    return deriveTarget(`design ${d.index}`, readConfigKeys(keys, `design ${d.index}`), board);
  } catch (e) {
    if (e instanceof ConfigError) return { problem: e.message };
    throw e;
  }
}

/** A layer of the network and how often it runs. */
export interface NetworkLayer {
  layer: Layer;
  repeat: number;
}

/** What a sweep runs: the layers of the file's first network (with their repeats), or every layer once. */
export interface SweptNetwork {
  name: string;
  layers: NetworkLayer[];
  /** The CPU operators' assumed time per run, summed (the same on every design). */
  cpuMs: number;
  /** Shape problems of the layers (a layer with any is left out) and of the network. */
  problems: SchedDiagnostic[];
}

export function sweptNetwork(file: SchedFile, fallbackName: string): SweptNetwork {
  const read = readLayers(file);
  const nets = readNetworks(file);
  const problems = [...read.problems, ...nets.diagnostics];
  const net = nets.networks[0];
  if (!net)
    return { name: fallbackName, layers: read.layers.map(({ layer }) => ({ layer, repeat: 1 })), cpuMs: 0, problems };
  const layers: NetworkLayer[] = [];
  let cpuUs = 0;
  for (const e of net.entries) {
    if (e.kind === 'cpu') {
      cpuUs += (e.cpuMicroseconds ?? 0) * e.repeat;
      continue;
    }
    const layer = read.layers.find((x) => x.op === e.op)?.layer;
    if (!layer) continue; // its problems are listed
    const same = layers.find((x) => x.layer === layer);
    if (same) same.repeat += e.repeat;
    else layers.push({ layer, repeat: e.repeat });
  }
  return { name: net.name, layers, cpuMs: cpuUs / 1000, problems };
}

export interface DesignLayerResult {
  layer: string;
  repeat: number;
  cycles: number | null;
  tile: Layer['tile'] | null;
  threads: Layer['threads'] | null;
}

export interface DesignResult {
  index: number;
  config: Design['config'];
  clockMHz: number;
  resources: { bram: number; dsp: number };
  feasible: boolean;
  /** Why not, when it is not. */
  reasons: string[];
  peakGops: number;
  /** Time of one run of the network (all its layers, repeats included) on VTA. */
  latencyMs: number | null;
  /** Images per second: imagesPerRun per latency. */
  fps: number | null;
  /** The network's batch, padded to whole BATCH blocks of the design. */
  imagesPerRun: number;
  pareto: boolean;
  layers: DesignLayerResult[];
}

/** Tunes one layer on a target (the explorer passes tune.ts with its estimator). */
export type LayerTuner = (l: Layer, t: VtaTarget) => LayerTuning;

/** One design: resources, feasibility, and the network auto-scheduled on it. */
export function evaluateDesign(
  d: Design,
  fpga: FpgaPart,
  network: readonly NetworkLayer[],
  tune: LayerTuner,
): DesignResult {
  const t = designTarget(d);
  const base = { index: d.index, config: d.config, clockMHz: d.clockMHz, pareto: false };
  if ('problem' in t) {
    return {
      ...base,
      resources: { bram: 0, dsp: 0 },
      feasible: false,
      reasons: [t.problem],
      peakGops: 0,
      latencyMs: null,
      fps: null,
      imagesPerRun: 0,
      layers: [],
    };
  }
  const r = designResources(t, fpga);
  const reasons: string[] = [];
  if (r.bram > fpga.bram) reasons.push(`needs ${r.bram} block RAMs of ${fpga.bram}`);
  if (r.dsp > fpga.dsp) reasons.push(`needs ${r.dsp} DSPs of ${fpga.dsp}`);
  const layers: DesignLayerResult[] = [];
  let cycles = 0;
  // A batch that is not whole BATCH blocks is padded: the design then runs that many images at once.
  const images = Math.max(1, ...network.map(({ layer }) => Math.ceil(layer.batch / t.batch) * t.batch));
  for (const { layer, repeat } of network) {
    const padded = layer.batch === images ? layer : { ...layer, batch: images, tile: { ...layer.tile, b: images } };
    const best = tune(padded, t).best;
    layers.push({
      layer: layer.name,
      repeat,
      cycles: best?.cycles ?? null,
      tile: best?.tile ?? null,
      threads: best?.threads ?? null,
    });
    if (best) cycles += best.cycles * repeat;
    else
      reasons.push(
        `${layer.name}: no schedule fits (its shapes are not whole ${t.batch}x${t.blockIn} blocks, or no tile fits the buffers)`,
      );
  }
  const complete = layers.every((l) => l.cycles !== null);
  const latencyMs = complete ? cycles / d.clockMHz / 1000 : null;
  return {
    ...base,
    resources: { bram: r.bram, dsp: r.dsp },
    feasible: reasons.length === 0,
    reasons,
    peakGops: Number(peakGops(t, d.clockMHz).toFixed(2)),
    latencyMs: latencyMs === null ? null : Number(latencyMs.toFixed(4)),
    fps: latencyMs === null || latencyMs === 0 ? null : Number(((1000 * images) / latencyMs).toFixed(2)),
    imagesPerRun: images,
    layers,
  };
}

/**
 * Marks the feasible designs that no other feasible design beats on both latency and
 * block RAM (lower or equal on both, lower on one). Returns the same array.
 */
export function markPareto(results: DesignResult[]): DesignResult[] {
  const ok = results.filter((r) => r.feasible && r.latencyMs !== null);
  for (const r of results) {
    r.pareto =
      r.feasible &&
      r.latencyMs !== null &&
      !ok.some(
        (o) =>
          o !== r &&
          o.resources.bram <= r.resources.bram &&
          o.latencyMs! <= r.latencyMs! &&
          (o.resources.bram < r.resources.bram || o.latencyMs! < r.latencyMs!),
      );
  }
  return results;
}

export interface ExploreOutput {
  space: { fpga: string; designs: number };
  /** The network swept: its name, and the CPU part (the file's assumption, apart from every design's latency). */
  network?: { name: string; cpuMs: number };
  /** Present on one shard's output: which one. */
  shard?: { index: number; count: number };
  designs: DesignResult[];
}

/** Joins shard outputs of one space: every design once, in order, the front recomputed over all. */
export function mergeShards(parts: readonly ExploreOutput[]): ExploreOutput {
  if (!parts.length) throw new SpaceError('nothing to merge');
  const total = parts[0]!.space.designs;
  if (parts.some((p) => p.space.designs !== total || p.space.fpga !== parts[0]!.space.fpga))
    throw new SpaceError('these outputs come from different spaces');
  const byIndex = new Map<number, DesignResult>();
  for (const p of parts) for (const d of p.designs) byIndex.set(d.index, d);
  const missing = [...Array(total).keys()].filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new SpaceError(
      `${missing.length} of ${total} designs are missing (first: design ${missing[0]}): merge every shard`,
    );
  const designs = [...byIndex.values()].sort((a, b) => a.index - b.index).map((d) => ({ ...d, pareto: false }));
  return {
    space: parts[0]!.space,
    ...(parts[0]!.network ? { network: parts[0]!.network } : {}),
    designs: markPareto(designs),
  };
}

/** The design as a `vta_config.json` (its clock and bus width are the board's, outside the file). */
export function designConfigJson(d: Pick<Design, 'config'>): Record<string, string | number> {
  const { LOG_BUS_WIDTH: _bus, ...keys } = d.config;
  return { ...keys };
}

/**
 * The schedule with the design's tuned knobs in every layer it could schedule, and its
 * target line naming `configFile`: what the editor opens for a design of a sweep.
 */
export function designSchedule(
  source: string,
  file: SchedFile,
  d: Pick<DesignResult, 'index' | 'layers'>,
  configFile = 'vta_config.json',
): string {
  const edits: TextEdit[] = [];
  for (const { layer } of readLayers(file).layers) {
    const tuned = d.layers.find((x) => x.layer === layer.name);
    if (tuned?.tile && tuned.threads) edits.push(...knobEdits(layer, { tile: tuned.tile, threads: tuned.threads }));
  }
  const target = file.statements.find((s) => s.kind === 'target');
  const line = JSON.stringify(configFile);
  if (target?.kind === 'target') edits.push({ range: target.valueRange, newText: line });
  else
    edits.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      newText: `target ${line}\n`,
    });
  return applyEdits(source, edits);
}
