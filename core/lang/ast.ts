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

export interface Named {
  name: string;
  range: Range;
}

/**
 * A node that is one token: its range is three integers, built when read. Numbers,
 * names and operand keys are most of a large file's nodes; this saves a range object
 * for each of them.
 */
abstract class OneTokenNode {
  private readonly tokenLine: number;
  private readonly tokenCharacter: number;
  private readonly tokenLength: number;

  constructor(line: number, character: number, length: number) {
    this.tokenLine = line | 0;
    this.tokenCharacter = character | 0;
    this.tokenLength = length | 0;
  }

  get range(): Range {
    return new TextRange(this.tokenLine, this.tokenCharacter, this.tokenLine, this.tokenCharacter + this.tokenLength);
  }
}

/** A name as written (an operand key, a declared name): `{ name, range }`. */
export class NameToken extends OneTokenNode implements Named {
  constructor(line: number, character: number, readonly name: string) {
    super(line, character, name.length);
  }

  toJSON(): Named {
    return { name: this.name, range: this.range };
  }
}

/** A number literal in an expression. */
export class NumberLiteral extends OneTokenNode {
  readonly kind = 'num' as const;

  constructor(line: number, character: number, length: number, readonly value: number, readonly tooLarge?: boolean) {
    super(line, character, length);
  }

  toJSON(): Expr {
    return this.tooLarge ? { kind: 'num', value: this.value, tooLarge: true, range: this.range } : { kind: 'num', value: this.value, range: this.range };
  }
}

/** A name used in an expression. */
export class NameReference extends OneTokenNode {
  readonly kind = 'name' as const;

  constructor(line: number, character: number, readonly name: string) {
    super(line, character, name.length);
  }

  toJSON(): Expr {
    return { kind: 'name', name: this.name, range: this.range };
  }
}

// --- expressions ----------------------------------------------------------------

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

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

/** The parser's operands: the range is derived when read, one object less per operand. */
export class OperandNode implements Operand {
  constructor(
    readonly key: Named,
    readonly values: Expr[],
    readonly isRange: boolean,
  ) {}

  get range(): Range {
    const k = this.key.range;
    const last = this.values[this.values.length - 1]?.range;
    return last ? new TextRange(k.start.line, k.start.character, last.end.line, last.end.character) : k;
  }

  toJSON(): Operand {
    return { key: this.key, values: this.values, isRange: this.isRange, range: this.range };
  }
}

/**
 * An operand written `key=VALUE` with a one-token value (`sram=16`, `dram=act`): most
 * operands of a large file. It is one object holding the key, the value and where they
 * are; the key, the value list and the ranges are built when read.
 */
export class SimpleOperandNode implements Operand {
  readonly isRange = false;
  private readonly line: number;
  private readonly character: number;
  private readonly valueOffset: number;
  private readonly valueLength: number;

  /**
   * `value` is a number (its literal `valueLength` characters long; `tooLarge` past
   * 2^53) or a name, `valueOffset` characters after the key's start.
   */
  constructor(line: number, character: number, readonly keyName: string, valueOffset: number,
    readonly value: number | string, valueLength = (value as string).length, readonly tooLarge = false) {
    this.line = line | 0;
    this.character = character | 0;
    this.valueOffset = valueOffset | 0;
    this.valueLength = valueLength | 0;
  }

  get key(): Named {
    return new NameToken(this.line, this.character, this.keyName);
  }

  get values(): Expr[] {
    const at = this.character + this.valueOffset;
    if (typeof this.value === 'string') return [new NameReference(this.line, at, this.value)];
    return [this.tooLarge ? new NumberLiteral(this.line, at, this.valueLength, this.value, true) : new NumberLiteral(this.line, at, this.valueLength, this.value)];
  }

  get range(): Range {
    return new TextRange(this.line, this.character, this.line, this.character + this.valueOffset + this.valueLength);
  }

  toJSON(): Operand {
    return { key: this.key, values: this.values, isRange: false, range: this.range };
  }
}

