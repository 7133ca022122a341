/**
 * Instruction streams written as hex text: HLS testbench logs, JSON test vectors,
 * printf output. A 128-bit instruction is 32 hex digits anywhere in a line, by
 * default most significant digit first (as C prints word[1] then word[0] with
 * %016llx); in memory order byte 0 comes first. A micro-op is 8 hex digits on a
 * line that says `uop`. Never throws; linear in the text.
 */
import type { Diagnostic } from '../lang/diagnostic';
import type { Uop, VtaTarget } from '../isa';
import { INSN_BYTES, UOP_BYTES, decodeUop } from '../isa';

export type ByteOrder = 'value' | 'memory';

export interface HexWord {
  /** 0-based line and UTF-16 columns of the digits (a `0x` prefix excluded). */
  line: number;
  start: number;
  end: number;
  digits: string;
  kind: 'insn' | 'uop';
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
const isWordChar = (c: number): boolean => isHex(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Whether the line mentions micro-ops (`uop`, `UOP`, `uops`, `uop[3]`…). */
export function mentionsUop(text: string): boolean {
  return /(?:^|[^A-Za-z])uops?(?:[^A-Za-z]|$)/i.test(text);
}

/**
 * The whole runs of hex digits in a line that are words: 32 digits, or 8 on a line
 * that mentions micro-ops; `others` collects runs of 24–40 digits that are neither
 * (a digit lost or added in pasting).
 */
export function hexWordsInLine(text: string, line: number, others?: HexWord[]): HexWord[] {
  const out: HexWord[] = [];
  const uopLine = text.length >= 8 && mentionsUop(text);
  let p = 0;
  while (p < text.length) {
    if (!isHex(text.charCodeAt(p)) || (p > 0 && isWordChar(text.charCodeAt(p - 1)) && !prefixEnds(text, p))) {
      p++;
      continue;
    }
    let q = p;
    while (q < text.length && isHex(text.charCodeAt(q))) q++;
    // A run that continues into letters (`0000abcdxyz`) is a name, not a number.
    if (q < text.length && isWordChar(text.charCodeAt(q))) {
      p = q + 1;
      continue;
    }
    const n = q - p;
    const digits = text.slice(p, q);
    if (n === 32) out.push({ line, start: p, end: q, digits, kind: 'insn' });
    else if (n === 8 && uopLine) out.push({ line, start: p, end: q, digits, kind: 'uop' });
    else if (others && n >= 24 && n <= 40) others.push({ line, start: p, end: q, digits, kind: 'insn' });
    p = q;
  }
  return out;
}

/** `p` starts the digits right after a `0x` prefix. */
function prefixEnds(text: string, p: number): boolean {
  return (
    p >= 2 &&
    (text.charCodeAt(p - 1) | 32) === 120 &&
    text.charCodeAt(p - 2) === 48 &&
    (p < 3 || !isWordChar(text.charCodeAt(p - 3)))
  );
}

/** The word's bytes in memory order (byte 0 first). */
export function hexWordBytes(digits: string, order: ByteOrder): Uint8Array {
  const n = digits.length / 2;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const at = order === 'memory' ? 2 * i : digits.length - 2 * (i + 1);
    out[i] = parseInt(digits.slice(at, at + 2), 16);
  }
  return out;
}

export interface HexStream {
  /** The instructions, INSN_BYTES each, in text order. */
  bytes: Uint8Array;
  /** For instruction i, the 0-based line it came from. */
  lines: number[];
  /** Runs of consecutive micro-op lines, each one kernel listing. */
  uopListings: Array<{ line: number; uops: Uop[] }>;
  diagnostics: Diagnostic[];
}

export function readHexStream(t: VtaTarget, text: string, file: string, order: ByteOrder = 'value'): HexStream {
  const diagnostics: Diagnostic[] = [];
  const words: HexWord[] = [];
  const odd: HexWord[] = [];
  let no = 0;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const line = text.slice(start, nl < 0 ? text.length : nl);
    words.push(...hexWordsInLine(line, no, odd));
    if (nl < 0) break;
    start = nl + 1;
    no++;
  }
  const insnWords = words.filter((w) => w.kind === 'insn');
  const bytes = new Uint8Array(insnWords.length * INSN_BYTES);
  insnWords.forEach((w, i) => bytes.set(hexWordBytes(w.digits, order), i * INSN_BYTES));
  const uopListings: HexStream['uopListings'] = [];
  let lastUopLine = -2;
  for (const w of words) {
    if (w.kind !== 'uop') continue;
    if (w.line > lastUopLine + 1 || !uopListings.length) uopListings.push({ line: w.line, uops: [] });
    uopListings[uopListings.length - 1]!.uops.push(decodeUop(t, hexWordBytes(w.digits, order), 0));
    lastUopLine = w.line;
  }
  for (const w of odd.slice(0, 100)) {
    diagnostics.push({
      file,
      range: { start: { line: w.line, character: w.start }, end: { line: w.line, character: w.end } },
      severity: 'warning',
      code: 'vta.hex.length',
      message: `${w.digits.length} hex digits: not an instruction (32 digits, ${INSN_BYTES} bytes) nor a micro-op (8 digits, ${UOP_BYTES} bytes); skipped`,
    });
  }
  if (!insnWords.length) {
    diagnostics.push({
      file,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'error',
      code: 'vta.hex.empty',
      message:
        'no instruction found: expected words of 32 hex digits (128 bits, most significant first unless --byte-order memory)',
    });
  }
  return { bytes, lines: insnWords.map((w) => w.line), uopListings, diagnostics };
}
