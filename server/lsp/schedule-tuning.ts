/**
 * What the editor shows of a layer's tuning: the five fastest schedules in the hover,
 * and the "Use the fastest schedule" action that writes the best knobs in place.
 */
import { CodeActionKind, type CodeAction, type Range } from 'vscode-languageserver/node';
import type { SchedOperator } from '../../core/schedule';
import { knobEdits, threadsText, tileText } from '../../core/schedule/knob-edits';
import { readLayers } from '../../core/schedule/read-layers';
import type { Layer } from '../../core/schedule/layer';
import type { LayerTuning, TunedSchedule } from '../../core/schedule/tune';
import type { ScheduleTuner } from './schedule-tuner';
import type { SchedAnalysis } from './workspace';

const n = (x: number) => x.toLocaleString('en-US');

function layerAt(a: SchedAnalysis, op: SchedOperator): Layer | undefined {
  return readLayers(a.ast).layers.find((x) => x.op === op)?.layer;
}

const sameKnobs = (l: Layer, s: TunedSchedule) =>
  tileText(l.op, { tile: l.tile, threads: l.threads }) === tileText(l.op, s) &&
  threadsText(l.op, { tile: l.tile, threads: l.threads }) === threadsText(l.op, s);

/** The hover's section on the layer's fastest schedules (or that they are being computed). */
export function tuningMarkdown(tuner: ScheduleTuner, a: SchedAnalysis, op: SchedOperator): string | undefined {
  const l = layerAt(a, op);
  const t = a.lint.target;
  if (!l || !t) return undefined;
  const r = tuner.tuning(l, t);
  if (!r) return "**Fastest schedules**: the timing model is ranking this layer's schedules… (hover again in a moment)";
  if (!r.top.length) return `**Fastest schedules**: none of this layer's schedules fits target ${t.name}.`;
  const rows = r.top.map(
    (s, i) =>
      `| ${i + 1} | \`${tileText(l.op, s)}\` | \`${threadsText(l.op, s)}\` | ${n(s.cycles)} | ${s.microseconds.toFixed(1)} | ${Math.round(s.gemmUtilisation * 100)}%${sameKnobs(l, s) ? ' (this one)' : ''} |`,
  );
  const base = r.baseline
    ? `this layer's own knobs: ${n(r.baseline.cycles)} cycles`
    : "this layer's own knobs do not lint clean";
  return [
    `**Fastest schedules** (timing model; ${n(r.candidates)} schedules lint clean, ${n(r.estimated)} simulated; ${base})`,
    '',
    '| # | tile | threads | cycles | µs | GEMM |',
    '|---:|---|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** "Use the fastest schedule" for the layer under the cursor, when its tuning is ready and differs. */
export function fastestScheduleAction(tuner: ScheduleTuner, a: SchedAnalysis, range: Range): CodeAction[] {
  const op = a.ast.statements.find(
    (s): s is SchedOperator =>
      s.kind === 'operator' && s.range.start.line <= range.start.line && range.start.line <= s.range.end.line,
  );
  const t = a.lint.target;
  if (!op || !t) return [];
  const l = layerAt(a, op);
  if (!l) return [];
  const r: LayerTuning | undefined = tuner.tuning(l, t);
  const best = r?.best;
  if (!r || !best || sameKnobs(l, best)) return [];
  const gain = r.baseline
    ? ` (${n(best.cycles)} cycles, ${(r.baseline.cycles / best.cycles).toFixed(2)}x)`
    : ` (${n(best.cycles)} cycles)`;
  return [
    {
      title: `Use the fastest schedule: ${tileText(l.op, best)}, ${threadsText(l.op, best)}${gain}`,
      kind: CodeActionKind.RefactorRewrite,
      edit: { changes: { [a.uri]: knobEdits(l, best).map((e) => ({ range: e.range, newText: e.newText })) } },
    },
  ];
}
