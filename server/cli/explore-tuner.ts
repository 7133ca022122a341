/** The layer tuner of the explorer, with tunings cached per layer and configuration (not clock). */
import type { VtaTarget } from '../../core/isa/config';
import type { LayerTuner } from '../../core/schedule/explore';
import { tuneLayer, type LayerTuning } from '../../core/schedule/tune';
import { timingModelEstimate } from '../../core/schedule/tune-estimator';

export function designTuner(): LayerTuner {
  const cache = new Map<string, LayerTuning>();
  return (l, t: VtaTarget) => {
    const key = `${l.name}|${JSON.stringify(t.keys)}|${t.busBits}`;
    let r = cache.get(key);
    if (!r) cache.set(key, (r = tuneLayer(l, t, timingModelEstimate, { top: 1 })));
    return r;
  };
}
