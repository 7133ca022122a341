/** Definition, references, rename and document highlights over the lexical symbol index. */
import {
  DocumentHighlightKind, ResponseError, ErrorCodes,
  type DocumentHighlight, type Location, type Position, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { occurrences, symbolAt } from '../../core/lsp-support/symbols';
import { pathToUri, type VtaAnalysis } from './workspace';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['target', 'include', 'const', 'image', 'data', 'kernel', 'for', 'in', 'if', 'else', 'uop', 'load', 'store', 'gemm', 'alu', 'nop', 'finish', 'push', 'pop']);

export function definition(a: VtaAnalysis, pos: Position): Location | null {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return null;
  return { uri: pathToUri(s.def.file), range: s.def.range };
}

export function references(a: VtaAnalysis, pos: Position, includeDeclaration: boolean): Location[] {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return [];
  return occurrences(a.symbols, s.def).filter((o) => includeDeclaration || !o.isDef).map((o) => ({ uri: pathToUri(o.file), range: o.range }));
}

export function highlights(a: VtaAnalysis, pos: Position): DocumentHighlight[] {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return [];
  return occurrences(a.symbols, s.def).filter((o) => o.file === a.file).map((o) => ({
    range: o.range, kind: o.isDef ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}

export function prepareRename(a: VtaAnalysis, pos: Position): { range: import('vscode-languageserver/node').Range; placeholder: string } | null {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return null;
  return { range: s.range, placeholder: s.def.name };
}

export function rename(a: VtaAnalysis, pos: Position, newName: string): WorkspaceEdit | null {
  const s = symbolAt(a.symbols, a.file, pos);
  if (!s) return null;
  if (!NAME.test(newName) || KEYWORDS.has(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a valid name`);
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const o of occurrences(a.symbols, s.def)) {
    (changes[pathToUri(o.file)] ??= []).push({ range: o.range, newText: newName });
  }
  return { changes };
}
