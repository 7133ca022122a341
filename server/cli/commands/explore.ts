import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Worker } from 'node:worker_threads';
import {
  designsOf,
  markPareto,
  sweptNetwork,
  mergeShards,
  readSpace,
  shardOf,
  SpaceError,
  type DesignResult,
  type ExploreOutput,
  type NetworkLayer,
} from '../../../core/schedule/explore';
import { schedDiagnosticIn } from '../../../core/schedule/lint';
import { formatDiagnostic } from '../../../core/lang/diagnostic';
import type { CliCommand, CliIO } from '../command';
import { positiveIntOption, UsageError } from '../command';
import { runDesigns } from '../../explore-run';
import { loadSchedule, readInput } from '../load';

const HELP = `usage: vta explore FILE.vtasched --space SPACE.json [--format text|json|csv] [--jobs N] [--shard I/N] [-o OUT]
       vta explore merge OUT… [--format text|json|csv] [-o OUT]

The hardware sweep: every combination of the values SPACE.json lists for vta_config.json
keys (LOG_BATCH, LOG_BLOCK, LOG_*_WIDTH, LOG_*_BUFF_SIZE, LOG_BUS_WIDTH), its clocks
(clockMHz) and buffer splits (splits) is a design. For each: block RAMs and DSPs on the
space's FPGA (fpga: pynq-z1, ultra96, zcu104, de10-nano), whether it fits, peak GOPS, and
every layer of the schedule auto-scheduled on it by the timing model (as vta tune does),
so the network's latency and frames per second. Designs on the front of latency against
block RAM (feasible ones only) are marked.

  --jobs N      worker threads (default: every core)
  --shard I/N   evaluate only the I-th of N shares of the designs (1-based), for a batch
                system; join the outputs (JSON) with \`vta explore merge\`
  -o OUT        write the result to OUT instead of standard output

Exit status: 0 when at least one design is feasible, 1 when none is, 2 on a usage error.`;

type Format = 'text' | 'json' | 'csv';

function formatOf(v: string | undefined): Format {
  if (v === undefined || v === 'text' || v === 'json' || v === 'csv') return v ?? 'text';
  throw new UsageError(`--format must be text, json or csv, not ${v}`);
}

const CONFIG_COLUMNS = [
  'LOG_BATCH',
  'LOG_BLOCK',
  'LOG_INP_BUFF_SIZE',
  'LOG_WGT_BUFF_SIZE',
  'LOG_ACC_BUFF_SIZE',
  'LOG_UOP_BUFF_SIZE',
  'LOG_BUS_WIDTH',
] as const;

function shapeOf(d: DesignResult): string {
  const c = d.config;
  return `${2 ** c.LOG_BATCH}x${2 ** c.LOG_BLOCK}x${2 ** c.LOG_BLOCK}`;
}

function render(out: ExploreOutput, format: Format): string {
  if (format === 'json') return JSON.stringify(out, null, 2) + '\n';
  const rows = out.designs;
  if (format === 'csv') {
    const head = [
      'index',
      'gemm',
      ...CONFIG_COLUMNS,
      'clockMHz',
      'bram',
      'dsp',
      'feasible',
      'peakGops',
      'latencyMs',
      'fps',
      'pareto',
    ];
    const lines = rows.map((d) =>
      [
        d.index,
        shapeOf(d),
        ...CONFIG_COLUMNS.map((k) => d.config[k]),
        d.clockMHz,
        d.resources.bram,
        d.resources.dsp,
        d.feasible,
        d.peakGops,
        d.latencyMs ?? '',
        d.fps ?? '',
        d.pareto,
      ].join(','),
    );
    return [head.join(','), ...lines].join('\n') + '\n';
  }
  const head = ['#', 'GEMM', 'buffers INP/WGT/ACC/UOP (log2 B)', 'MHz', 'BRAM', 'DSP', 'GOPS', 'latency ms', 'FPS', ''];
  const table = rows.map((d) => [
    String(d.index),
    shapeOf(d),
    `${d.config.LOG_INP_BUFF_SIZE}/${d.config.LOG_WGT_BUFF_SIZE}/${d.config.LOG_ACC_BUFF_SIZE}/${d.config.LOG_UOP_BUFF_SIZE}`,
    String(d.clockMHz),
    String(d.resources.bram),
    String(d.resources.dsp),
    d.peakGops.toFixed(1),
    d.latencyMs === null ? '' : d.latencyMs.toFixed(2),
    d.fps === null ? '' : d.fps.toFixed(1),
    d.pareto ? 'pareto' : d.feasible ? '' : `does not fit: ${d.reasons.join('; ')}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 3 && i <= 8 ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const best = rows.filter((d) => d.pareto).sort((a, b) => a.latencyMs! - b.latencyMs!)[0];
  return [
    line(head),
    ...table.map(line),
    '',
    `${rows.length} design${rows.length === 1 ? '' : 's'} on ${out.space.fpga}${out.shard ? ` (shard ${out.shard.index}/${out.shard.count} of ${out.space.designs})` : ''}, ${rows.filter((d) => d.feasible).length} feasible, ${rows.filter((d) => d.pareto).length} on the front of latency against block RAM` +
      (best
        ? `; fastest: #${best.index} (${shapeOf(best)}, ${best.clockMHz} MHz) ${best.latencyMs!.toFixed(2)} ms on VTA`
        : ''),
    ...(out.network
      ? [
          `network ${out.network.name}: latency and FPS are VTA's part; the CPU part (the file's assumption) adds ${out.network.cpuMs.toFixed(2)} ms to every design`,
        ]
      : []),
    '',
  ].join('\n');
}

