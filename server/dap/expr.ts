/**
 * The debugger's expression language, for breakpoint conditions, hovers, watches and
 * the REPL: integers, `+ - * / % == != < <= > >= && || !`, parentheses, and
 *   cycle, time, steps                  the simulator's clock
 *   queue("ld->ex")                     tokens held on a queue
 *   acc[3], acc[3][0], acc[3][0:4]      SRAM rows and lanes (inp, wgt, acc, uop)
 *   wgt[0:16]                           a range of rows
 *   dram[16], dram[0:8]                 DRAM bytes
 *   act, act[1], act[1][0]              DRAM tensors by their data names
 * Ranges are half-open, `[lo:hi]`.
 */
import { MAX_NESTING } from '../../core/lang/nesting';

/** The most values a slice of a scalar memory (`dram[a:b]`) may read. */
export const MAX_SLICE_VALUES = 65_536;

/** Rows of a buffer (an SRAM, DRAM bytes, or a DRAM tensor). */
export interface RowSource {
  /** How the value is written back: `acc`, `act`, `dram`. */
  name: string;
  rows: number;
  /** Lanes of one row (DRAM: one byte). */
  read(row: number): number[];
  /** A row is a single number (DRAM bytes), not a vector of lanes. */
  scalarRows?: boolean;
}

export type Value =
  | number
  | { kind: 'rows'; src: RowSource; lo: number; hi: number }
  | { kind: 'lanes'; label: string; values: number[] };

export interface EvalEnv {
  time(): number;
  steps(): number;
  queue(name: string): number;
  source(name: string): RowSource | undefined;
}

export class EvalError extends Error {}

type Tok = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'str'; v: string } | { t: 'op'; v: string };

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '[', ']', ':', ','];

/** Sticky patterns: each matches at lastIndex without copying the rest of the text. */
const NUM = /0x[0-9a-fA-F]+|0b[01]+|\d+/y;
const ID = /[A-Za-z_][A-Za-z0-9_.]*/y;

