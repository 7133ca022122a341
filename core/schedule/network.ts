/**
 * A network's estimate (network-read.ts reads the blocks), summed from its layers'
 * estimates: cycles, time, share, GEMM utilisation, DRAM traffic and what bounds each
 * line, then latency and frames per second with the CPU part listed apart.
 */
import type { Range } from '../lang/ast';
import type { LayerBound } from './estimate';
import type { Network } from './network-read';

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
export function estimateNetwork(
  net: Network,
  costs: (layer: string) => LayerCost | undefined,
  target: { clockMHz: number; batchOf: (layer: string) => number | undefined },
): NetworkEstimate {
  const rows: NetworkRow[] = [];
  const missing: string[] = [];
  const cpuUnknown: string[] = [];
  let vtaCycles = 0;
  let cpuMicroseconds = 0;
  let batch: number | undefined;
  for (const e of net.entries) {
    if (e.kind === 'cpu') {
      if (e.cpuMicroseconds === undefined) cpuUnknown.push(e.name);
      else cpuMicroseconds += e.cpuMicroseconds * e.repeat;
      rows.push({
        kind: 'cpu',
        name: e.name,
        nameRange: e.nameRange,
        repeat: e.repeat,
        cyclesEach: undefined,
        cycles: undefined,
        microseconds: e.cpuMicroseconds === undefined ? undefined : e.cpuMicroseconds * e.repeat,
        share: undefined,
        gemmUtilisation: undefined,
        dramBytes: undefined,
        bound: undefined,
      });
      continue;
    }
    batch ??= target.batchOf(e.name);
    const c = costs(e.name);
    if (!c) missing.push(e.name);
    else vtaCycles += c.cycles * e.repeat;
    rows.push({
      kind: 'layer',
      name: e.name,
      nameRange: e.nameRange,
      repeat: e.repeat,
      cyclesEach: c?.cycles,
      cycles: c && c.cycles * e.repeat,
      microseconds: c && (c.cycles * e.repeat) / target.clockMHz,
      share: undefined,
      gemmUtilisation: c?.gemmUtilisation,
      dramBytes: c && c.dramBytes * e.repeat,
      bound: c?.bound,
    });
  }
  for (const r of rows) if (r.cycles !== undefined) r.share = vtaCycles > 0 ? r.cycles / vtaCycles : 0;
  const vtaMicroseconds = vtaCycles / target.clockMHz;
  const latency = vtaMicroseconds + cpuMicroseconds;
  const images = batch ?? 1;
  return {
    name: net.name,
    nameRange: net.nameRange,
    rows,
    complete: missing.length === 0,
    missing,
    vtaCycles,
    vtaMicroseconds,
    cpuMicroseconds,
    cpuUnknown,
    latencyMicroseconds: latency,
    batch: images,
    framesPerSecond: latency > 0 ? (images * 1e6) / latency : 0,
    vtaFramesPerSecond: vtaMicroseconds > 0 ? (images * 1e6) / vtaMicroseconds : 0,
  };
}

/** A network's estimate as plain data (no ranges): `vta estimate --format json`, the editor's estimate view. */
export type NetworkEstimateJson = Omit<NetworkEstimate, 'nameRange' | 'rows'> & {
  rows: Array<Omit<NetworkRow, 'nameRange'>>;
};

export function networkJson(n: NetworkEstimate): NetworkEstimateJson {
  const { nameRange: _n, rows, ...rest } = n;
  return { ...rest, rows: rows.map(({ nameRange: _r, ...r }) => r) };
}