function progressLine(io: CliIO, tty: boolean) {
  let last = '';
  return {
    show(done: number, total: number) {
      if (!tty) return;
      const width = 30;
      const filled = Math.round((done / total) * width);
      last = `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} designs`;
      io.stderr(last);
    },
    end() {
      if (tty && last) io.stderr('\n');
    },
  };
}

async function merge(paths: string[], format: Format, output: string | undefined, io: CliIO): Promise<number> {
  if (!paths.length) throw new UsageError('give the shard outputs (JSON) to merge');
  const parts = paths.map((p) => {
    const text = new TextDecoder().decode(readInput(p, io.cwd).bytes);
    try {
      return JSON.parse(text) as ExploreOutput;
    } catch (e) {
      throw new UsageError(`${p}: not the JSON output of vta explore (${(e as Error).message})`);
    }
  });
  let merged: ExploreOutput;
  try {
    merged = mergeShards(parts);
  } catch (e) {
    if (e instanceof SpaceError) throw new UsageError(e.message);
    throw e;
  }
  const text = render(merged, format);
  if (output) writeFileSync(resolve(io.cwd, output), text);
  else io.stdout(text);
  return merged.designs.some((d) => d.feasible) ? 0 : 1;
}

export const exploreCommand: CliCommand = {
  name: 'explore',
  summary: 'hardware sweep: every design of a space, auto-scheduled, with its resources and the Pareto front',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        space: { type: 'string' },
        format: { type: 'string', default: 'text' },
        jobs: { type: 'string' },
        shard: { type: 'string' },
        output: { type: 'string', short: 'o' },
      },
    });
    const format = formatOf(values.format);
    if (positionals[0] === 'merge') return merge(positionals.slice(1), format, values.output, io);
    if (positionals.length !== 1 || !positionals[0]!.endsWith('.vtasched'))
      throw new UsageError('give exactly one FILE.vtasched (or: vta explore merge OUT…)');
    if (values.space === undefined) throw new UsageError('give the design space: --space SPACE.json');
    const jobs = values.jobs === undefined ? availableParallelism() : positiveIntOption('jobs', values.jobs);
    let shard: { index: number; count: number } | undefined;
    if (values.shard !== undefined) {
      const m = /^(\d+)\/(\d+)$/.exec(values.shard);
      const [i, n] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
      if (!m || n < 1 || i < 1 || i > n)
        throw new UsageError(`--shard must be I/N with 1 <= I <= N (1-based), not ${values.shard}`);
      shard = { index: i, count: n };
    }
    let space;
    try {
      space = readSpace(JSON.parse(new TextDecoder().decode(readInput(values.space, io.cwd).bytes)));
    } catch (e) {
      if (e instanceof SpaceError || e instanceof SyntaxError) throw new UsageError(`${values.space}: ${e.message}`);
      throw e;
    }
    const path = positionals[0]!;
    const s = loadSchedule(path, io.cwd);
    const swept = sweptNetwork(s.ast, basename(path));
    if (swept.problems.length) {
      for (const d of swept.problems.map((x) => schedDiagnosticIn(path, x))) io.stderr(`${formatDiagnostic(d)}\n`);
      throw new UsageError(
        `${path}: fix the layers' shapes and the network first (the knobs do not matter here: every design is tuned anew)`,
      );
    }
    const network: NetworkLayer[] = swept.layers;
    if (!network.length) throw new UsageError(`${path} has no layer the explorer can read`);
    const all = designsOf(space);
    const designs = shard ? shardOf(all, shard.index, shard.count) : all;
    const results: DesignResult[] = [];
    const progress = progressLine(io, !!process.stderr.isTTY);
    const signal = { cancelled: false, workers: [] as Worker[] };
    const onInterrupt = () => {
      signal.cancelled = true;
      for (const w of signal.workers) void w.terminate();
    };
    process.once('SIGINT', onInterrupt);
    try {
      progress.show(0, designs.length);
      await runDesigns(
        designs,
        space.fpga,
        network,
        jobs,
        (r) => {
          results.push(r);
          progress.show(results.length, designs.length);
        },
        signal,
      );
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      progress.end();
    }
    if (signal.cancelled) {
      io.stderr(`vta explore: cancelled after ${results.length} of ${designs.length} designs\n`);
      return 130;
    }
    results.sort((a, b) => a.index - b.index);
    const out: ExploreOutput = {
      space: { fpga: space.fpga.id, designs: all.length },
      network: { name: swept.name, cpuMs: swept.cpuMs },
      ...(shard ? { shard } : {}),
      designs: markPareto(results),
    };
    const text = render(out, format);
    if (values.output) {
      writeFileSync(resolve(io.cwd, values.output), text);
      io.stderr(`wrote ${values.output}: ${results.length} design${results.length === 1 ? '' : 's'}\n`);
    } else io.stdout(text);
    return results.some((d) => d.feasible) ? 0 : 1;
  },
};
