/**
 * Compile-time integer expressions. Values are exact integers within ±2^53; a
 * result outside that range, or a division by zero, is a diagnostic, not a wrong
 * number. `/` truncates toward zero and `%` takes the dividend's sign, as in C.
 */
import type { Expr, Range } from '../lang/ast';

export interface Scope {
  /** The value of `name`, or undefined when it is not defined here or above. */
  lookup(name: string): number | undefined;
  /** Whether `name` is defined (a defined name without a value was already reported). */
  isDefined(name: string): boolean;
}

export type ReportFn = (range: Range, code: string, message: string) => void;

function checked(v: number, range: Range, report: ReportFn): number | undefined {
  if (!Number.isSafeInteger(v)) {
    report(
      range,
      'vta.expr.overflow',
      `value ${Number.isFinite(v) ? v : 'out of range'} exceeds the exact integer range ±2^53`,
    );
    return undefined;
  }
  return v;
}

function bitwise(a: number, b: number, op: '&' | '|'): number {
  if (Math.abs(a) <= 0x7fffffff && Math.abs(b) <= 0x7fffffff) return op === '&' ? a & b : a | b;
  const r = op === '&' ? BigInt(a) & BigInt(b) : BigInt(a) | BigInt(b);
  return Number(r);
}

/**
 * Evaluates `e`; returns undefined after reporting when it has no value. A chain of
 * operators (`1+1+…+1`, tens of thousands long) is a tree as deep as it is long, down
 * its left side: that side is walked in a loop, so only the parser's nesting limit
 * (MAX_NESTING) bounds the recursion.
 */
export function evaluate(e: Expr, scope: Scope, report: ReportFn): number | undefined {
  if (e.kind !== 'binary') return leaf(e, scope, report);
  // The left spine, innermost last.
  const spine: Array<Extract<Expr, { kind: 'binary' }>> = [];
  let cur: Expr = e;
  while (cur.kind === 'binary') {
    spine.push(cur);
    cur = cur.left;
  }
  let a = leaf(cur, scope, report);
  for (let k = spine.length - 1; k >= 0; k--) {
    if (a === undefined) return undefined;
    a = binary(spine[k]!, a, scope, report);
  }
  return a;
}

/** A number, a name or a prefix operator (whose argument may be anything). */
function leaf(e: Expr, scope: Scope, report: ReportFn): number | undefined {
  switch (e.kind) {
    case 'num':
      if (e.tooLarge) {
        report(e.range, 'vta.expr.overflow', 'number exceeds the exact integer range 2^53');
        return undefined;
      }
      return e.value;
    case 'name': {
      const v = scope.lookup(e.name);
      if (v === undefined && !scope.isDefined(e.name)) report(e.range, 'vta.name.unknown', `unknown name '${e.name}'`);
      return v;
    }
    case 'unary': {
      const a = evaluate(e.arg, scope, report);
      if (a === undefined) return undefined;
      return e.op === '-' ? (a === 0 ? 0 : -a) : a === 0 ? 1 : 0;
    }
    case 'binary':
      return evaluate(e, scope, report);
  }
  return undefined;
}

/** `a op right` for the binary node `e` whose left operand has the value `a`. */
function binary(e: Extract<Expr, { kind: 'binary' }>, a: number, scope: Scope, report: ReportFn): number | undefined {
  // Short-circuit like C, so `j >= 2 && (x / (j - 2))` is safe.
  if (e.op === '&&' && a === 0) return 0;
  if (e.op === '||' && a !== 0) return 1;
  const b = evaluate(e.right, scope, report);
  if (b === undefined) return undefined;
  switch (e.op) {
    case '+':
      return checked(a + b, e.range, report);
    case '-':
      return checked(a - b, e.range, report);
    case '*':
      return checked(a * b, e.range, report);
    case '/':
    case '%':
      if (b === 0) {
        report(e.right.range, 'vta.expr.divide-by-zero', `division by zero in '${e.op}'`);
        return undefined;
      }
      return e.op === '/' ? Math.trunc(a / b) || 0 : a % b || 0;
    case '<<':
    case '>>': {
      if (b < 0 || b > 63) {
        report(e.right.range, 'vta.expr.overflow', `shift amount ${b} is outside 0..63`);
        return undefined;
      }
      return e.op === '<<' ? checked(a * 2 ** b, e.range, report) : Math.floor(a / 2 ** b);
    }
    case '&':
    case '|':
      return bitwise(a, b, e.op);
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '&&':
    case '||':
      return b !== 0 ? 1 : 0;
  }
  return undefined;
}
