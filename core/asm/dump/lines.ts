/**
 * Recognising the lines of a TVM debug dump (vta-isa.md §6.2–§6.4) and parsing
 * the body lines of an instruction.
 */
import { LineCursor, isDigit, skipBlanks, wordAt } from './cursor';

/** The lines that follow an `INSTRUCTION i:` header. */
export type BodyKey = 'dep' | 'dram' | 'y' | 'x' | 'reset' | 'range' | 'outer' | 'inner' | 'l2g' | 's2g';

export type LineClass =
  /** `There are N instructions` */
  | { kind: 'insn-count'; debug: boolean; start: number }
  /** `There are N uops` (runtime) / `There are N micro-ops` (test library) */
  | { kind: 'uop-count'; debug: boolean; start: number }
  /** `INSTRUCTION i: …` */
  | { kind: 'insn'; debug: boolean; start: number }
  /** `[0000]⇥ acc=…` (runtime) / `DEBUG - UOP i: acc=…` (test library) */
  | { kind: 'uop'; debug: boolean; start: number }
  /** `DEBUG - l2g_queue = …` / `DEBUG - s2g_queue = …`: the test library's final counters */
  | { kind: 'final-counter'; key: 'l2g' | 's2g'; start: number }
  | { kind: 'body'; key: BodyKey; start: number }
  | { kind: 'blank' }
  | { kind: 'other' };

const DEBUG_PREFIX = 'DEBUG -';

/** The last blank-separated word of the line (scanning from the end, so long lines stay cheap). */
function lastWord(text: string): string {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  let start = end;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  return text.slice(start, end);
}

/** Which body line starts at `p`: the leading word plus the character that must follow it. */
function bodyKeyAt(text: string, p: number): BodyKey | undefined {
  const w = wordAt(text, p);
  if (w === '') return undefined;
  const q = skipBlanks(text, p + w.length);
  const next = text.charAt(q);
  switch (w) {
    case 'dep':
      return next === '-' ? 'dep' : undefined;
    case 'DRAM':
      return next === ':' ? 'dram' : undefined;
    case 'y':
      return next === ':' ? 'y' : undefined;
    case 'x':
      return next === ':' ? 'x' : undefined;
    case 'reset_out':
      return next === ':' ? 'reset' : undefined;
    case 'range':
      return next === '(' ? 'range' : undefined;
    case 'outer':
      return wordAt(text, q) === 'loop' ? 'outer' : undefined;
    case 'inner':
      return wordAt(text, q) === 'loop' ? 'inner' : undefined;
    case 'l2g_queue':
      return next === '=' ? 'l2g' : undefined;
    case 's2g_queue':
      return next === '=' ? 's2g' : undefined;
    default:
      return undefined;
  }
}

/** `[digits]` then blanks then `acc` (so that log timestamps such as `[12:00:01]` are not taken for uops). */
function isRuntimeUopLine(text: string, q: number): boolean {
  if (text.charCodeAt(q) !== 91 /* [ */) return false;
  let p = q + 1;
  while (p < text.length && isDigit(text.charCodeAt(p))) p++;
  if (p === q + 1 || text.charCodeAt(p) !== 93 /* ] */) return false;
  return text.startsWith('acc', skipBlanks(text, p + 1));
}

export function classifyLine(text: string): LineClass {
  const p = skipBlanks(text, 0);
  if (p >= text.length) return { kind: 'blank' };
  let q = p;
  const debug = text.startsWith(DEBUG_PREFIX, p);
  if (debug) q = skipBlanks(text, p + DEBUG_PREFIX.length);
  const w = wordAt(text, q);
  if (w === 'There' && text.startsWith('are', skipBlanks(text, q + 5))) {
    const last = lastWord(text);
    if (last === 'instructions') return { kind: 'insn-count', debug, start: q };
    if (last === 'uops' || last === 'micro-ops') return { kind: 'uop-count', debug, start: q };
    return { kind: 'other' };
  }
  if (w === 'INSTRUCTION') return { kind: 'insn', debug, start: q };
  if (debug && w === 'UOP' && isDigit(text.charCodeAt(skipBlanks(text, q + 3))))
    return { kind: 'uop', debug, start: q };
  if (!debug && isRuntimeUopLine(text, q)) return { kind: 'uop', debug, start: q };
  const key = bodyKeyAt(text, q);
  if (key) {
    if (debug) return key === 'l2g' || key === 's2g' ? { kind: 'final-counter', key, start: q } : { kind: 'other' };
    return { kind: 'body', key, start: q };
  }
  return { kind: 'other' };
}

/** How each body line is described in messages (tabs shown as ⇥, as in the spec). */
export const BODY_LINE_DESCRIPTION: Record<BodyKey, string> = {
  dep: '"⇥dep - pop prev: …, pop next: …, push prev: …, push next: …"',
  dram: '"⇥DRAM: 0x…, SRAM:0x…"',
  y: '"⇥y: size=…, pad=[…, …]"',
  x: '"⇥x: size=…, stride=…, pad=[…, …]"',
  reset: '"⇥reset_out: …"',
  range: '"⇥range (…, …)"',
  outer: '"⇥outer loop - iter: …"',
  inner: '"⇥inner loop - iter: …"',
  l2g: '"⇥l2g_queue = …, g2l_queue = …"',
  s2g: '"⇥s2g_queue = …, g2s_queue = …"',
};

/** Largest value a `%d` of a C int can print. */
export const INT_MAX = 2 ** 31 - 1;
const INT_MIN = -(2 ** 31);

export interface DepFlags {
  pop_prev_dep: number;
  pop_next_dep: number;
  push_prev_dep: number;
  push_next_dep: number;
}

