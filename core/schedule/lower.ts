/**
 * Lowers a linted `.vtasched` file (or one layer of it) to one `.vta` program: every
 * layer's data and kernels first, then the layers' instructions in file order, each
 * waiting for the one before it, then `finish`. Layers with errors are not lowered.
 */
import { layerErrors, type ScheduleLint } from './lint';
import type { SchedFile, SchedOperator } from './ast';
import type { SchedDiagnostic } from './keys';
import { lowerLayer } from './lower-layer';

export interface LowerScheduleOptions {
  /** Lower only this layer. */
  layer?: string;
  /** The schedule's file name, for the comments that point back at it. */
  file: string;
  /** The `target` line's value in the program; default: the schedule's own. */
  targetSpec?: string;
  /** Input and weight values (default random); zeros skip drawing megabytes that a timing run never reads. */
  values?: 'random' | 'zeros';
  /** Layers whose programs would be longer are left out (default 2,000,000 instructions). */
  maxInstructions?: number;
}

export interface LoweredSchedule {
  /** The program, or undefined when nothing could be lowered. */
  text: string | undefined;
  /** Why layers were not lowered (errors), in file order. */
  diagnostics: SchedDiagnostic[];
  /** Names of the layers the program holds. */
  layers: string[];
}

/** Instructions the lowering writes for a layer, counted from its figures without writing them. */
export function loweredSize(lint: ScheduleLint, name: string): number {
  const f = lint.layers.find((x) => x.layer.name === name);
  const t = lint.target;
  if (!f || !t) return 0;
  const l = f.layer;
  const bN = l.tile.b / t.batch;
  const ciN = l.tile.ci / t.blockIn;
  const coN = l.tile.co / t.blockOut;
  const steps = f.tiles.output * f.tiles.ci;
  const perStep = bN * ciN + 1 + bN * ciN * l.kh * l.kw;
  const perTile = 1 + l.epilogue.length + bN * coN;
  const kernels = Math.min(l.threads.oc * l.threads.h, f.tiles.output) * (1 + bN * ciN * l.kh * l.kw);
  return steps * perStep + f.tiles.output * perTile + kernels + 1; // + finish; nops for extra pops are not counted
}

function targetSpecOf(file: SchedFile, lint: ScheduleLint): string {
  const stmt = file.statements.find((s) => s.kind === 'target');
  if (stmt && stmt.kind === 'target') return stmt.quoted ? JSON.stringify(stmt.value) : stmt.value;
  return lint.target?.name ?? 'default';
}

export function lowerSchedule(file: SchedFile, lint: ScheduleLint, opts: LowerScheduleOptions): LoweredSchedule {
  const diagnostics: SchedDiagnostic[] = [];
  const t = lint.target;
  let ops = file.statements.filter((s): s is SchedOperator => s.kind === 'operator');
  if (opts.layer !== undefined) {
    ops = ops.filter((o) => o.name === opts.layer);
    if (!ops.length) {
      const names = file.statements.filter((s): s is SchedOperator => s.kind === 'operator').map((o) => o.name);
      diagnostics.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code: 'vtasched.lower', message: `no layer named '${opts.layer}'${names.length ? `: the file has ${names.join(', ')}` : ''}` });
      return { text: undefined, diagnostics, layers: [] };
    }
  }
  const targetErrors = lint.diagnostics.filter((d) => d.code === 'vtasched.target');
  if (!t || targetErrors.length) {
    diagnostics.push(...targetErrors);
    return { text: undefined, diagnostics, layers: [] };
  }
  const decl: string[] = [];
  const body: string[] = [];
  const lowered: string[] = [];
  for (const op of ops) {
    const fail = (message: string) => diagnostics.push({ range: op.nameRange, severity: 'error', code: 'vtasched.lower', message: `${op.name}: ${message}` });
    const figures = lint.layers.find((f) => f.layer.nameRange === op.nameRange);
    const errors = layerErrors(lint, op);
    if (errors.length) { fail(`not lowered: it has ${errors.length} error${errors.length === 1 ? '' : 's'} (first: ${errors[0]!.message})`); continue; }
    if (!figures) { fail(`not lowered: ${op.op} is not lowered yet`); continue; }
    const l = figures.layer;
    const size = loweredSize(lint, op.name);
    const max = opts.maxInstructions ?? 2_000_000;
    if (size > max) { fail(`not lowered: its program would have about ${size.toLocaleString('en-US')} instructions, more than the limit of ${max.toLocaleString('en-US')}: use larger tiles, or raise the limit (--max-instructions)`); continue; }
    if (l.padH >= l.kh || l.padW >= l.kw) { fail(`not lowered: a padding of ${l.padH},${l.padW} is not smaller than the ${l.kh}x${l.kw} kernel, so some tiles would read only padding`); continue; }
    const part = lowerLayer(figures, t, {
      origin: `${opts.file}:${op.range.start.line + 1}`,
      seed: 2 * lowered.length + 1,
      afterAnother: lowered.length > 0,
      values: opts.values ?? 'random',
    });
    decl.push(...part.declarations, '');
    body.push(...part.instructions);
    lowered.push(op.name);
  }
  if (!lowered.length) return { text: undefined, diagnostics, layers: [] };
  const text = [
    `; Lowered from ${opts.file} by VTA Studio (vta lower): ${lowered.join(', ')}.`,
    `; Inputs and weights are ${opts.values === 'zeros' ? 'zeros' : 'random'}; each layer's output tensor is NAME_out.`,
    `target ${opts.targetSpec ?? targetSpecOf(file, lint)}`,
    '',
    ...decl,
    ...body,
    '  pop  st->ex                       ; the last store is done',
    '  finish',
    '',
  ].join('\n');
  return { text, diagnostics, layers: lowered };
}
