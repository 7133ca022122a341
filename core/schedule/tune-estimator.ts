/**
 * The estimator `vta tune` and `vta explore` rank schedules with: the layer lowered
 * straight to a program and run by the timing model without data (estimate.ts), the
 * same cycles as `vta estimate`'s full path.
 */
import type { VtaTarget } from '../isa/config';
import { estimateLayer } from './estimate';
import type { LayerFigures } from './footprint';
import type { ScheduleEstimate } from './tune';

export function timingModelEstimate(f: LayerFigures, t: VtaTarget): ScheduleEstimate | undefined {
  const r = estimateLayer(f.layer, t);
  return 'errors' in r ? undefined : { cycles: r.cycles, gemmUtilisation: r.gemmUtilisation };
}
