/**
 * An expression as source text, for fixes that write the program's own names back
 * (`if j + 2 < CO`, not the value `4`).
 */
import type { Expr } from './ast';
import { PRECEDENCE } from './parser';

/** `e` as text; wrapped in parentheses when it binds looser than an operator of precedence `within`. */
export function exprText(e: Expr, within = 0): string {
  switch (e.kind) {
    case 'num': return String(e.value);
    case 'name': return e.name;
    case 'unary': return `${e.op}${exprText(e.arg, 10)}`;
    case 'binary': {
      const p = PRECEDENCE[e.op];
      // Left-associative: the right operand of an equal-precedence operator needs parentheses.
      const text = `${exprText(e.left, p)} ${e.op} ${exprText(e.right, p + 1)}`;
      return p < within ? `(${text})` : text;
    }
  }
}
