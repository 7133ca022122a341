/**
 * The `.vta` formatter. It only changes whitespace between tokens, never the tokens
 * or the line structure, so the assembled bytes cannot change:
 * - indentation: 2 spaces per block level; at the top level instructions and push/pop
 *   lines are indented by 2 (the examples' style), declarations, labels and blocks are not;
 * - runs of spaces inside a line become one space; the mnemonic is padded to 4 columns
 *   so that operands line up (`pop  ld->ex`, `alu  max`, `load inp`);
 * - consecutive `data` lines align their `:` and `=`, consecutive `const` lines their `=`,
 *   and consecutive instructions with the same mnemonic and operand keys their operands;
 * - trailing comments of consecutive lines are aligned to one column.
 * The result is a fixed point: formatting it again changes nothing. A text with
 * lexical or syntax errors is left alone.
 */
import type { IToken } from 'chevrotain';
import { vtaLexer } from '../lang/lexer';
import { parseVta } from '../lang/parser';

const INSN_WORDS = new Set(['load', 'store', 'gemm', 'alu', 'nop', 'finish', 'push', 'pop']);
const MNEMONICS = new Set(['load', 'store', 'gemm', 'alu', 'nop', 'finish']);
const MNEMONIC_WIDTH = 4;

interface Line {
  code: string;
  /** For `data`/`const` lines: the code split into columns aligned across consecutive lines. */
  columns?: string[];
  /** Lines of the same kind in a row align their columns. */
  columnKind?: string;
  comment?: string;
  /** Original column of the comment, relative to the new indentation. */
  commentCol: number;
  indent: number;
  blank: boolean;
}

