/**
 * The estimator `vta tune` ranks schedules with: the layer lowered alone, assembled and
 * run by the simulator's timing model without data, as `vta estimate` does.
 */
import { assembleText } from '../asm/assemble';
import type { VtaTarget } from '../isa/config';
import { simulate } from '../sim/simulator';
import type { LayerFigures } from './footprint';
import { lowerLayer } from './lower-layer';
import type { ScheduleEstimate } from './tune';

export function timingModelEstimate(f: LayerFigures, t: VtaTarget): ScheduleEstimate | undefined {
  const part = lowerLayer(f, t, { origin: f.layer.name, seed: 1, afterAnother: false, values: 'zeros' });
  const text = ['target default', ...part.declarations, ...part.instructions, '  pop st->ex', '  finish', ''].join('\n');
  const asm = assembleText(text, { file: `${f.layer.name} (tuning)`, target: t });
  if (!asm.program || asm.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const run = simulate(asm.program, { mode: 'timing', trace: false });
  return { cycles: run.time, gemmUtilisation: run.summary.gemm.utilisation ?? 0 };
}
