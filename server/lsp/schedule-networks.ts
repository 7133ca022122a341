/**
 * Networks of a `.vtasched` document in the editor: a code lens above each network with
 * its total (opening the estimate table), and hovers: the network's totals on its
 * header, a line's share of the network on the line. Built from the layers' estimates
 * the expensive tier has cached; a hover computes what is missing.
 */
import type { CodeLens, Hover, Position } from 'vscode-languageserver/node';
import {
  estimateNetworks,
  layerErrors,
  networkEstimates,
  networkJson,
  type NetworkEstimate,
  type SchedNetwork,
  type SchedOperator,
} from '../../core/schedule';
import type { LayerEstimate } from '../../core/schedule/lowered-checks';
import { rangeContains } from '../../core/lsp-support/symbols';
import type { SchedAnalysis, Workspace } from './workspace';

/**
 * The networks' estimates: from the layers' estimates the expensive tier has cached, or
 * (`compute`) every layer estimated now on the fast path (milliseconds a layer; the
 * same cycles).
 */
export function documentNetworks(ws: Workspace, a: SchedAnalysis, compute: boolean): NetworkEstimate[] {
  if (!a.ast.statements.some((s) => s.kind === 'network')) return [];
  if (compute) return estimateNetworks(a.ast, a.lint, { maxInstructions: 200_000 });
  const estimates: LayerEstimate[] = [];
  for (const s of a.ast.statements) {
    if (s.kind !== 'operator') continue;
    const e = ws.layerLowered(a, s as SchedOperator, false)?.estimate;
    if (e) estimates.push(e);
  }
  return networkEstimates(a.ast, a.lint, estimates);
}

const ms = (us: number) => `${(us / 1000).toFixed(2)} ms`;

/** One line: `Σ 123.45 ms on VTA + 12.00 ms CPU → 4.32 frames/s`. */
export function networkSummary(n: NetworkEstimate): string {
  const cpu = n.rows.some((r) => r.kind === 'cpu') ? ` + ${ms(n.cpuMicroseconds)} CPU (assumed)` : '';
  const missing = n.complete ? '' : ` (without ${[...new Set(n.missing)].join(', ')}: not estimated)`;
  return `Σ ${n.name}: ${ms(n.vtaMicroseconds)} on VTA${cpu} → ${n.framesPerSecond.toFixed(2)} frames/s${missing}`;
}

/** A lens above each network: its total; it opens the table of the network's estimate. */
export function networkLenses(ws: Workspace, a: SchedAnalysis): CodeLens[] {
  const nets = documentNetworks(ws, a, false);
  return nets.map((n) => {
    const stmt = a.ast.statements.find((s): s is SchedNetwork => s.kind === 'network' && s.nameRange === n.nameRange)!;
    const line = stmt.range.start.line;
    // Layers the expensive tier has still to estimate (those with lint errors never will be).
    const broken = (name: string) => {
      const op = a.ast.statements.find((x): x is SchedOperator => x.kind === 'operator' && x.name === name);
      return (
        !op || layerErrors(a.lint, op).length > 0 || !a.lint.layers.some((f) => f.layer.nameRange === op.nameRange)
      );
    };
    const pending = [...new Set(n.missing)].filter((name) => !broken(name));
    const lines = n.rows.filter((r) => r.kind === 'layer');
    const title = pending.length
      ? `Σ ${n.name}: estimating… (${lines.filter((r) => r.cycles !== undefined).length} of ${lines.length} layer lines)`
      : networkSummary(n);
    return {
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      command: { title, command: 'vta.showNetworkEstimate', arguments: [a.uri, n.name, networkJson(n)] },
    };
  });
}

export function networkHover(ws: Workspace, a: SchedAnalysis, s: SchedNetwork, pos: Position): Hover | null {
  const n = documentNetworks(ws, a, true).find((x) => x.nameRange === s.nameRange);
  if (!n) return null;
  const entry = s.entries.find((e) => rangeContains(e.range, pos));
  const row = entry && n.rows.find((r) => r.nameRange === entry.nameRange);
  if (!row)
    return {
      contents: {
        kind: 'markdown',
        value: `**network** \`${n.name}\`: ${n.rows.length} lines.\n\n${networkSummary(n)}`,
      },
      range: s.headerRange,
    };
  if (row.kind === 'cpu') {
    const t =
      row.microseconds === undefined ? 'no time given (`us=…`)' : `${ms(row.microseconds)}, as the schedule assumes`;
    return {
      contents: {
        kind: 'markdown',
        value: `**cpu** \`${row.name}\` runs on the CPU: ${t}${row.repeat > 1 ? ` for ${row.repeat} runs` : ''}. It is listed apart from the VTA time.`,
      },
      range: entry!.range,
    };
  }
  const value =
    row.cycles === undefined
      ? `\`${row.name}\`: not estimated (see the layer's findings).`
      : `\`${row.name}\`${row.repeat > 1 ? ` x ${row.repeat}` : ''}: ${(row.share! * 100).toFixed(1)}% of ${n.name}'s VTA time — ${row.cycles.toLocaleString('en-US')} cycles, ${ms(row.microseconds!)}; GEMM ${Math.round(row.gemmUtilisation! * 100)}%, DRAM ${(row.dramBytes! / 1e6).toFixed(2)} MB; bound by ${row.bound === 'latency' ? 'latency (tokens, setup, waiting between modules)' : row.bound === 'dram' ? 'DRAM traffic' : 'compute'}.`;
  return { contents: { kind: 'markdown', value }, range: entry!.range };
}

/** A layer's share of each network that runs it (all its lines together), for the layer's hover; undefined when no network does. */
export function layerShareText(ws: Workspace, a: SchedAnalysis, layer: string): string | undefined {
  if (!a.ast.statements.some((s) => s.kind === 'network' && s.entries.some((e) => e.name === layer && !e.prefix)))
    return undefined;
  const parts = documentNetworks(ws, a, true).flatMap((n) => {
    const rows = n.rows.filter((r) => r.kind === 'layer' && r.name === layer);
    if (!rows.length) return [];
    const runs = rows.reduce((x, r) => x + r.repeat, 0);
    if (rows.some((r) => r.share === undefined))
      return [`in network \`${n.name}\` (${runs} run${runs === 1 ? '' : 's'}): not estimated`];
    const share = rows.reduce((x, r) => x + r.share!, 0);
    const us = rows.reduce((x, r) => x + r.microseconds!, 0);
    return [
      `**${(share * 100).toFixed(1)}%** of network \`${n.name}\`'s VTA time (${runs} run${runs === 1 ? '' : 's'}, ${ms(us)} of ${ms(n.vtaMicroseconds)})`,
    ];
  });
  return parts.length ? parts.join('; ') : undefined;
}