export function formatVta(text: string): string | undefined {
  const lexed = vtaLexer.tokenize(text);
  if (lexed.errors.length) return undefined;
  if (parseVta(text).errors.length) return undefined;
  // Lines end as the lexer counts them (`\n`, `\r\n` or a lone `\r`); each keeps its own end.
  const parts = text.split(/(\r\n|\r|\n)/);
  const srcLines: string[] = [];
  const ends: string[] = [];
  for (let k = 0; k < parts.length; k += 2) {
    srcLines.push(parts[k]!);
    ends.push(parts[k + 1] ?? '');
  }
  const tokens = [...lexed.tokens, ...(lexed.groups.comments ?? [])]
    .filter((t) => t.tokenType.name !== 'Newline')
    .sort((a, b) => a.startOffset - b.startOffset);
  const byLine = new Map<number, IToken[]>();
  for (const t of tokens) {
    const l = (t.startLine ?? 1) - 1;
    let arr = byLine.get(l);
    if (!arr) byLine.set(l, (arr = []));
    arr.push(t);
  }
  const lines: Line[] = [];
  let depth = 0;
  for (let i = 0; i < srcLines.length; i++) {
    const toks = byLine.get(i) ?? [];
    const raw = srcLines[i]!;
    if (!toks.length) {
      lines.push({ code: '', commentCol: 0, indent: 0, blank: true });
      continue;
    }
    const commentTok = toks.at(-1)!.tokenType.name === 'Comment' ? toks.at(-1)! : undefined;
    const code = commentTok ? toks.slice(0, -1) : toks;
    const leadingClose = code.length > 0 && code[0]!.image === '}' ? 1 : 0;
    const level = Math.max(0, depth - leadingClose);
    for (const t of code) {
      if (t.image === '{') depth++;
      else if (t.image === '}') depth = Math.max(0, depth - 1);
    }
    const origIndent = raw.length - raw.trimStart().length;
    let indent = 2 * level;
    if (level === 0) {
      if (code.length && INSN_WORDS.has(code[0]!.image)) indent = 2;
      else if (!code.length) indent = origIndent === 0 ? 0 : 2;
    }
    // Column boundaries: `data NAME | : MEM[COUNT] [@ X] | = INIT` and `const NAME | = EXPR`.
    const cuts = new Set<number>();
    let columnKind: Line['columnKind'];
    if (level === 0 && code[0]?.image === 'data' && code[2]?.image === ':') {
      columnKind = 'data';
      cuts.add(2);
      let bracket = 0;
      for (let k = 3; k < code.length; k++) {
        const im = code[k]!.image;
        if (im === '[' || im === '(') bracket++;
        else if (im === ']' || im === ')') bracket--;
        else if (im === '=' && bracket === 0) {
          cuts.add(k);
          break;
        }
      }
    } else if (level === 0 && code[0]?.image === 'const' && code[2]?.image === '=') {
      columnKind = 'const';
      cuts.add(2);
    } else if (code.length && MNEMONICS.has(code[0]!.image) && code[0]!.tokenType.name.startsWith('Kw_')) {
      // Instructions: the head (mnemonic and words), then one column per `key=value` operand.
      const keys: string[] = [];
      let paren = 0;
      for (let k = 1; k < code.length; k++) {
        const im = code[k]!.image;
        if (im === '(') paren++;
        else if (im === ')') paren--;
        else if (paren === 0 && code[k + 1]?.image === '=' && /^[A-Za-z_]/.test(im) && code[k - 1]!.image !== '=') {
          cuts.add(k);
          keys.push(im);
        }
      }
      if (keys.length) columnKind = `${code[0]!.image}:${keys.join(',')}`;
      else cuts.clear();
    }
    const spaceAfterCut = new Set<number>();
    for (const k of cuts) if (code[k]?.image === '=') spaceAfterCut.add(k + 1);
    const columns: string[] = [];
    let out = '';
    for (let k = 0; k < code.length; k++) {
      const t = code[k]!;
      if (cuts.has(k)) {
        columns.push(out);
        out = '';
      } else if (k > 0) {
        const prev = code[k - 1]!;
        const gap = t.startOffset > prev.endOffset! + 1 || spaceAfterCut.has(k);
        if (k === 1 && INSN_WORDS.has(prev.image) && prev.tokenType.name.startsWith('Kw_') && gap) {
          out += ' '.repeat(Math.max(1, MNEMONIC_WIDTH + 1 - prev.image.length));
        } else if (gap) {
          out += ' ';
        }
      }
      out += t.image;
    }
    const rawCol = commentTok ? (commentTok.startColumn ?? 1) - 1 : 0;
    const commentCol = commentTok ? (code.length ? rawCol - origIndent + indent : rawCol) : 0;
    if (columnKind) {
      columns.push(out);
      lines.push({
        code: columns.join(' '),
        columns,
        columnKind,
        comment: commentTok?.image,
        commentCol,
        indent,
        blank: false,
      });
    } else {
      lines.push({ code: out, comment: commentTok?.image, commentCol, indent, blank: false });
    }
  }
  // Align the columns of consecutive `data` lines and of consecutive `const` lines.
  for (let i = 0; i < lines.length; ) {
    const kind = lines[i]!.columnKind;
    if (!kind) {
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]!.columnKind === kind) j++;
    const widths: number[] = [];
    for (let k = i; k < j; k++) {
      const cols = lines[k]!.columns!;
      cols.forEach((c, n) => {
        // The last column of a line is not padded, so it does not widen the others.
        if (n < cols.length - 1) widths[n] = Math.max(widths[n] ?? 0, c.length);
      });
    }
    for (let k = i; k < j; k++) {
      const cols = lines[k]!.columns!;
      lines[k]!.code = cols.map((c, n) => (n < cols.length - 1 ? c.padEnd(widths[n]!) : c)).join(' ');
    }
    i = j;
  }
  // Align trailing comments over runs of consecutive lines that have them.
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (!(l.comment && l.code)) {
      i++;
      continue;
    }
    let j = i;
    const run: number[] = [];
    while (j < lines.length) {
      const m = lines[j]!;
      if (m.comment && m.code) run.push(j);
      else if (m.comment && !m.code && run.length && m.commentCol > m.indent) run.push(j);
      else break;
      j++;
    }
    let col = 0;
    for (const k of run) {
      const m = lines[k]!;
      const end = m.code ? m.indent + m.code.length + 1 : 0;
      col = Math.max(col, end, m.commentCol);
    }
    for (const k of run) {
      const m = lines[k]!;
      if (!m.code) {
        m.indent = col;
      } else {
        m.code = m.code + ' '.repeat(col - m.indent - m.code.length);
      }
    }
    i = j;
  }
  const rendered = lines.map((l) => {
    if (l.blank) return '';
    if (!l.code) return ' '.repeat(l.indent) + (l.comment ?? '');
    return ' '.repeat(l.indent) + l.code + (l.comment ? l.comment : '');
  });
  // A trailing comment is glued right after the padding; without one, no trailing spaces.
  return rendered
    .map((s, k) => {
      const line = s.replace(/[ \t]+$/, '');
      // A blank line between a lone `\r` and a `\n` keeps its blanks: emptied, the two
      // ends would read as one `\r\n` and the line would be gone.
      if (!line && ends[k - 1] === '\r' && ends[k]!.startsWith('\n')) return srcLines[k]! + ends[k];
      return line + ends[k];
    })
    .join('');
}
