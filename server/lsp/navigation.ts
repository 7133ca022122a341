/** Definition, references, rename and document highlights over the lexical symbol index. */
import {
  DocumentHighlightKind,
  ResponseError,
  ErrorCodes,
  type DocumentHighlight,
  type Location,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { occurrences, symbolAt, type SymbolDef, type SymbolIndex } from '../../core/lsp-support/symbols';
import { sameDef } from './includers';
import { pathToUri, type VtaAnalysis } from './workspace';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set([
  'target',
  'include',
  'const',
  'image',
  'data',
  'kernel',
  'for',
  'in',
  'if',
  'else',
  'uop',
  'load',
  'store',
  'gemm',
  'alu',
  'nop',
  'finish',
  'push',
  'pop',
]);

export function definition(a: VtaAnalysis, pos: Position): Location | null {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return null;
  return { uri: pathToUri(s.def.file), range: s.def.range };
}

/** Indexes of other files that may use a definition (the files that include its file). */
export type Includers = (def: SymbolDef, covered: ReadonlySet<string>) => SymbolIndex[];

/**
 * Every occurrence of the symbol: in this file and what it includes, and, for a global,
 * in the files that include the file defining it (through `includers`).
 */
function allOccurrences(
  a: VtaAnalysis,
  def: SymbolDef,
  includers?: Includers,
): Array<{ file: string; range: Range; isDef: boolean }> {
  const out = occurrences(a.symbols, def);
  if (def.scope || !includers) return out;
  const key = (o: { file: string; range: Range }) => `${o.file}:${o.range.start.line}:${o.range.start.character}`;
  const seen = new Set(out.map(key));
  for (const index of includers(def, new Set(a.symbols.files))) {
    const same = sameDef(index, def);
    if (!same) continue;
    for (const o of occurrences(index, same)) {
      if (seen.has(key(o))) continue;
      seen.add(key(o));
      out.push(o);
    }
  }
  return out;
}

export function references(
  a: VtaAnalysis,
  pos: Position,
  includeDeclaration: boolean,
  includers?: Includers,
): Location[] {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return [];
  return allOccurrences(a, s.def, includers)
    .filter((o) => includeDeclaration || !o.isDef)
    .map((o) => ({ uri: pathToUri(o.file), range: o.range }));
}

export function highlights(a: VtaAnalysis, pos: Position): DocumentHighlight[] {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return [];
  return occurrences(a.symbols, s.def)
    .filter((o) => o.file === a.file)
    .map((o) => ({
      range: o.range,
      kind: o.isDef ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
    }));
}

export function prepareRename(
  a: VtaAnalysis,
  pos: Position,
): { range: import('vscode-languageserver/node').Range; placeholder: string } | null {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return null;
  return { range: s.range, placeholder: s.def.name };
}

export function rename(a: VtaAnalysis, pos: Position, newName: string, includers?: Includers): WorkspaceEdit | null {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return null;
  if (!NAME.test(newName) || KEYWORDS.has(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a valid name`);
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const o of allOccurrences(a, s.def, includers)) {
    (changes[pathToUri(o.file)] ??= []).push({ range: o.range, newText: newName });
  }
  return { changes };
}
