/**
 * An expression as source text, for fixes that write the program's own names back
 * (`if j + 2 < CO`, not the value `4`).
 */
import type { Expr } from './ast';
import { PRECEDENCE } from './parser';

/**
 * `e` as text; wrapped in parentheses when it binds looser than an operator of precedence
 * `within`. An operator chain is walked down its left side in a loop (a chain of
 * 100,000 terms is a tree that deep); only nesting, bounded by the parser, recurses.
 */
export function exprText(e: Expr, within = 0): string {
  if (e.kind !== 'binary') return leafText(e);
  const spine: Array<Extract<Expr, { kind: 'binary' }>> = [];
  let cur: Expr = e;
  while (cur.kind === 'binary') {
    spine.push(cur);
    cur = cur.left;
  }
  let text = leafText(cur);
  for (let k = spine.length - 1; k >= 0; k--) {
    const b = spine[k]!;
    const p = PRECEDENCE[b.op];
    // `text` is b's left operand; a binary one that binds looser than b needs parentheses.
    if (k < spine.length - 1 && PRECEDENCE[spine[k + 1]!.op] < p) text = `(${text})`;
    // Left-associative: the right operand of an equal-precedence operator needs parentheses.
    text = `${text} ${b.op} ${exprText(b.right, p + 1)}`;
  }
  return PRECEDENCE[e.op] < within ? `(${text})` : text;
}

function leafText(e: Exclude<Expr, { kind: 'binary' }>): string {
  switch (e.kind) {
    case 'num':
      return String(e.value);
    case 'name':
      return e.name;
    case 'unary':
      return `${e.op}${exprText(e.arg, 10)}`;
  }
}
