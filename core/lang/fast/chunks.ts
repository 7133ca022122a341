/**
 * Splitting a `.vta` text into runs of whole top-level lines, so the parser can lex and
 * parse one run at a time. On a large file this keeps each run's tokens short-lived:
 * they die young instead of being copied through the garbage collector's generations
 * with the syntax tree (about a third of the parse time on a 20,000-line file).
 *
 * A boundary is only placed after a newline outside every `{ … }` block, so no
 * statement, block or string is ever cut; text whose braces never balance stays one run.
 * A line with a stray `}` always ends its run, so what follows it is parsed whatever
 * the run length.
 */

const NL = 10,
  CR = 13,
  LBRACE = 123,
  RBRACE = 125,
  QUOTE = 34,
  BACKSLASH = 92,
  SEMI = 59,
  SLASH = 47;

/** The characters the scan acts on: line ends, braces, comment and string openers. */
const SIGNIFICANT = /[\n\r{};"/]/g;

export interface Runs {
  /** Start offset of each run; the first is 0. */
  offsets: number[];
  /** 0-based line of each run's start. */
  lines: number[];
}

/** Splits `text` into runs at least `minChars` long (bar the last, and runs ended by a stray `}`). */
export function topLevelRuns(text: string, minChars: number): Runs {
  const offsets = [0];
  const lines = [0];
  let line = 0;
  let depth = 0;
  let runStart = 0;
  /** A `}` with no block open: the parser stops its run there, so the run ends at this line. */
  let stray = false;
  const n = text.length;
  const next = SIGNIFICANT;
  for (let i = 0; i < n; i++) {
    // Jump to the next character that matters (a regex scan is several times faster
    // than a loop over every character).
    next.lastIndex = i;
    if (!next.test(text)) break;
    i = next.lastIndex - 1;
    const c = text.charCodeAt(i);
    // Lines end as the lexer's Newline does: `\n`, `\r\n` (counted at its `\n`) or a lone `\r`.
    if (c === NL || (c === CR && text.charCodeAt(i + 1) !== NL)) {
      line++;
      if (depth === 0 && (stray || i + 1 - runStart >= minChars) && i + 1 < n) {
        runStart = i + 1;
        offsets.push(runStart);
        lines.push(line);
      }
      stray = false;
    } else if (c === LBRACE) {
      depth++;
    } else if (c === RBRACE) {
      if (depth > 0) depth--;
      else stray = true;
    } else if (c === SEMI || (c === SLASH && text.charCodeAt(i + 1) === SLASH)) {
      // A comment runs to the end of the line; its braces do not count.
      while (i + 1 < n && !lineEnd(text.charCodeAt(i + 1))) i++;
    } else if (c === QUOTE) {
      i = stringEnd(text, i);
    }
  }
  return { offsets, lines };
}

/**
 * Where the string opening at `open` ends, as the lexer sees it: strings never span
 * lines; an unterminated quote is one bad character and the rest of the line is lexed
 * as usual (so its braces count).
 */
function stringEnd(text: string, open: number): number {
  for (let j = open + 1; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (lineEnd(d)) return open;
    if (d === QUOTE) return j;
    if (d === BACKSLASH) {
      if (lineEnd(text.charCodeAt(j + 1))) return open;
      j++;
    }
  }
  return open;
}

function lineEnd(c: number): boolean {
  return c === NL || c === CR;
}
