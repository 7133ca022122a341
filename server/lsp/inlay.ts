/**
 * Inlay hints: resolved SRAM rows after load/store/gemm/alu lines; queue contents after push/pop.
 * Each label starts with a space: editors render `paddingLeft` as a hairline at most.
 */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver/node';
import type { RowAccess } from '../../core/analysis/access';
import { programIndex } from '../../core/analysis/program-index';
import { statementsInLines } from '../../core/lsp-support/locate';
import { formatRows, insnsOf } from './hover';
import { estimateText } from './schedule-figures';
import type { SchedAnalysis, VtaAnalysis, Workspace } from './workspace';

export function inlayHintsVta(ws: Workspace, a: VtaAnalysis, range: Range): InlayHint[] {
  const out: InlayHint[] = [];
  const p = a.result.program;
  const index = p && programIndex(p);
  for (const s of statementsInLines(a.ast, range.start.line, range.end.line)) {
    const line = s.range.start.line;
    if (
      s.kind === 'insn' &&
      (s.mnemonic === 'load' || s.mnemonic === 'store' || s.mnemonic === 'gemm' || s.mnemonic === 'alu')
    ) {
      const idx = insnsOf(a, s);
      if (!index || !idx.length) continue;
      const first = index.accesses(idx[0]!) ?? [];
      // Through a loop a line writes several instructions: show the union of their rows.
      const all = idx.map((i) => index.accesses(i) ?? []);
      const merged = first.map((x, n) =>
        unionAccess(
          x,
          all.map((acc) => acc[n]).filter((y): y is RowAccess => !!y && y.buf === x.buf && y.role === x.role),
        ),
      );
      const parts = merged
        .filter((x) => x.buf !== 'uop' && (x.write || s.mnemonic === 'store' || x.role.includes('reads')))
        .map((x) => `${x.write ? '→' : '←'}${x.buf.toUpperCase()}[${formatRows(x)}]`);
      if (!parts.length) continue;
      const label = parts.join(' ') + (idx.length > 1 ? ` (${idx.length} instructions)` : '');
      out.push({ position: s.range.end, label: ` ${label}`, kind: InlayHintKind.Type, paddingLeft: true });
    } else if (s.kind === 'push' || s.kind === 'pop') {
      const t = index?.tokenLine(a.file, line);
      if (!t) continue;
      out.push({
        position: s.range.end,
        label: ` ${t.queue}: ${t.count}`,
        kind: InlayHintKind.Parameter,
        paddingLeft: true,
        tooltip: 'Tokens in the queue after this line, counted in text order',
      });
    }
  }
  return out;
}

/** The union of the row sets of several accesses of the same role. */
function unionAccess(first: RowAccess, all: RowAccess[]): RowAccess {
  if (all.length <= 1) return first;
  const spans: Array<[number, number]> = [];
  let min = Infinity;
  let max = -Infinity;
  for (const a of all) {
    for (let i = 0; i < a.rows.length; i += 2) spans.push([a.rows[i]!, a.rows[i + 1]!]);
    if (a.max >= a.min) {
      min = Math.min(min, a.min);
      max = Math.max(max, a.max);
    }
  }
  spans.sort((x, y) => x[0] - y[0]);
  const rows: number[] = [];
  for (const [lo, hi] of spans) {
    if (rows.length && lo <= rows[rows.length - 1]!) rows[rows.length - 1] = Math.max(rows[rows.length - 1]!, hi);
    else rows.push(lo, hi);
  }
  return { ...first, rows, min: Number.isFinite(min) ? min : first.min, max: Number.isFinite(max) ? max : first.max };
}

/**
 * A schedule layer's estimate (timing model of its lowered program) after its header:
 * only what the expensive tier has computed, which asks for a refresh when it is done.
 */
export function inlayHintsSched(ws: Workspace, a: SchedAnalysis, range: Range): InlayHint[] {
  const out: InlayHint[] = [];
  for (const s of a.ast.statements) {
    if (s.kind !== 'operator' || s.nameRange.start.line < range.start.line || s.nameRange.start.line > range.end.line)
      continue;
    const e = ws.layerLowered(a, s, false)?.estimate;
    if (e)
      out.push({
        position: s.headerRange.end,
        label: ` ${estimateText(e)}`,
        kind: InlayHintKind.Type,
        paddingLeft: true,
        tooltip: 'Timing-model estimate of the lowered layer; hover the name for its figures',
      });
  }
  return out;
}
