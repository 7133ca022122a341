/** Document symbols, workspace symbols and folding ranges, for .vta and .vtasched. */
import {
  FoldingRangeKind,
  SymbolKind,
  type DocumentSymbol,
  type FoldingRange,
  type SymbolInformation,
} from 'vscode-languageserver/node';
import type { Comment, KernelItem, Range, SourceFile, Stmt } from '../../core/lang/ast';
import { symbolRanges } from '../../core/lang/findings';
import type { SymbolKind as VtaSymbolKind } from '../../core/lsp-support/symbols';
import { MODULES, MODULE_NAMES } from '../../core/isa';
import { count } from '../../core/lang/count';
import { pathToUri, type SchedAnalysis, type VtaAnalysis } from './workspace';

const KIND: Record<VtaSymbolKind, SymbolKind> = {
  const: SymbolKind.Constant,
  data: SymbolKind.Variable,
  kernel: SymbolKind.Function,
  label: SymbolKind.Key,
  loopvar: SymbolKind.Variable,
  param: SymbolKind.TypeParameter,
};

function sym(
  name: string,
  detail: string,
  kind: SymbolKind,
  range: Range,
  selectionRange: Range,
  children?: DocumentSymbol[],
): DocumentSymbol {
  return { name, detail, kind, ...symbolRanges(range, selectionRange), children };
}

export function documentSymbolsVta(a: VtaAnalysis): DocumentSymbol[] {
  const top = (stmts: Stmt[]): DocumentSymbol[] => {
    const out: DocumentSymbol[] = [];
    for (const s of stmts) {
      if (!s) continue;
      switch (s.kind) {
        case 'const':
          out.push(sym(s.name.name, 'const', SymbolKind.Constant, s.range, s.name.range));
          break;
        case 'data':
          out.push(sym(s.name.name, `${s.mem.name}[…]`, SymbolKind.Variable, s.range, s.name.range));
          break;
        case 'kernel':
          out.push(
            sym(
              s.name.name,
              s.params.length ? `kernel(${s.params.map((p) => p.name).join(', ')})` : 'kernel',
              SymbolKind.Function,
              s.range,
              s.name.range,
              s.params.map((p) => sym(p.name, 'parameter', SymbolKind.TypeParameter, p.range, p.range)),
            ),
          );
          break;
        case 'label':
          out.push(sym(s.name.name, 'label', SymbolKind.Key, s.range, s.name.range));
          break;
        case 'target':
          out.push(sym(`target ${s.name ?? s.path}`, '', SymbolKind.Module, s.range, s.valueRange));
          break;
        case 'include':
          out.push(sym(`include ${s.path}`, '', SymbolKind.File, s.range, s.pathRange));
          break;
        case 'for':
          out.push(sym(`for ${s.variable.name}`, 'loop', SymbolKind.Namespace, s.range, s.variable.range, top(s.body)));
          break;
        case 'if':
          out.push(
            sym('if', 'condition', SymbolKind.Namespace, s.range, s.headerRange, [
              ...top(s.then),
              ...top(s.else ?? []),
            ]),
          );
          break;
        default:
          break;
      }
    }
    return out;
  };
  return [...top(a.ast.statements), ...moduleSymbols(a)];
}

/** At most this many instruction lines under each module in the Outline. */
const MAX_LINES_PER_MODULE = 500;

/**
 * The three modules, each with the instruction lines that run on it (a line in a loop
 * once), so that the Outline shows the program's three streams, not only declarations.
 */
function moduleSymbols(a: VtaAnalysis): DocumentSymbol[] {
  const p = a.result.program;
  if (!p) return [];
  const lines = a.text.split('\n');
  const out: DocumentSymbol[] = [];
  for (const m of MODULES) {
    const seen = new Set<number>();
    const children: DocumentSymbol[] = [];
    let insns = 0;
    for (const pi of p.insns) {
      if (pi.module !== m || pi.origin !== 'written' || pi.source?.file !== a.file) continue;
      insns++;
      const src = pi.source;
      if (seen.has(src.start.line) || children.length >= MAX_LINES_PER_MODULE) continue;
      seen.add(src.start.line);
      const text = (lines[src.start.line] ?? '')
        .slice(src.start.character)
        .replace(/\s*;.*$/, '')
        .trim();
      const [mnemonic, ...rest] = text.split(/\s+/);
      const range = {
        start: { line: src.start.line, character: src.start.character },
        end: { line: src.end.line, character: src.end.character },
      };
      children.push(
        sym(
          `${mnemonic ?? ''}${rest[0] && /^[a-z]+$/.test(rest[0]) ? ` ${rest[0]}` : ''}`,
          pi.label ? `${pi.label}:` : `line ${src.start.line + 1}`,
          SymbolKind.Event,
          range,
          range,
        ),
      );
    }
    if (!children.length) continue;
    const first = children[0]!.range;
    const last = children.reduce((r, c) => (c.range.end.line > r.end.line ? c.range : r), first);
    out.push(
      sym(
        `${MODULE_NAMES[m]} module`,
        `${count(insns, 'instruction')}${seen.size < insns ? ` from ${count(seen.size, 'line')}` : ''}`,
        SymbolKind.Module,
        { start: first.start, end: last.end },
        first,
        children,
      ),
    );
  }
  return out;
}

