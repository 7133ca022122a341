import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { applyEdits, knobEdits } from '../../../core/schedule/knob-edits';
import { readLayers } from '../../../core/schedule/read-layers';
import { schedDiagnosticIn } from '../../../core/schedule/lint';
import { formatDiagnostic } from '../../../core/lang/diagnostic';
import { count } from '../../../core/lang/count';
import type { LayerTuning, TunedSchedule } from '../../../core/schedule/tune';
import { cancelSweep, runTunings, type SweepSignal } from '../../explore-run';
import { availableParallelism } from 'node:os';
import type { CliCommand } from '../command';
import { formatOption, positiveIntOption, UsageError } from '../command';
import { loadSchedule, readInput, resolveTargetOption } from '../load';

const HELP = `usage: vta tune FILE.vtasched [--layer NAME] [--target NAME|FILE] [--format text|json] [--jobs N] [-o OUT.vtasched]

Auto-schedules each layer with the timing model: every tiling and thread count that
lints clean on the target (tiles that divide in whole blocks, threads that divide the
tiles, buffers that hold a tile per thread, fields that fit) is a candidate; candidates
are visited in order of their GEMM and DRAM lower bounds and the model runs until no
remaining one can beat the five fastest. Prints the fastest schedules of each layer
beside the layer's own (the baseline). -o writes the schedule with each layer's fastest
knobs (only the tile and threads lines change). --jobs N tunes N layers at once on\nworker threads (default: every core).
Exit status: 0 when every layer was tuned, 1 otherwise, 2 on a usage error.`;

const n = (x: number) => x.toLocaleString('en-US');

function scheduleJson(s: TunedSchedule) {
  return {
    tile: s.tile,
    threads: s.threads,
    cycles: s.cycles,
    microseconds: Number(s.microseconds.toFixed(3)),
    gemmUtilisation: Number(s.gemmUtilisation.toFixed(4)),
  };
}

function knobsText(s: TunedSchedule): string {
  const t = s.tile;
  return `b=${t.b} h=${t.h} w=${t.w} ci=${t.ci} co=${t.co}  threads oc=${s.threads.oc} h=${s.threads.h}`;
}

export const tuneCommand: CliCommand = {
  name: 'tune',
  summary: 'the fastest schedules of each layer of a .vtasched, by the timing model',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        layer: { type: 'string' },
        target: { type: 'string' },
        jobs: { type: 'string' },
        format: { type: 'string', default: 'text' },
        output: { type: 'string', short: 'o' },
      },
    });
    if (positionals.length !== 1 || !positionals[0]!.endsWith('.vtasched'))
      throw new UsageError('give exactly one FILE.vtasched');
    const format = formatOption(values.format);
    const path = positionals[0]!;
    const s = loadSchedule(path, io.cwd, resolveTargetOption(values.target, io.cwd));
    const t = s.lint.target;
    if (!t) {
      for (const d of s.diagnostics.filter((x) => x.code === 'vtasched.target')) io.stderr(`${formatDiagnostic(d)}\n`);
      return 1;
    }
    const read = readLayers(s.ast);
    for (const d of read.problems) io.stderr(`${formatDiagnostic(schedDiagnosticIn(path, d))}\n`);
    let layers = read.layers;
    if (values.layer !== undefined) {
      layers = layers.filter((f) => f.layer.name === values.layer);
      if (!layers.length)
        throw new UsageError(
          `no layer named '${values.layer}' that could be read (layers: ${read.layers.map((f) => f.layer.name).join(', ') || 'none'})`,
        );
    }
    const jobs = values.jobs === undefined ? availableParallelism() : positiveIntOption('jobs', values.jobs);
    const tuned: Array<LayerTuning | undefined> = layers.map(() => undefined);
    let finished = 0;
    const signal: SweepSignal = { cancelled: false, workers: [] };
    const onInterrupt = () => cancelSweep(signal);
    process.once('SIGINT', onInterrupt);
    try {
      await runTunings(
        layers.map((f) => f.layer),
        t,
        jobs,
        (i, r) => {
          tuned[i] = r;
          finished++;
          if (process.stderr.isTTY) io.stderr(`\rtuned ${finished} of ${layers.length} layers (${r.layer})\x1b[K`);
        },
        signal,
      );
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      if (process.stderr.isTTY && finished) io.stderr('\n');
    }
    if (signal.cancelled) {
      io.stderr(`vta tune: cancelled after ${finished} of ${layers.length} layers\n`);
      return 130;
    }
    const results = tuned.filter((r): r is LayerTuning => r !== undefined);
    if (format === 'json') {
      io.stdout(
        JSON.stringify(
          results.map((r) => ({
            layer: r.layer,
            candidates: r.candidates,
            estimated: r.estimated,
            baseline: r.baseline,
            best: r.best ? scheduleJson(r.best) : null,
            top: r.top.map(scheduleJson),
          })),
          null,
          2,
        ) + '\n',
      );
    } else {
      for (const r of results) {
        const speedup =
          r.baseline && r.best
            ? `, ${(r.baseline.cycles / r.best.cycles).toFixed(2)}x the layer's own (${n(r.baseline.cycles)} cycles)`
            : r.baseline
              ? ''
              : '; its own knobs do not lint clean here';
        io.stdout(
          `${r.layer}: ${count(r.candidates, 'schedule')} lint clean, ${n(r.estimated)} run on the timing model${speedup}\n`,
        );
        for (const [k, c] of r.top.entries()) {
          io.stdout(
            `  ${k + 1}. ${n(c.cycles).padStart(12)} cycles  ${c.microseconds.toFixed(1).padStart(10)} µs  GEMM ${String(Math.round(c.gemmUtilisation * 100)).padStart(3)}%  tile ${knobsText(c)}\n`,
          );
        }
        if (!r.top.length) io.stdout('  no schedule of this layer fits this target\n');
      }
    }
    if (values.output !== undefined) {
      const source = new TextDecoder().decode(readInput(path, io.cwd).bytes);
      const edits = results.flatMap((r) => {
        const f = layers.find((x) => x.layer.name === r.layer)!;
        return r.best ? knobEdits(f.layer, r.best) : [];
      });
      const out = resolve(io.cwd, values.output);
      writeFileSync(out, applyEdits(source, edits));
      io.stderr(
        `vta tune: wrote ${values.output}: ${results.filter((r) => r.best).length} of ${count(results.length, 'layer')} with their fastest knobs\n`,
      );
    }
    return results.every((r) => r.best) ? 0 : 1;
  },
};
