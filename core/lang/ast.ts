/**
 * The `.vta` syntax tree. Every node carries the 0-based range of its text so that
 * diagnostics, hovers and timeline bars can point back at it.
 */
import type { Position } from '../program/program';

export interface Range {
  start: Position;
  end: Position;
}

/**
 * The parser's ranges: four integers in one object instead of three objects. A large
 * file has hundreds of thousands of ranges and few are ever read, so `start` and `end`
 * are built when read; `toJSON` keeps them intact through JSON (LSP, DAP, CLI output).
 */
export class TextRange implements Range {
  readonly startLine: number;
  readonly startCharacter: number;
  readonly endLine: number;
  readonly endCharacter: number;

  constructor(startLine: number, startCharacter: number, endLine: number, endCharacter: number) {
    // `| 0` keeps the fields small integers: the lexer's positions can arrive as doubles,
    // and one double stored here would make V8 box all four fields of every range.
    this.startLine = startLine | 0;
    this.startCharacter = startCharacter | 0;
    this.endLine = endLine | 0;
    this.endCharacter = endCharacter | 0;
  }

  get start(): Position {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Position {
    return { line: this.endLine, character: this.endCharacter };
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/**
 * A range as plain data (four numbers in two positions, no getters): what a diagnostic
 * keeps, so that it crosses a thread or a process and compares as it prints.
 */
export function plainRange(r: Range): Range {
  return {
    start: { line: r.start.line, character: r.start.character },
    end: { line: r.end.line, character: r.end.character },
  };
}

export interface Named {
  name: string;
  range: Range;
}

// --- expressions ----------------------------------------------------------------

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '<<'
  | '>>'
  | '&'
  | '|'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '&&'
  | '||';

export type Expr =
  | { kind: 'num'; value: number; /** the literal exceeds 2^53 */ tooLarge?: boolean; range: Range }
  | { kind: 'name'; name: string; range: Range }
  | { kind: 'unary'; op: '-' | '!'; arg: Expr; range: Range }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; range: Range };

/** `key=value`, `key=a,b,c,d` or `key=a..b`. */
export interface Operand {
  key: Named;
  values: Expr[];
  /** Set for the `B..E` form. */
  isRange: boolean;
  /** From the key to the last value. */
  range: Range;
}

/** A bare word in an instruction, with optional arguments: `inp`, `max`, `blk(j, 2)`, `reset`. */
export interface Word {
  name: string;
  range: Range;
  args?: Expr[];
  argsRange?: Range;
}

// --- statements -----------------------------------------------------------------

export type InsnMnemonic = 'load' | 'store' | 'gemm' | 'alu' | 'nop' | 'finish';

export interface InsnStmt {
  kind: 'insn';
  mnemonic: InsnMnemonic;
  mnemonicRange: Range;
  words: Word[];
  operands: Operand[];
  range: Range;
}

export type QueueName = 'ld->ex' | 'ex->ld' | 'ex->st' | 'st->ex';

export interface TokenStmt {
  kind: 'push' | 'pop';
  /** The queue as written, e.g. `ld->ex` (validated later). */
  queue: string;
  queueRange: Range;
  range: Range;
}

export interface TargetStmt {
  kind: 'target';
  /** A shipped name, or undefined when a path is given. */
  name?: string;
  path?: string;
  valueRange: Range;
  range: Range;
}

export interface IncludeStmt {
  kind: 'include';
  path: string;
  pathRange: Range;
  range: Range;
}

export interface ImageStmt {
  kind: 'image';
  path: string;
  pathRange: Range;
  range: Range;
}

export interface ConstStmt {
  kind: 'const';
  name: Named;
  value: Expr;
  range: Range;
}

export type DataInit =
  | { kind: 'zeros'; range: Range }
  | { kind: 'random'; seed?: Expr; range: Range }
  | { kind: 'file'; path: string; pathRange: Range; range: Range }
  | { kind: 'list'; values: Expr[]; range: Range };

export interface DataStmt {
  kind: 'data';
  name: Named;
  mem: Named;
  count: Expr;
  at?: Expr;
  init?: DataInit;
  range: Range;
}

export interface UopStmt {
  kind: 'uop';
  operands: Operand[];
  range: Range;
}

export interface ForStmt<T> {
  kind: 'for';
  variable: Named;
  from: Expr;
  to: Expr;
  body: T[];
  range: Range;
  /** Range of the header line up to `{`, for folding and messages. */
  headerRange: Range;
}

export interface IfStmt<T> {
  kind: 'if';
  cond: Expr;
  then: T[];
  else?: T[];
  range: Range;
  headerRange: Range;
}

export type KernelItem = UopStmt | ForStmt<KernelItem> | IfStmt<KernelItem>;

export interface KernelStmt {
  kind: 'kernel';
  name: Named;
  params: Named[];
  /** `kernel NAME @ BYTE_OFFSET { ... }`: explicit DRAM placement (what a disassembler writes). */
  at?: Expr;
  body: KernelItem[];
  range: Range;
  headerRange: Range;
}

export interface LabelStmt {
  kind: 'label';
  name: Named;
  range: Range;
}

export type Stmt =
  | TargetStmt
  | IncludeStmt
  | ImageStmt
  | ConstStmt
  | DataStmt
  | KernelStmt
  | LabelStmt
  | InsnStmt
  | TokenStmt
  | ForStmt<Stmt>
  | IfStmt<Stmt>;

export interface Comment {
  text: string;
  range: Range;
}

export interface SyntaxError {
  message: string;
  range: Range;
}

export interface SourceFile {
  statements: Stmt[];
  comments: Comment[];
  errors: SyntaxError[];
}
