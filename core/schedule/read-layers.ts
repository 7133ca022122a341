/**
 * The layers of a schedule as shapes, whatever their knobs: what the tuner and the
 * explorer start from (they choose the knobs anew), where the lint needs knobs that
 * divide and fit before it gives a layer its figures.
 */
import type { SchedFile, SchedOperator } from './ast';
import type { SchedDiagnostic } from './keys';
import { readLayer, type Layer } from './layer';

export interface ReadLayers {
  layers: Array<{ layer: Layer; op: SchedOperator }>;
  /** Problems with the shapes themselves (a layer with any is left out). */
  problems: SchedDiagnostic[];
}

export function readLayers(file: SchedFile): ReadLayers {
  const out: ReadLayers = { layers: [], problems: [] };
  for (const op of file.statements) {
    if (op.kind !== 'operator') continue;
    const before = out.problems.length;
    const layer = readLayer(op, (range, code, message) =>
      out.problems.push({ range, severity: 'error', code, message: `${op.name}: ${message}` }),
    );
    if (layer && out.problems.length === before) out.layers.push({ layer, op });
  }
  return out;
}