/** A bare word in an instruction, with optional arguments: `inp`, `max`, `blk(j, 2)`, `reset`. */
export interface Word {
  name: string;
  range: Range;
  args?: Expr[];
  argsRange?: Range;
}

// --- statements -----------------------------------------------------------------

/** A word without arguments (`inp`, `max`, `reset`): one object, its range built when read. */
export class BareWord extends OneTokenNode implements Word {
  constructor(line: number, character: number, readonly name: string) {
    super(line, character, name.length);
  }

  toJSON(): Word {
    return { name: this.name, range: this.range };
  }
}


export type InsnMnemonic = 'load' | 'store' | 'gemm' | 'alu' | 'nop' | 'finish';

export interface InsnStmt {
  kind: 'insn';
  mnemonic: InsnMnemonic;
  mnemonicRange: Range;
  words: Word[];
  operands: Operand[];
  range: Range;
}

/** A word with arguments on one line (`g(1, 16)`): its ranges are built when read. */
export class CallWord implements Word {
  private readonly line: number;
  private readonly character: number;
  private readonly openCharacter: number;
  private readonly endCharacter: number;

  constructor(readonly name: string, readonly args: Expr[], line: number, character: number, openCharacter: number, endCharacter: number) {
    this.line = line | 0;
    this.character = character | 0;
    this.openCharacter = openCharacter | 0;
    this.endCharacter = endCharacter | 0;
  }

  get range(): Range {
    return new TextRange(this.line, this.character, this.line, this.endCharacter);
  }

  get argsRange(): Range {
    return new TextRange(this.line, this.openCharacter, this.line, this.endCharacter);
  }

  toJSON(): Word {
    return { name: this.name, range: this.range, args: this.args, argsRange: this.argsRange };
  }
}

/**
 * The parser's instructions: an instruction lies on one line, so its range and its
 * mnemonic's are four integers, built into ranges when read.
 */
export class InsnNode implements InsnStmt {
  readonly kind = 'insn' as const;
  private readonly line: number;
  private readonly character: number;
  private readonly endLine: number;
  private readonly endCharacter: number;

  constructor(readonly mnemonic: InsnMnemonic, readonly words: Word[], readonly operands: Operand[], range: TextRange) {
    this.line = range.startLine;
    this.character = range.startCharacter;
    this.endLine = range.endLine;
    this.endCharacter = range.endCharacter;
  }

  get mnemonicRange(): Range {
    return new TextRange(this.line, this.character, this.line, this.character + this.mnemonic.length);
  }

  get range(): Range {
    return new TextRange(this.line, this.character, this.endLine, this.endCharacter);
  }

  toJSON(): InsnStmt {
    return { kind: 'insn', mnemonic: this.mnemonic, mnemonicRange: this.mnemonicRange, words: this.words, operands: this.operands, range: this.range };
  }
}

export type QueueName = 'ld->ex' | 'ex->ld' | 'ex->st' | 'st->ex';

export interface TokenStmt {
  kind: 'push' | 'pop';
  /** The queue as written, e.g. `ld->ex` (validated later). */
  queue: string;
  queueRange: Range;
  range: Range;
}

/** `push a->b` / `pop a->b` with the queue written as one word: positions on one line. */
export class QueueTokenNode implements TokenStmt {
  private readonly line: number;
  private readonly character: number;
  private readonly queueCharacter: number;

  constructor(readonly kind: 'push' | 'pop', readonly queue: string, line: number, character: number, queueCharacter: number) {
    this.line = line | 0;
    this.character = character | 0;
    this.queueCharacter = queueCharacter | 0;
  }

  get queueRange(): Range {
    return new TextRange(this.line, this.queueCharacter, this.line, this.queueCharacter + this.queue.length);
  }

  get range(): Range {
    return new TextRange(this.line, this.character, this.line, this.queueCharacter + this.queue.length);
  }

  toJSON(): TokenStmt {
    return { kind: this.kind, queue: this.queue, queueRange: this.queueRange, range: this.range };
  }
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
