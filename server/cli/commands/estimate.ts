import { parseArgs } from 'node:util';
import { formatDiagnostic } from '../../../core/lang/diagnostic';
import {
  layerErrors,
  networkEstimates,
  networkJson,
  schedDiagnosticIn,
  type NetworkEstimate,
} from '../../../core/schedule';
import { modelStringOf } from '../../../core/isa';
import { checkLoweredLayers } from '../../../core/schedule/lowered-checks';
import type { CliCommand } from '../command';
import { formatOption, positiveIntOption, UsageError } from '../command';
import { loadSchedule, resolveTargetOption } from '../load';

const HELP = `usage: vta estimate FILE.vtasched [--target NAME|FILE] [--format text|json] [--max-instructions N]

For each layer of a schedule: its tiling, the share of each on-chip buffer one round of
tiles takes, and the timing model's estimate of its lowered program (cycles, time,
GEMM utilisation, DRAM bytes) — the figures the editor shows on hover, side by side, to
compare schedules. Layers with lint errors are listed with their first error; layers
whose programs would exceed --max-instructions (default 2,000,000) are not run.
Then each network of the file (network NAME { … }): per line its runs, cycles, time at
the target's clock, share of the network's VTA time, GEMM utilisation, DRAM traffic and
what bounds it (compute, DRAM, latency); the network's VTA time, the CPU operators' time
as the file assumes it (listed apart), latency and frames per second.
--format json prints {layers, networks} for a file with networks, else the layer rows.
Exit status: 0 when every layer was estimated, 1 otherwise, 2 on a usage error.`;

const n = (x: number) => x.toLocaleString('en-US');

export const estimateCommand: CliCommand = {
  name: 'estimate',
  summary: 'tiling, buffer use and timing estimate of each layer of a .vtasched schedule',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        format: { type: 'string', default: 'text' },
        'max-instructions': { type: 'string', default: '2000000' },
      },
    });
    if (positionals.length !== 1 || !positionals[0]!.endsWith('.vtasched'))
      throw new UsageError('give exactly one FILE.vtasched');
    const format = formatOption(values.format);
    const max = positiveIntOption('max-instructions', values['max-instructions']!);
    const path = positionals[0]!;
    const s = loadSchedule(path, io.cwd, resolveTargetOption(values.target, io.cwd));
    const lowered = checkLoweredLayers(s.ast, s.lint, { file: path, maxInstructions: max });
    const rows = s.ast.statements
      .filter((x) => x.kind === 'operator')
      .map((op) => {
        const f = s.lint.layers.find((x) => x.layer.nameRange === op.nameRange);
        const e = lowered.estimates.find((x) => x.nameRange === op.nameRange);
        const lintError = layerErrors(s.lint, op)[0];
        const error =
          (lintError && schedDiagnosticIn(path, lintError)) ??
          lowered.diagnostics
            .filter((d) => d.range === op.nameRange && d.severity === 'error')
            .map((d) => schedDiagnosticIn(path, d))[0];
        const skipped = lowered.skipped.find((x) => x.nameRange === op.nameRange)?.instructions;
        return {
          layer: op.name,
          op: op.op,
          tiles: f?.tiles.output,
          steps: f?.tiles.ci,
          buffers: f
            ? Object.fromEntries(f.buffers.map((b) => [b.buffer, { rows: b.total, depth: b.depth }]))
            : undefined,
          instructions: e?.instructions,
          cycles: e?.cycles,
          microseconds: e?.microseconds,
          timingRow: e?.timingRow,
          gemmUtilisation: e?.gemmUtilisation,
          dramReadBytes: e?.dramReadBytes,
          dramWriteBytes: e?.dramWriteBytes,
          gemmBound: f?.gemmIterations,
          error: error
            ? formatDiagnostic(error)
            : skipped !== undefined
              ? `not run: about ${n(skipped)} instructions (--max-instructions ${n(max)})`
              : undefined,
        };
      });
    const networks = networkEstimates(s.ast, s.lint, lowered.estimates);
    if (format === 'json') {
      io.stdout(
        JSON.stringify(networks.length ? { layers: rows, networks: networks.map(networkJson) } : rows, null, 2) + '\n',
      );
    } else {
      const head = ['layer', 'tiles', 'INP', 'WGT', 'ACC', 'UOP', 'instructions', 'cycles', 'µs', 'GEMM', 'DRAM read'];
      const table = rows.map((r) =>
        r.cycles === undefined
          ? [r.layer, r.tiles === undefined ? '' : `${n(r.tiles)}x${r.steps}`, '', '', '', '', '', '', '', '', '']
          : [
              r.layer,
              `${n(r.tiles!)}x${r.steps}`,
              ...(['INP', 'WGT', 'ACC', 'UOP'] as const).map(
                (b) => `${Math.round((r.buffers![b]!.rows / r.buffers![b]!.depth) * 100)}%`,
              ),
              n(r.instructions!),
              n(r.cycles),
              r.microseconds === undefined ? '' : r.microseconds.toFixed(0),
              `${Math.round(r.gemmUtilisation! * 100)}%`,
              n(r.dramReadBytes!),
            ],
      );
      const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
          .join('  ')
          .trimEnd();
      io.stdout(`${line(head)}\n`);
      for (const [i, row] of table.entries())
        io.stdout(`${line(row)}${rows[i]!.error ? `\n  ${rows[i]!.error}` : ''}\n`);
      const timing = rows.find((r) => r.timingRow)?.timingRow;
      if (timing)
        io.stdout(
          `(tiles: output tiles x input-channel steps; buffers: share of each depth, all threads; timing model ${timing})\n`,
        );
      for (const net of networks) io.stdout(`\n${networkText(net, s.lint.target ? modelStringOf(s.lint.target) : '')}`);
    }
    return rows.every((r) => r.cycles !== undefined) ? 0 : 1;
  },
};

