/**
 * The schedule checks that need each layer's lowered program (vta-schedule.md): the
 * program's own checks (tokens, deadlock, hazards, bounds), reported at the layer that
 * caused them, and an estimate of the layer from the simulator's timing model. Each
 * layer without lint errors is lowered alone, straight to a Program (no text), checked
 * and run timing-only.
 */
import { layerErrors, type ScheduleLint } from './lint';
import { loweredSize, notLowerable } from './lower';
import { layerStream, estimateOf, type LayerBound } from './estimate';
import { loweredProgram } from './lowered-program';
import { checkProgram } from '../analysis/check';
import type { Range } from '../lang/ast';
import type { SchedFile, SchedOperator } from './ast';
import type { SchedDiagnostic } from './keys';
import { simulate } from '../sim/simulator';

export interface LayerEstimate {
  name: string;
  nameRange: Range;
  instructions: number;
  /** Timing-model estimate, in cycles of the target's clock. */
  cycles: number;
  microseconds: number | undefined;
  timingRow: string | undefined;
  /** Busy GEMM cycles / all cycles. */
  gemmUtilisation: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  /** What limits the layer (estimate.ts boundOf). */
  bound: LayerBound;
}

export interface LoweredChecks {
  diagnostics: SchedDiagnostic[];
  estimates: LayerEstimate[];
  /** Layers left out because their lowered program would exceed the instruction budget. */
  skipped: Array<{ name: string; nameRange: Range; instructions: number }>;
}

export interface LoweredCheckOptions {
  file: string;
  /** Layers whose programs would be longer are not lowered here (default 200,000 instructions). */
  maxInstructions?: number;
  /** Polled between layers: a newer edit makes the rest of the work pointless. */
  isCancelled?: () => boolean;
}

export interface LayerLoweredChecks {
  /** Findings of the layer's lowered program, placed on the layer's name. */
  diagnostics: SchedDiagnostic[];
  estimate: LayerEstimate | undefined;
  /** Set when the program would exceed the instruction budget and was not lowered. */
  skippedInstructions: number | undefined;
}

/**
 * Lowers, checks and runs one layer (a layer with lint errors gives nothing: its lint
 * findings say why). Everything it reports sits on `op.nameRange`.
 */
export function checkLoweredLayer(
  ast: SchedFile,
  lint: ScheduleLint,
  op: SchedOperator,
  opts: LoweredCheckOptions,
): LayerLoweredChecks {
  const none: LayerLoweredChecks = { diagnostics: [], estimate: undefined, skippedInstructions: undefined };
  const f = lint.layers.find((x) => x.layer.nameRange === op.nameRange);
  if (!f) return none;
  if (layerErrors(lint, op).length) return none;
  const size = loweredSize(lint, f.layer.name);
  if (size > (opts.maxInstructions ?? 200_000)) return { ...none, skippedInstructions: size };
  if (!lint.target || notLowerable(f.layer)) return none; // its reasons are the lint's or `vta lower`'s to report
  const t = lint.target;
  const programFile = `${opts.file} (${f.layer.name} lowered)`;
  // Checks and timing do not read the values: no random draws.
  const source = { file: opts.file, start: op.range.start, end: op.range.end };
  const built = loweredProgram(layerStream(f, t, { file: opts.file, line: op.range.start.line }), t, {
    data: false,
    source,
    file: programFile,
  });
  const program = built.program;
  const findings = checkProgram(program, programFile, built.diagnostics);
  const diagnostics: SchedDiagnostic[] = [];
  for (const d of findings) {
    if (d.severity === 'info') continue;
    diagnostics.push({
      range: op.nameRange,
      severity: d.severity,
      code: d.code,
      message: `${f.layer.name}: its lowered program${d.instruction !== undefined ? ` (instruction ${d.instruction})` : ''}: ${d.message}`,
    });
  }
  if (findings.some((d) => d.severity === 'error')) return { ...none, diagnostics };
  const run = simulate(program, { mode: 'timing', trace: false, kernel: 'js' });
  const s = run.summary;
  const e = estimateOf(s, program.insns.length, f);
  return {
    diagnostics,
    skippedInstructions: undefined,
    estimate: {
      name: f.layer.name,
      nameRange: op.nameRange,
      instructions: e.instructions,
      cycles: e.cycles,
      microseconds: s.microseconds,
      timingRow: s.timingRow,
      gemmUtilisation: e.gemmUtilisation,
      dramReadBytes: e.dramReadBytes,
      dramWriteBytes: e.dramWriteBytes,
      bound: e.bound,
    },
  };
}

/** checkLoweredLayer over every layer of the file, in order. */
export function checkLoweredLayers(ast: SchedFile, lint: ScheduleLint, opts: LoweredCheckOptions): LoweredChecks {
  const out: LoweredChecks = { diagnostics: [], estimates: [], skipped: [] };
  for (const op of ast.statements) {
    if (op.kind !== 'operator') continue;
    if (opts.isCancelled?.()) break;
    addLayerChecks(out, op, checkLoweredLayer(ast, lint, op, opts));
  }
  return out;
}

/**
 * Adds one layer's results to the file's, in the file's order. The language server
 * gathers layers lowered in its workers (and cached) with it, as `checkLoweredLayers`
 * gathers layers lowered here.
 */
export function addLayerChecks(out: LoweredChecks, op: SchedOperator, r: LayerLoweredChecks): void {
  for (const d of r.diagnostics) out.diagnostics.push(d); // no spread: a layer may have 100,000s
  if (r.estimate) out.estimates.push(r.estimate);
  if (r.skippedInstructions !== undefined)
    out.skipped.push({ name: op.name, nameRange: op.nameRange, instructions: r.skippedInstructions });
}