export function workspaceSymbolsVta(
  analyses: VtaAnalysis[],
  query: string,
  onDisk: Array<{ file: string; ast: SourceFile }> = [],
): SymbolInformation[] {
  const q = query.toLowerCase();
  const seen = new Set<string>();
  const out: SymbolInformation[] = [];
  for (const { file, ast } of onDisk) {
    for (const s of ast.statements) {
      if (!s || (s.kind !== 'const' && s.kind !== 'data' && s.kind !== 'kernel' && s.kind !== 'label')) continue;
      if (q && !s.name.name.toLowerCase().includes(q)) continue;
      const key = `${file}:${s.name.range.start.line}:${s.name.range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        name: s.name.name,
        kind: KIND[s.kind],
        location: { uri: pathToUri(file), range: s.name.range },
        containerName: file.split('/').pop(),
      });
      if (out.length >= 5000) return out;
    }
  }
  for (const a of analyses) {
    for (const d of a.symbols.defs) {
      if (d.kind === 'loopvar' || d.kind === 'param') continue;
      if (q && !d.name.toLowerCase().includes(q)) continue;
      const key = `${d.file}:${d.range.start.line}:${d.range.start.character}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        name: d.name,
        kind: KIND[d.kind],
        location: { uri: pathToUri(d.file), range: d.range },
        containerName: d.detail,
      });
    }
  }
  return out;
}

function commentRuns(comments: Comment[]): FoldingRange[] {
  const out: FoldingRange[] = [];
  const lines = comments.map((c) => c.range.start.line);
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    if (j > i) out.push({ startLine: lines[i]!, endLine: lines[j]!, kind: FoldingRangeKind.Comment });
    i = j + 1;
  }
  return out;
}

export function foldingVta(a: VtaAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const block = (r: Range) => {
    if (r.end.line > r.start.line)
      out.push({ startLine: r.start.line, endLine: r.end.line - 1, kind: FoldingRangeKind.Region });
  };
  const walk = (items: Array<Stmt | KernelItem> | undefined) => {
    for (const s of items ?? []) {
      if (!s) continue;
      if (s.kind === 'kernel' || s.kind === 'for') {
        block(s.range);
        walk(s.body as Array<Stmt | KernelItem>);
      } else if (s.kind === 'if') {
        block(s.range);
        walk(s.then as Array<Stmt | KernelItem>);
        walk(s.else as Array<Stmt | KernelItem> | undefined);
      }
    }
  };
  walk(a.ast.statements);
  // Only comments that sit on their own lines form foldable runs.
  const lines = a.text.split('\n');
  const own = a.ast.comments.filter((c) =>
    (lines[c.range.start.line] ?? '').trimStart().startsWith(c.text.slice(0, 1)),
  );
  for (const r of commentRuns(own)) out.push(r); // no spread: a file may have 100,000s
  return out;
}

export function documentSymbolsSched(a: SchedAnalysis): DocumentSymbol[] {
  return a.ast.statements.map((s) =>
    s.kind === 'target'
      ? sym(`target ${s.value}`, '', SymbolKind.Module, s.range, s.valueRange)
      : s.kind === 'network'
        ? sym(
            s.name || '?',
            'network',
            SymbolKind.Namespace,
            s.range,
            s.nameRange,
            s.entries.map((e) => sym(e.name || '?', e.prefix?.text ?? '', SymbolKind.Field, e.range, e.nameRange)),
          )
        : sym(
            s.name || '?',
            s.op,
            SymbolKind.Function,
            s.range,
            s.nameRange,
            s.items.map((it) => sym(it.key || '?', '', SymbolKind.Property, it.range, it.keyRange)),
          ),
  );
}

export function foldingSched(a: SchedAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const s of a.ast.statements) {
    if (s.kind !== 'target' && s.range.end.line > s.range.start.line)
      out.push({ startLine: s.range.start.line, endLine: s.range.end.line - 1, kind: FoldingRangeKind.Region });
  }
  const lines = a.text.split('\n');
  for (const r of commentRuns(
    a.ast.comments.filter((c) =>
      (lines[c.range.start.line] ?? '').trimStart().startsWith(c.text.slice(0, 1)),
    ) as Comment[],
  ))
    out.push(r);
  return out;
}