const ms = (us: number) => (us / 1000).toFixed(2);

/** A network as a table in its own order, then its totals. */
export function networkText(net: NetworkEstimate, model: string): string {
  const head = ['', 'operator', 'runs', 'cycles each', 'cycles', 'ms', 'share', 'GEMM', 'DRAM MB', 'bound'];
  const table = net.rows.map((r, i) =>
    r.kind === 'cpu'
      ? [
          `${i + 1}`,
          `cpu ${r.name}`,
          `${r.repeat}`,
          '',
          '',
          r.microseconds === undefined ? '?' : ms(r.microseconds),
          '',
          '',
          '',
          'CPU (assumed)',
        ]
      : [
          `${i + 1}`,
          r.name,
          `${r.repeat}`,
          r.cyclesEach === undefined ? '' : n(r.cyclesEach),
          r.cycles === undefined ? 'not estimated' : n(r.cycles),
          r.microseconds === undefined ? '' : ms(r.microseconds),
          r.share === undefined ? '' : `${(r.share * 100).toFixed(1)}%`,
          r.gemmUtilisation === undefined ? '' : `${Math.round(r.gemmUtilisation * 100)}%`,
          r.dramBytes === undefined ? '' : (r.dramBytes / 1e6).toFixed(2),
          r.bound === 'dram' ? 'DRAM' : (r.bound ?? ''),
        ],
  );
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [`network ${net.name}${model ? ` on ${model}` : ''}`, line(head), ...table.map(line)];
  const cpuNames = net.rows.filter((r) => r.kind === 'cpu').map((r) => r.name);
  out.push(
    `VTA: ${n(net.vtaCycles)} cycles, ${ms(net.vtaMicroseconds)} ms${net.complete ? '' : ` (without ${net.missing.join(', ')}: not estimated)`}`,
  );
  if (cpuNames.length)
    out.push(
      `CPU (the schedule's assumption, not modelled): ${ms(net.cpuMicroseconds)} ms for ${cpuNames.join(', ')}${net.cpuUnknown.length ? `; no time given for ${net.cpuUnknown.join(', ')}` : ''}`,
    );
  out.push(
    `latency ${ms(net.latencyMicroseconds)} ms per run of ${net.batch} image${net.batch === 1 ? '' : 's'}: ${net.framesPerSecond.toFixed(2)} frames/s (VTA part alone: ${net.vtaFramesPerSecond.toFixed(2)} frames/s)`,
  );
  return out.join('\n') + '\n';
}
