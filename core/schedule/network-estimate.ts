/**
 * The networks of a schedule estimated from its layers' estimates (lowered-checks.ts),
 * at the clock and DRAM throughput of the target's timing row.
 */
import { timingParamsFor } from '../sim/timing-params';
import type { SchedFile } from './ast';
import type { ScheduleLint } from './lint';
import type { LayerEstimate } from './lowered-checks';
import { estimateNetwork, readNetworks, type NetworkEstimate } from './network';

export function networkEstimates(file: SchedFile, lint: ScheduleLint, estimates: readonly LayerEstimate[]): NetworkEstimate[] {
  const t = lint.target;
  if (!t) return [];
  const params = timingParamsFor(t);
  const byName = new Map(estimates.map((e) => [e.name, e]));
  return readNetworks(file).networks.map((net) => estimateNetwork(net, (name) => {
    const e = byName.get(name);
    return e && { cycles: e.cycles, gemmUtilisation: e.gemmUtilisation, dramBytes: e.dramReadBytes + e.dramWriteBytes };
  }, {
    clockMHz: params.clockMHz,
    busBytes: params.busBytes,
    batchOf: (name) => lint.layers.find((f) => f.layer.name === name)?.layer.batch,
  }));
}