function lex(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    NUM.lastIndex = i;
    const num = NUM.exec(text);
    if (num) {
      out.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    ID.lastIndex = i;
    const id = ID.exec(text);
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new EvalError('unterminated string');
      out.push({ t: 'str', v: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new EvalError(`unexpected '${c}' at column ${i + 1}`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

export function isTrue(v: Value): boolean {
  return typeof v === 'number' ? v !== 0 : true;
}

export function evaluate(text: string, env: EvalEnv): Value {
  const toks = lex(text);
  let p = 0;
  // Parentheses, brackets and prefix operators recurse: at most MAX_NESTING deep, as in programs.
  let depth = 0;
  const nested = <T>(f: () => T): T => {
    if (++depth > MAX_NESTING)
      throw new EvalError(
        `nesting deeper than ${MAX_NESTING} levels (parentheses, brackets and prefix operators together)`,
      );
    try {
      return f();
    } finally {
      depth--;
    }
  };
  const peek = (v: string) => toks[p]?.t === 'op' && toks[p]!.v === v;
  const expect = (v: string) => {
    if (!peek(v)) throw new EvalError(`expected '${v}'${toks[p] ? ` before '${String(toks[p]!.v)}'` : ' at the end'}`);
    p++;
  };
  const num = (v: Value, what: string): number => {
    if (typeof v !== 'number') throw new EvalError(`${what} needs a number, not ${describe(v)}`);
    return v;
  };
  const binary =
    (next: () => Value, ops: string[], apply: (op: string, a: number, b: number) => number) => (): Value => {
      let a = next();
      while (toks[p]?.t === 'op' && ops.includes(toks[p]!.v as string)) {
        const op = toks[p++]!.v as string;
        const b = next();
        a = apply(op, num(a, `'${op}'`), num(b, `'${op}'`));
      }
      return a;
    };
  const index = (base: Value): Value => {
    p++; // [
    const lo = num(nested(expr), 'an index');
    let hi: number | undefined;
    if (peek(':')) {
      p++;
      hi = num(nested(expr), 'an index');
    }
    expect(']');
    if (typeof base === 'number') throw new EvalError('a number cannot be indexed');
    if (base.kind === 'rows') {
      const n = base.hi - base.lo;
      const a = base.lo + lo;
      if (hi === undefined) {
        if (lo < 0 || lo >= n) throw new EvalError(`${base.src.name}: row ${a} is outside 0..${base.src.rows - 1}`);
        if (base.src.scalarRows) return base.src.read(a)[0]!;
        return { kind: 'lanes', label: `${base.src.name}[${a}]`, values: base.src.read(a) };
      }
      if (lo < 0 || hi > n || hi < lo)
        throw new EvalError(`${base.src.name}: rows ${a}:${base.lo + hi} are outside 0:${base.src.rows}`);
      if (base.src.scalarRows) {
        // A slice of single values is read into a list: bounded, as a condition may run at every step.
        if (base.lo + hi - a > MAX_SLICE_VALUES)
          throw new EvalError(
            `${base.src.name}[${a}:${base.lo + hi}]: a slice holds at most ${MAX_SLICE_VALUES.toLocaleString('en-US')} values`,
          );
        const values: number[] = [];
        for (let r = a; r < base.lo + hi; r++) values.push(base.src.read(r)[0]!);
        return { kind: 'lanes', label: `${base.src.name}[${a}:${base.lo + hi}]`, values };
      }
      return { kind: 'rows', src: base.src, lo: a, hi: base.lo + hi };
    }
    const n = base.values.length;
    if (hi === undefined) {
      if (lo < 0 || lo >= n) throw new EvalError(`${base.label}: lane ${lo} is outside 0..${n - 1}`);
      return base.values[lo]!;
    }
    if (lo < 0 || hi > n || hi < lo) throw new EvalError(`${base.label}: lanes ${lo}:${hi} are outside 0:${n}`);
    return { kind: 'lanes', label: `${base.label}[${lo}:${hi}]`, values: base.values.slice(lo, hi) };
  };
  const primary = (): Value => {
    const tok = toks[p];
    if (!tok) throw new EvalError('unexpected end of expression');
    if (tok.t === 'num') {
      p++;
      return tok.v;
    }
    if (tok.t === 'str') throw new EvalError(`a string ("${tok.v}") is only an argument of queue(…)`);
    if (tok.t === 'op' && tok.v === '(') {
      p++;
      const v = nested(expr);
      expect(')');
      return v;
    }
    if (tok.t === 'id') {
      p++;
      const name = tok.v;
      if (peek('(')) {
        p++;
        if (name !== 'queue') throw new EvalError(`unknown function ${name}(…); the only one is queue("ld->ex")`);
        const arg = toks[p];
        if (!arg || arg.t !== 'str')
          throw new EvalError('queue(…) takes a queue name in quotes: "ld->ex", "ex->ld", "ex->st" or "st->ex"');
        p++;
        expect(')');
        return env.queue(arg.v);
      }
      if (name === 'cycle' || name === 'time') return env.time();
      if (name === 'steps') return env.steps();
      if (name === 'true') return 1;
      if (name === 'false') return 0;
      const src = env.source(name);
      if (!src)
        throw new EvalError(
          `unknown name '${name}' (names: cycle, steps, queue("…"), inp, wgt, acc, uop, dram and the program's data names)`,
        );
      return { kind: 'rows', src, lo: 0, hi: src.rows };
    }
    throw new EvalError(`unexpected '${String(tok.v)}'`);
  };
  const postfix = (): Value => {
    let v = primary();
    while (peek('[')) v = index(v);
    return v;
  };
  const unary = (): Value => {
    if (peek('-')) {
      p++;
      return -num(nested(unary), "'-'");
    }
    if (peek('!')) {
      p++;
      return isTrue(nested(unary)) ? 0 : 1;
    }
    return postfix();
  };
  const mul = binary(unary, ['*', '/', '%'], (op, a, b) => {
    if ((op === '/' || op === '%') && b === 0) throw new EvalError('division by zero');
    return op === '*' ? a * b : op === '/' ? Math.trunc(a / b) : a % b;
  });
  const add = binary(mul, ['+', '-'], (op, a, b) => (op === '+' ? a + b : a - b));
  const cmp = binary(add, ['==', '!=', '<', '<=', '>', '>='], (op, a, b) =>
    Number(
      op === '=='
        ? a === b
        : op === '!='
          ? a !== b
          : op === '<'
            ? a < b
            : op === '<='
              ? a <= b
              : op === '>'
                ? a > b
                : a >= b,
    ),
  );
  const and = (): Value => {
    let a = cmp();
    while (peek('&&')) {
      p++;
      const b = cmp();
      a = Number(isTrue(a) && isTrue(b));
    }
    return a;
  };
  const expr = (): Value => {
    let a = and();
    while (peek('||')) {
      p++;
      const b = and();
      a = Number(isTrue(a) || isTrue(b));
    }
    return a;
  };
  if (toks.length === 0) throw new EvalError('empty expression');
  const v = expr();
  if (p < toks.length) throw new EvalError(`unexpected '${String(toks[p]!.v)}'`);
  return v;
}

export function describe(v: Value): string {
  if (typeof v === 'number') return String(v);
  if (v.kind === 'lanes') return `[${v.values.join(', ')}]`;
  return `${v.src.name}[${v.lo}:${v.hi}] (${v.hi - v.lo} rows)`;
}
