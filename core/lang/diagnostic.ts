/**
 * Diagnostics shared by every tool: the CLI prints them, the language server
 * publishes them, the debugger shows them. Codes are stable and grouped in families
 * (`vta.syntax.*`, `vta.bounds.*`, …) so users can filter and suppress them.
 */
import type { Range } from './ast';

export type Severity = 'error' | 'warning' | 'info';

export interface RelatedInfo {
  file: string;
  range: Range;
  message: string;
  /** 0-based index in the instruction stream, when the location is an instruction. */
  instruction?: number;
}

/** A text edit that repairs a finding, offered as a quick fix. */
export interface FixEdit {
  file: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: FixEdit[];
}

/**
 * A finding, as plain data: every range is four numbers in plain objects (no getters,
 * no classes: `plainRange` in ast.ts turns a parser's or a program's range into one),
 * so a diagnostic crosses a thread or a process as it is and compares as it prints.
 */
export interface Diagnostic {
  file: string;
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  instruction?: number;
  related?: RelatedInfo[];
  fixes?: Fix[];
}

export const ZERO_RANGE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Orders diagnostics by file, then position, so output is stable. */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return diags.sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
        ? 1
        : a.range.start.line - b.range.start.line ||
          a.range.start.character - b.range.start.character ||
          (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

/** `file:line:col: severity code: message` (1-based line and column, as compilers print). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`;
}
