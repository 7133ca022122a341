/**
 * The `.vtasched` linter (vta-schedule.md, "What the linter must say"): the syntax and
 * key checks, the target, then for each operator its shapes, blocks, tile and thread
 * knobs, on-chip footprint and instruction fields, with the numbers involved. The
 * figures it computes are returned too, for hovers.
 */
import { type VtaTarget } from '../isa/config';
import { defaultTarget } from '../isa/target';
import { NO_FILES, type AsmHost } from '../asm/host';
import { readTargetSpec } from '../asm/target-spec';
import type { Diagnostic } from '../lang/diagnostic';
import type { SchedFile, SchedOperator } from './ast';
import { checkScheduleSyntax, type SchedDiagnostic } from './keys';
import { layerFigures, type LayerFigures } from './footprint';
import { readLayer } from './layer';
import { readNetworks } from './network-read';

export interface ScheduleLintOptions {
  /** Overrides the file's `target` line (the CLI's `--target`). */
  target?: VtaTarget;
  /** The target of a file without a `target` line; `default` when absent. */
  fallbackTarget?: VtaTarget;
  /** Reads `target "x.json"`; without it such a target is reported as unreadable. */
  host?: AsmHost;
  /** The schedule file's path, to resolve a target file against. */
  file?: string;
}

export interface ScheduleLint {
  diagnostics: SchedDiagnostic[];
  /** The target the layers were checked against (undefined when it could not be read). */
  target: VtaTarget | undefined;
  /** Figures of each operator whose shapes and knobs are consistent. */
  layers: LayerFigures[];
}

function resolveTarget(file: SchedFile, opts: ScheduleLintOptions, out: SchedDiagnostic[]): VtaTarget | undefined {
  if (opts.target) return opts.target;
  const stmt = file.statements.find((s) => s.kind === 'target');
  if (!stmt || stmt.kind !== 'target') return opts.fallbackTarget ?? defaultTarget();
  const fail = (message: string) => {
    out.push({ range: stmt.valueRange, severity: 'error', code: 'vtasched.target', message });
    return undefined;
  };
  if (!opts.host && stmt.quoted) return fail(`cannot read '${stmt.value}' here`);
  const r = readTargetSpec(
    stmt.quoted ? { path: stmt.value } : { name: stmt.value },
    opts.host ?? NO_FILES,
    opts.file ?? '',
  );
  return 'target' in r ? r.target : fail(r.message);
}

export function lintSchedule(file: SchedFile, opts: ScheduleLintOptions = {}): ScheduleLint {
  const diagnostics = checkScheduleSyntax(file);
  const targets = file.statements.filter((s) => s.kind === 'target');
  for (const extra of targets.slice(1)) {
    diagnostics.push({
      range: extra.range,
      severity: 'error',
      code: 'vtasched.target',
      message: 'a second `target` line: a schedule file has one target',
    });
  }
  const target = resolveTarget(file, opts, diagnostics);
  const layers: LayerFigures[] = [];
  const names = new Map<string, string>();
  for (const s of file.statements) {
    if (s.kind !== 'operator') continue;
    if (names.has(s.name))
      diagnostics.push({
        range: s.nameRange,
        severity: 'error',
        code: 'vtasched.name.duplicate',
        message: `a second layer named '${s.name}' (the first is a ${names.get(s.name)})`,
      });
    else names.set(s.name, s.op);
    const report = (range: SchedDiagnostic['range'], code: string, message: string, fixes?: SchedDiagnostic['fixes']) =>
      diagnostics.push({
        range,
        severity: 'error',
        code,
        message: `${s.name}: ${message}`,
        ...(fixes ? { fixes } : {}),
      });
    const warn = (range: SchedDiagnostic['range'], code: string, message: string) =>
      diagnostics.push({ range, severity: 'warning', code, message: `${s.name}: ${message}` });
    const layer = readLayer(s, report);
    if (!layer || !target) continue;
    const figures = layerFigures(layer, target, report, warn);
    if (figures) layers.push(figures);
  }
  diagnostics.push(...readNetworks(file).diagnostics);
  // In file order, as an editor's problem list and the CLI show them (the sort is stable).
  diagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  return { diagnostics, target, layers };
}

/** A schedule finding as a program finding of `file` (its quick fixes' edits in that file). */
export function schedDiagnosticIn(file: string, d: SchedDiagnostic): Diagnostic {
  const { fixes, ...rest } = d;
  return {
    file,
    ...rest,
    ...(fixes ? { fixes: fixes.map((f) => ({ title: f.title, edits: f.edits.map((e) => ({ file, ...e })) })) } : {}),
  };
}

/** The lint errors that lie within a layer's block (a layer with any is neither lowered nor estimated). */
export function layerErrors(lint: ScheduleLint, op: SchedOperator): SchedDiagnostic[] {
  return lint.diagnostics.filter(
    (d) =>
      d.severity === 'error' && d.range.start.line >= op.range.start.line && d.range.start.line <= op.range.end.line,
  );
}
