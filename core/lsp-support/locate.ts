/**
 * Finding what is under the cursor in a `.vta` AST: the innermost statement, the
 * operand, the word. Also which module runs a written instruction and which operand
 * table applies to it.
 */
import type { InsnForm } from '../asm/operands';
import type { InsnStmt, KernelItem, Operand, Range, SourceFile, Stmt, UopStmt, Word } from '../lang/ast';
import type { ModuleId } from '../isa';
import type { Position } from '../program/program';
import { rangeContains } from './symbols';

export type Located = Stmt | KernelItem;

/** The innermost statement whose range holds the position. */
export function statementAt(ast: SourceFile, pos: Position): Located | undefined {
  const search = (items: Located[] | undefined): Located | undefined => {
    for (const s of items ?? []) {
      if (!s || !rangeContains(s.range, pos)) continue;
      if (s.kind === 'for' || s.kind === 'kernel') return search(s.body as Located[]) ?? s;
      if (s.kind === 'if') return search(s.then as Located[]) ?? search(s.else as Located[] | undefined) ?? s;
      return s;
    }
    return undefined;
  };
  return search(ast.statements);
}

/** The statements that start on a line (instructions, uops, tokens…), innermost first. */
export function statementsOnLine(ast: SourceFile, line: number): Located[] {
  return statementsInLines(ast, line, line);
}

/** The statements that start within lines [first, last], in one walk. */
export function statementsInLines(ast: SourceFile, first: number, last: number): Located[] {
  const out: Located[] = [];
  const walk = (items: Located[] | undefined) => {
    for (const s of items ?? []) {
      if (!s) continue;
      if (s.range.start.line > last || s.range.end.line < first) continue;
      if (s.kind === 'for' || s.kind === 'kernel') walk(s.body as Located[]);
      else if (s.kind === 'if') {
        walk(s.then as Located[]);
        walk(s.else as Located[] | undefined);
      }
      if (s.range.start.line >= first) out.push(s);
    }
  };
  walk(ast.statements);
  return out;
}

export function operandAt(s: InsnStmt | UopStmt, pos: Position): Operand | undefined {
  return s.operands.find((o) => rangeContains(o.range, pos));
}

export function wordAt(s: InsnStmt, pos: Position): Word | undefined {
  return s.words.find((w) => rangeContains(w.range, pos));
}

/** The operand table for a written instruction. */
export function formOf(s: InsnStmt): InsnForm {
  if (s.mnemonic === 'load') {
    const first = s.words[0]?.name;
    if (first === 'uop' && s.words.length > 1) return 'load-uop-kernel';
    if (first === 'uop' && !s.operands.some((o) => o.key.name === 'dram')) return 'load-uop-kernel';
    return 'load';
  }
  return s.mnemonic;
}

/** The module that runs a written instruction. */
export function moduleOfStmt(s: InsnStmt): ModuleId {
  switch (s.mnemonic) {
    case 'load': {
      const m = s.words[0]?.name;
      return m === 'inp' || m === 'wgt' ? 'ld' : 'ex';
    }
    case 'store':
      return 'st';
    case 'nop': {
      const m = s.words[0]?.name;
      return m === 'ld' || m === 'st' ? m : 'ex';
    }
    default:
      return 'ex';
  }
}

export function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}
