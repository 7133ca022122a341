/**
 * Networks in a `.vtasched` file: `network NAME { … }` lists the network's operators in
 * order, each line a layer of the file (`c2 repeat=4`) or an operator that stays on
 * the CPU (`cpu maxpool us=1200`, its time an assumption the file states), and the
 * whole network's estimate is summed from the layers' estimates: cycles, time, share,
 * GEMM utilisation, DRAM traffic and what bounds each layer, then latency and frames
 * per second with the CPU part listed apart.
 */
import type { Range } from '../lang/ast';
import type { SchedFile, SchedNetwork, SchedOperator, SchedParam } from './ast';
import type { SchedDiagnostic } from './keys';
import type { LayerBound } from './estimate';

/** Keys of a network line: a layer takes `repeat`; a CPU operator `us` (its assumed time) and `repeat`. */
export const NETWORK_ENTRY_KEYS: Record<'layer' | 'cpu', Record<string, string>> = {
  layer: { repeat: 'How many times the network runs this layer (default 1).' },
  cpu: {
    us: 'The time this operator takes on the CPU, in microseconds: an assumption the schedule states (the model does not estimate CPU work).',
    repeat: 'How many times the network runs this operator (default 1).',
  },
};

export interface NetworkEntry {
  kind: 'layer' | 'cpu';
  name: string;
  nameRange: Range;
  range: Range;
  repeat: number;
  /** The layer's operator block (layers only). */
  op: SchedOperator | undefined;
  /** A CPU operator's assumed time per run, when the file gives it. */
  cpuMicroseconds: number | undefined;
}

export interface Network {
  name: string;
  nameRange: Range;
  range: Range;
  headerRange: Range;
  entries: NetworkEntry[];
}

function positive(p: SchedParam, out: SchedDiagnostic[]): number | undefined {
  const v = p.value;
  if (v?.kind === 'num' && Number.isSafeInteger(v.value) && v.value >= (p.name === 'us' ? 0 : 1)) return v.value;
  out.push({ range: v?.range ?? p.range, severity: 'error', code: 'vtasched.value', message: `${p.name} must be ${p.name === 'us' ? 'a whole number of microseconds' : 'a positive integer'}` });
  return undefined;
}

/** The networks of a file, their entries resolved against its layers, and what is wrong with them. */
export function readNetworks(file: SchedFile): { networks: Network[]; diagnostics: SchedDiagnostic[] } {
  const diagnostics: SchedDiagnostic[] = [];
  const ops = file.statements.filter((s): s is SchedOperator => s.kind === 'operator');
  const networks: Network[] = [];
  const seen = new Set<string>();
  for (const s of file.statements) {
    if (s.kind !== 'network') continue;
    if (seen.has(s.name) || ops.some((o) => o.name === s.name)) {
      diagnostics.push({ range: s.nameRange, severity: 'error', code: 'vtasched.name.duplicate', message: `a second definition of '${s.name}': networks and layers share one namespace` });
    }
    seen.add(s.name);
    networks.push(readNetwork(s, ops, diagnostics));
  }
  return { networks, diagnostics };
}

function readNetwork(s: SchedNetwork, ops: SchedOperator[], out: SchedDiagnostic[]): Network {
  const entries: NetworkEntry[] = [];
  for (const e of s.entries) {
    if (e.prefix && e.prefix.text !== 'cpu') {
      out.push({ range: e.prefix.range, severity: 'error', code: 'vtasched.network', message: `'${e.prefix.text} ${e.name}': a network line is a layer name (\`${e.name} repeat=2\`) or a CPU operator (\`cpu ${e.name} us=1200\`)` });
      continue;
    }
    const kind = e.prefix ? 'cpu' : 'layer';
    const keys = NETWORK_ENTRY_KEYS[kind];
    let repeat = 1;
    let us: number | undefined;
    for (const p of e.params) {
      if (!(p.name in keys)) {
        out.push({ range: p.nameRange, severity: 'error', code: 'vtasched.name.key', message: `unknown key '${p.name}' on a ${kind === 'cpu' ? 'CPU operator' : 'layer'} line: expected ${Object.keys(keys).join(', ')}` });
        continue;
      }
      const v = positive(p, out);
      if (v === undefined) continue;
      if (p.name === 'repeat') repeat = v; else us = v;
    }
    const op = kind === 'layer' ? ops.find((o) => o.name === e.name) : undefined;
    if (kind === 'layer' && !op) {
      out.push({ range: e.nameRange, severity: 'error', code: 'vtasched.network', message: `${s.name}: no layer named '${e.name}'${ops.length ? ` (the file has ${ops.map((o) => o.name).join(', ')})` : ''}; an operator that runs on the CPU is written \`cpu ${e.name} us=…\`` });
      continue;
    }
    entries.push({ kind, name: e.name, nameRange: e.nameRange, range: e.range, repeat, op, cpuMicroseconds: us });
  }
  return { name: s.name, nameRange: s.nameRange, range: s.range, headerRange: s.headerRange, entries };
}

