/**
 * The networks of a schedule estimated from their layers' estimates, at the clock of
 * the target's timing row: from the estimates already made (the lowered checks of
 * `vta estimate` and the editor), or each layer estimated here on the fast path
 * (estimate.ts: the layer lowered straight to a program and run timing-only).
 */
import { timingParamsFor } from '../sim/timing-params';
import type { SchedFile, SchedOperator } from './ast';
import { estimateLayer } from './estimate';
import { layerErrors, type ScheduleLint } from './lint';
import { estimateNetwork, type LayerCost, type NetworkEstimate } from './network';
import { readNetworks } from './network-read';

/** What a network needs of a layer's estimate (a LayerEstimate or a LayerTimeEstimate). */
export interface LayerEstimateLike {
  cycles: number;
  gemmUtilisation: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  bound: LayerCost['bound'];
}

/** Networks from the estimates at hand, by layer name; layers without one are listed as not estimated. */
export function networkEstimates(
  file: SchedFile,
  lint: ScheduleLint,
  estimates: ReadonlyMap<string, LayerEstimateLike> | ReadonlyArray<LayerEstimateLike & { name: string }>,
): NetworkEstimate[] {
  const t = lint.target;
  if (!t) return [];
  const clockMHz = timingParamsFor(t).clockMHz;
  const byName =
    estimates instanceof Map
      ? estimates
      : new Map((estimates as ReadonlyArray<LayerEstimateLike & { name: string }>).map((e) => [e.name, e]));
  return readNetworks(file).networks.map((net) =>
    estimateNetwork(
      net,
      (name) => {
        const e = byName.get(name);
        return (
          e && {
            cycles: e.cycles,
            gemmUtilisation: e.gemmUtilisation,
            dramBytes: e.dramReadBytes + e.dramWriteBytes,
            bound: e.bound,
          }
        );
      },
      {
        clockMHz,
        batchOf: (name) => lint.layers.find((f) => f.layer.name === name)?.layer.batch,
      },
    ),
  );
}

/**
 * Every network of the file with each layer it runs estimated once on the fast path
 * (no program checks: `vta check` runs those). Layers with lint errors are not estimated.
 */
export function estimateNetworks(
  file: SchedFile,
  lint: ScheduleLint,
  opts: { maxInstructions?: number } = {},
): NetworkEstimate[] {
  const t = lint.target;
  if (!t) return [];
  const used = new Set(
    readNetworks(file).networks.flatMap((n) => n.entries.filter((e) => e.kind === 'layer').map((e) => e.name)),
  );
  const estimates = new Map<string, LayerEstimateLike>();
  for (const op of file.statements) {
    if (op.kind !== 'operator' || !used.has(op.name) || estimates.has(op.name)) continue;
    const f = lint.layers.find((x) => x.layer.nameRange === op.nameRange);
    if (!f || layerErrors(lint, op as SchedOperator).length) continue;
    const e = estimateLayer(f.layer, t, undefined, { maxInstructions: opts.maxInstructions });
    if (!('errors' in e)) estimates.set(op.name, e);
  }
  return networkEstimates(file, lint, estimates);
}
