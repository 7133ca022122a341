/**
 * Hover over a 32-hex-digit instruction word (or an 8-digit micro-op on a `uop`
 * line) in any document the server holds: its decoding (core/lsp-support/hex-hover.ts).
 * Checked before the language hovers; a cheap scan of one line.
 */
import type { Hover, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultTarget, type VtaTarget } from '../../core/isa';
import { hexWordHover } from '../../core/lsp-support/hex-hover';

/** `target`: the document's target, asked for only when the line holds a word. */
export function hexHover(
  doc: TextDocument | undefined,
  pos: Position,
  target: () => VtaTarget | undefined,
): Hover | null {
  if (!doc) return null;
  const line = doc
    .getText({ start: { line: pos.line, character: 0 }, end: { line: pos.line + 1, character: 0 } })
    .replace(/\r?\n$/, '');
  if (!/[0-9a-fA-F]{8}/.test(line)) return null;
  const h = hexWordHover(target() ?? defaultTarget(), line, pos.character);
  if (!h) return null;
  return {
    contents: { kind: 'markdown', value: h.markdown },
    range: { start: { line: pos.line, character: h.start }, end: { line: pos.line, character: h.end } },
  };
}
