/**
 * Lowers a linted `.vtasched` file (or one layer of it) to one program: every layer's
 * data and kernels first, then the layers' instructions in file order, each waiting for
 * the one before it, then `finish`. Layers with errors are not lowered. The result is a
 * lowered stream (lowered-stream.ts): built into a Program directly (lowered-program.ts),
 * printed as `.vta` text only for a reader (`lowerSchedule`, print-lowered.ts).
 */
import { layerErrors, type ScheduleLint } from './lint';
import type { SchedFile, SchedOperator } from './ast';
import type { SchedDiagnostic } from './keys';
import type { Layer } from './layer';
import type { LayerFigures } from './footprint';
import type { VtaTarget } from '../isa/config';
import { lowerLayer } from './lower-layer';
import { StreamWriter, type LoweredStream } from './lowered-stream';
import { printLowered } from './print-lowered';

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

export interface LoweredScheduleStream {
  /** The program as a structure, or undefined when nothing could be lowered. */
  stream: LoweredStream | undefined;
  /** Why layers were not lowered (errors), in file order. */
  diagnostics: SchedDiagnostic[];
  /** Names of the layers the program holds. */
  layers: string[];
}

export interface LoweredSchedule {
  /** The program's `.vta` text, or undefined when nothing could be lowered. */
  text: string | undefined;
  /** Why layers were not lowered (errors), in file order. */
  diagnostics: SchedDiagnostic[];
  /** Names of the layers the program holds. */
  layers: string[];
}

/** Instructions the lowering writes for a layer, counted from its figures without writing them. */
export function loweredSize(lint: ScheduleLint, name: string): number {
  const f = lint.layers.find((x) => x.layer.name === name);
  return f && lint.target ? loweredLayerSize(f, lint.target) : 0;
}

/** Instructions the lowering writes for a layer, counted from its figures without writing them (nops for extra pops aside). */
export function loweredLayerSize(f: LayerFigures, t: VtaTarget): number {
  const l = f.layer;
  const bN = l.tile.b / t.batch;
  const ciN = l.tile.ci / t.blockIn;
  const coN = l.tile.co / t.blockOut;
  const flat = l.inH === 1 && l.inW === 1 && l.outH === 1 && l.outW === 1 && l.padH === 0 && l.padW === 0;
  const steps = f.tiles.output * f.tiles.ci;
  const perStep = (flat ? 1 : bN * ciN) + 1 + bN * ciN * l.kh * l.kw;
  const perTile = 1 + l.epilogue.length + (flat ? 1 : bN * coN);
  const kernels = Math.min(l.threads.oc * l.threads.h, f.tiles.output) * (1 + bN * ciN * l.kh * l.kw);
  return steps * perStep + f.tiles.output * perTile + kernels + 1; // + finish
}

function targetSpecOf(file: SchedFile, lint: ScheduleLint): string {
  const stmt = file.statements.find((s) => s.kind === 'target');
  if (stmt && stmt.kind === 'target') return stmt.quoted ? JSON.stringify(stmt.value) : stmt.value;
  return lint.target?.name ?? 'default';
}

/** The file (or layer) lowered to `.vta` text, for a user to read, edit or step. */
export function lowerSchedule(file: SchedFile, lint: ScheduleLint, opts: LowerScheduleOptions): LoweredSchedule {
  const r = lowerScheduleStream(file, lint, opts);
  return { text: r.stream && printLowered(r.stream), diagnostics: r.diagnostics, layers: r.layers };
}

/** The file (or layer) lowered to a stream: what loweredProgram builds and printLowered prints. */
export function lowerScheduleStream(
  file: SchedFile,
  lint: ScheduleLint,
  opts: LowerScheduleOptions,
): LoweredScheduleStream {
  const diagnostics: SchedDiagnostic[] = [];
  const t = lint.target;
  let ops = file.statements.filter((s): s is SchedOperator => s.kind === 'operator');
  if (opts.layer !== undefined) {
    ops = ops.filter((o) => o.name === opts.layer);
    if (!ops.length) {
      const names = file.statements.filter((s): s is SchedOperator => s.kind === 'operator').map((o) => o.name);
      diagnostics.push({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'error',
        code: 'vtasched.lower',
        message: `no layer named '${opts.layer}'${names.length ? `: the file has ${names.join(', ')}` : ''}`,
      });
      return { stream: undefined, diagnostics, layers: [] };
    }
  }
  const targetErrors = lint.diagnostics.filter((d) => d.code === 'vtasched.target');
  if (!t || targetErrors.length) {
    diagnostics.push(...targetErrors);
    return { stream: undefined, diagnostics, layers: [] };
  }
  const lowered: string[] = [];
  const values = opts.values ?? 'random';
  const stream = newStream(opts.targetSpec ?? targetSpecOf(file, lint), opts.file, values);
  stream.layers = lowered;
  const w = new StreamWriter(stream);
  for (const op of ops) {
    const fail = (message: string) =>
      diagnostics.push({
        range: op.nameRange,
        severity: 'error',
        code: 'vtasched.lower',
        message: `${op.name}: ${message}`,
      });
    const figures = lint.layers.find((f) => f.layer.nameRange === op.nameRange);
    const errors = layerErrors(lint, op);
    if (errors.length) {
      fail(
        `not lowered: it has ${errors.length} error${errors.length === 1 ? '' : 's'} (first: ${errors[0]!.message})`,
      );
      continue;
    }
    if (!figures) {
      fail(`not lowered: ${op.op} is not lowered yet`);
      continue;
    }
    const l = figures.layer;
    const size = loweredSize(lint, op.name);
    const max = opts.maxInstructions ?? 2_000_000;
    if (size > max) {
      fail(
        `not lowered: its program would have about ${size.toLocaleString('en-US')} instructions, more than the limit of ${max.toLocaleString('en-US')}: use larger tiles, or raise the limit (--max-instructions)`,
      );
      continue;
    }
    const why = notLowerable(l);
    if (why) {
      fail(`not lowered: ${why}`);
      continue;
    }
    lowerLayer(
      figures,
      t,
      {
        origin: `${opts.file}:${op.range.start.line + 1}`,
        seed: 2 * lowered.length + 1,
        afterAnother: lowered.length > 0,
        values,
      },
      w,
    );
    lowered.push(op.name);
  }
  if (!lowered.length) return { stream: undefined, diagnostics, layers: [] };
  stream.header[0] += `${lowered.join(', ')}.`;
  endStream(w);
  return { stream, diagnostics, layers: lowered };
}

/** Why the lowering cannot lower a layer that lints clean, if it cannot. */
export function notLowerable(l: Layer): string | undefined {
  if (l.op !== 'conv2d_transpose' && (l.padH >= l.kh || l.padW >= l.kw))
    return `a padding of ${l.padH},${l.padW} is not smaller than the ${l.kh}x${l.kw} kernel, so some tiles would read only padding`;
  return undefined;
}

/** An empty stream with the header lines of a lowered file (the first line ends with the layers' names). */
export function newStream(targetSpec: string, file: string, values: 'random' | 'zeros'): LoweredStream {
  return {
    header: [
      `Lowered from ${file} by VTA Studio (vta lower): `,
      `Inputs and weights are ${values === 'zeros' ? 'zeros' : 'random'}; each layer's output tensor is NAME_out.`,
    ],
    targetSpec,
    tensors: [],
    kernels: [],
    instances: [],
    decls: [],
    items: [],
    layers: [],
  };
}

/** The end of every lowered program: wait for the last store, then finish. */
export function endStream(w: StreamWriter): void {
  w.pop('st->ex', 'the last store is done');
  w.finish();
}