export function parseDep(c: LineCursor): DepFlags | undefined {
  c.lit('dep - pop prev:');
  const pop_prev_dep = c.int('pop prev', 0, 1);
  c.lit(', pop next:');
  const pop_next_dep = c.int('pop next', 0, 1);
  c.lit(', push prev:');
  const push_prev_dep = c.int('push prev', 0, 1);
  c.lit(', push next:');
  const push_next_dep = c.int('push next', 0, 1);
  c.end();
  if (!c.ok) return undefined;
  return {
    pop_prev_dep: pop_prev_dep!,
    pop_next_dep: pop_next_dep!,
    push_prev_dep: push_prev_dep!,
    push_next_dep: push_next_dep!,
  };
}

export function parseDram(c: LineCursor): { dram_base: number; sram_base: number } | undefined {
  c.lit('DRAM:');
  const dram_base = c.hex('DRAM', 0xffffffff);
  c.lit(', SRAM:');
  const sram_base = c.hex('SRAM', 0xffff);
  c.end();
  return c.ok ? { dram_base: dram_base!, sram_base: sram_base! } : undefined;
}

export function parseY(c: LineCursor): { y_size: number; y_pad_0: number; y_pad_1: number } | undefined {
  c.lit('y: size=');
  const y_size = c.int('y size', 0, 0xffff);
  c.lit(', pad=[');
  const y_pad_0 = c.int('y pad', 0, 15);
  c.lit(',');
  const y_pad_1 = c.int('y pad', 0, 15);
  c.lit(']');
  c.end();
  return c.ok ? { y_size: y_size!, y_pad_0: y_pad_0!, y_pad_1: y_pad_1! } : undefined;
}

export function parseX(
  c: LineCursor,
): { x_size: number; x_stride: number; x_pad_0: number; x_pad_1: number } | undefined {
  c.lit('x: size=');
  const x_size = c.int('x size', 0, 0xffff);
  c.lit(', stride=');
  const x_stride = c.int('x stride', 0, 0xffff);
  c.lit(', pad=[');
  const x_pad_0 = c.int('x pad', 0, 15);
  c.lit(',');
  const x_pad_1 = c.int('x pad', 0, 15);
  c.lit(']');
  c.end();
  return c.ok ? { x_size: x_size!, x_stride: x_stride!, x_pad_0: x_pad_0!, x_pad_1: x_pad_1! } : undefined;
}

export function parseReset(c: LineCursor): number | undefined {
  c.lit('reset_out:');
  const r = c.int('reset_out', 0, 1);
  c.end();
  return c.ok ? r : undefined;
}

export function parseRange(c: LineCursor): { uop_bgn: number; uop_end: number } | undefined {
  c.lit('range (');
  const uop_bgn = c.int('the first uop', 0, INT_MAX);
  c.lit(',');
  const uop_end = c.int('the end uop', 0, INT_MAX);
  c.lit(')');
  c.end();
  return c.ok ? { uop_bgn: uop_bgn!, uop_end: uop_end! } : undefined;
}

/**
 * `outer loop - iter: N, name: v, …` with exactly the factor names in `names`,
 * in any order (the runtime prints GEMM factors as wgt, inp, acc; the test
 * library as acc, inp, wgt).
 */
export function parseLoop(
  c: LineCursor,
  which: 'outer' | 'inner',
  names: readonly string[],
): { iter: number; factors: Map<string, number> } | undefined {
  c.lit(`${which} loop - iter:`);
  const iter = c.int('the iteration count', 0, 16383);
  const factors = new Map<string, number>();
  const list = names.map((n) => `"${n}:"`).join(', ');
  while (c.ok && factors.size < names.length) {
    c.lit(',');
    if (!c.ok) break;
    const at = skipBlanks(c.text, c.pos);
    const name = c.word();
    if (!names.includes(name) || factors.has(name)) {
      const left = names
        .filter((n) => !factors.has(n))
        .map((n) => `"${n}:"`)
        .join(' or ');
      c.fail('vta.dump.syntax', at, at + Math.max(name.length, 1), `${left} (the factors are ${list})`);
      break;
    }
    c.lit(':');
    const v = c.int(`the ${name} factor`, 0, INT_MAX);
    if (v !== undefined) factors.set(name, v);
  }
  c.end();
  return c.ok ? { iter: iter!, factors } : undefined;
}

export interface CounterPair {
  first: number;
  second: number;
}

export function parseCounters(c: LineCursor, key: 'l2g' | 's2g'): CounterPair | undefined {
  const [a, b] = key === 'l2g' ? ['l2g_queue', 'g2l_queue'] : ['s2g_queue', 'g2s_queue'];
  c.lit(`${a} =`);
  const first = c.int(a, INT_MIN, INT_MAX);
  c.lit(`, ${b} =`);
  const second = c.int(b, INT_MIN, INT_MAX);
  c.end();
  return c.ok ? { first: first!, second: second! } : undefined;
}

/** `[0003]⇥ acc=1, inp=2, wgt=3` or `UOP 3: acc=1, inp= 2, wgt=3`. */
export function parseUopLine(
  c: LineCursor,
  debug: boolean,
): { index: number; dst: number; src: number; wgt: number } | undefined {
  let index: number | undefined;
  if (debug) {
    c.lit('UOP');
    index = c.int('the uop index', 0, INT_MAX);
    c.lit(':');
  } else {
    c.lit('[');
    index = c.int('the uop index', 0, INT_MAX);
    c.lit(']');
  }
  c.lit('acc=');
  const dst = c.int('acc', 0, INT_MAX);
  c.lit(', inp=');
  const src = c.int('inp', 0, INT_MAX);
  c.lit(', wgt=');
  const wgt = c.int('wgt', 0, INT_MAX);
  c.end();
  return c.ok ? { index: index!, dst: dst!, src: src!, wgt: wgt! } : undefined;
}