/** What the estimate of one layer gives the network (from the lowered layer's timing run). */
export interface LayerCost {
  cycles: number;
  gemmUtilisation: number;
  dramBytes: number;
  /** What holds the layer back (estimate.ts boundOf: compute, DRAM, or latency of tokens and setup). */
  bound: LayerBound;
}


export interface NetworkRow {
  kind: 'layer' | 'cpu';
  name: string;
  nameRange: Range;
  repeat: number;
  /** Layers: the timing model's figures; undefined when the layer was not estimated. */
  cyclesEach: number | undefined;
  cycles: number | undefined;
  /** Time of all repeats: layers at the target's clock, CPU operators as the file assumes. */
  microseconds: number | undefined;
  /** Share of the network's VTA time (layers only). */
  share: number | undefined;
  gemmUtilisation: number | undefined;
  /** Bytes moved between DRAM and the chip over all repeats. */
  dramBytes: number | undefined;
  bound: LayerBound | undefined;
}

export interface NetworkEstimate {
  name: string;
  nameRange: Range;
  rows: NetworkRow[];
  /** Every layer was estimated (else the totals leave the missing ones out). */
  complete: boolean;
  missing: string[];
  vtaCycles: number;
  vtaMicroseconds: number;
  /** CPU operators with an assumed time, summed; those without one are listed in cpuUnknown. */
  cpuMicroseconds: number;
  cpuUnknown: string[];
  latencyMicroseconds: number;
  /** Images per run (the first layer's batch). */
  batch: number;
  framesPerSecond: number;
  vtaFramesPerSecond: number;
}

/** Sums a network from its layers' costs (by layer name) at the target's clock. */
export function estimateNetwork(net: Network, costs: (layer: string) => LayerCost | undefined, target: { clockMHz: number; batchOf: (layer: string) => number | undefined }): NetworkEstimate {
  const rows: NetworkRow[] = [];
  const missing: string[] = [];
  const cpuUnknown: string[] = [];
  let vtaCycles = 0;
  let cpuMicroseconds = 0;
  let batch: number | undefined;
  for (const e of net.entries) {
    if (e.kind === 'cpu') {
      if (e.cpuMicroseconds === undefined) cpuUnknown.push(e.name); else cpuMicroseconds += e.cpuMicroseconds * e.repeat;
      rows.push({ kind: 'cpu', name: e.name, nameRange: e.nameRange, repeat: e.repeat, cyclesEach: undefined, cycles: undefined, microseconds: e.cpuMicroseconds === undefined ? undefined : e.cpuMicroseconds * e.repeat, share: undefined, gemmUtilisation: undefined, dramBytes: undefined, bound: undefined });
      continue;
    }
    batch ??= target.batchOf(e.name);
    const c = costs(e.name);
    if (!c) missing.push(e.name); else vtaCycles += c.cycles * e.repeat;
    rows.push({
      kind: 'layer', name: e.name, nameRange: e.nameRange, repeat: e.repeat,
      cyclesEach: c?.cycles, cycles: c && c.cycles * e.repeat, microseconds: c && (c.cycles * e.repeat) / target.clockMHz,
      share: undefined, gemmUtilisation: c?.gemmUtilisation, dramBytes: c && c.dramBytes * e.repeat, bound: c?.bound,
    });
  }
  for (const r of rows) if (r.cycles !== undefined) r.share = vtaCycles > 0 ? r.cycles / vtaCycles : 0;
  const vtaMicroseconds = vtaCycles / target.clockMHz;
  const latency = vtaMicroseconds + cpuMicroseconds;
  const images = batch ?? 1;
  return {
    name: net.name, nameRange: net.nameRange, rows, complete: missing.length === 0, missing,
    vtaCycles, vtaMicroseconds, cpuMicroseconds, cpuUnknown, latencyMicroseconds: latency, batch: images,
    framesPerSecond: latency > 0 ? (images * 1e6) / latency : 0,
    vtaFramesPerSecond: vtaMicroseconds > 0 ? (images * 1e6) / vtaMicroseconds : 0,
  };
}

/** A network's estimate as plain data (no ranges): `vta estimate --format json`, the editor's estimate view. */
export type NetworkEstimateJson = Omit<NetworkEstimate, 'nameRange' | 'rows'> & { rows: Array<Omit<NetworkRow, 'nameRange'>> };

export function networkJson(n: NetworkEstimate): NetworkEstimateJson {
  const { nameRange: _n, rows, ...rest } = n;
  return { ...rest, rows: rows.map(({ nameRange: _r, ...r }) => r) };
}
