/**
 * The parser's nodes for the most frequent constructs of a large file. Each is one
 * object holding integers and strings; ranges, keys, value lists and arguments are
 * built when read. A 20,000-instruction file has a few hundred thousand of these, and
 * every object of the tree costs twice on the garbage collector's young generation
 * (V8 does not pretenure class instances), so fewer objects is most of parse speed.
 * Each implements its ast.ts interface and serialises through toJSON to the same
 * plain shape, so consumers and JSON output see no difference.
 */
import type { BinaryOp, Expr, InsnMnemonic, InsnStmt, Named, Operand, Range, TokenStmt, Word } from '../ast';
import { TextRange } from '../ast';
import { argumentEnd, callArguments } from './compound-tokens';
import { COMMA, isDigit, RPAREN, skipBlanks } from './scan';
import { decimalValue, literalValue, TOO_LARGE } from '../numbers';

/** A node that is one token: its range is three integers. */
abstract class OneTokenNode {
  private readonly tokenLine: number;
  private readonly tokenCharacter: number;
  private readonly tokenLength: number;

  constructor(line: number, character: number, length: number) {
    // `| 0` keeps the fields small integers (a double would box them).
    this.tokenLine = line | 0;
    this.tokenCharacter = character | 0;
    this.tokenLength = length | 0;
  }

  get range(): Range {
    return new TextRange(this.tokenLine, this.tokenCharacter, this.tokenLine, this.tokenCharacter + this.tokenLength);
  }
}

/** A name as written (an operand key, a declared name, a word without arguments such as `inp`): `{ name, range }`. */
export class NameToken extends OneTokenNode implements Named {
  constructor(
    line: number,
    character: number,
    readonly name: string,
  ) {
    super(line, character, name.length);
  }

  toJSON(): Named {
    return { name: this.name, range: this.range };
  }
}

/** A number literal in an expression. */
export class NumberLiteral extends OneTokenNode {
  readonly kind = 'num' as const;

  constructor(
    line: number,
    character: number,
    length: number,
    readonly value: number,
    readonly tooLarge?: boolean,
  ) {
    super(line, character, length);
  }

  /** The literal written `literal` at (line, character). */
  static of(line: number, character: number, literal: string): NumberLiteral {
    const v = literalValue(literal);
    return v === TOO_LARGE
      ? new NumberLiteral(line, character, literal.length, Number.MAX_SAFE_INTEGER, true)
      : new NumberLiteral(line, character, literal.length, v);
  }

  toJSON(): Expr {
    return this.tooLarge
      ? { kind: 'num', value: this.value, tooLarge: true, range: this.range }
      : { kind: 'num', value: this.value, range: this.range };
  }
}

/** A name used in an expression. */
export class NameReference extends OneTokenNode {
  readonly kind = 'name' as const;

  constructor(
    line: number,
    character: number,
    readonly name: string,
  ) {
    super(line, character, name.length);
  }

  toJSON(): Expr {
    return { kind: 'name', name: this.name, range: this.range };
  }
}

/** An operand with an expression, a list or a range as its value: the range is derived when read. */
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
 * An operand written as one compound token, on one line: the key and the ranges are
 * built when read. `valueEnd` is where the value ends, counted from the key's start.
 */
export abstract class CompoundOperandNode implements Operand {
  protected readonly line: number;
  protected readonly character: number;

  constructor(
    line: number,
    character: number,
    readonly keyName: string,
  ) {
    this.line = line | 0;
    this.character = character | 0;
  }

  abstract get values(): Expr[];
  protected abstract get valueEnd(): number;

  get isRange(): boolean {
    return false;
  }

  get key(): Named {
    return new NameToken(this.line, this.character, this.keyName);
  }

  get range(): Range {
    return new TextRange(this.line, this.character, this.line, this.character + this.valueEnd);
  }

  toJSON(): Operand {
    return { key: this.key, values: this.values, isRange: false, range: this.range };
  }
}

/** The node of a one-token value: a number (TOO_LARGE past 2^53) or a name. */
function valueNode(line: number, character: number, length: number, raw: number | string): Expr {
  if (typeof raw === 'string') return new NameReference(line, character, raw);
  return raw === TOO_LARGE
    ? new NumberLiteral(line, character, length, Number.MAX_SAFE_INTEGER, true)
    : new NumberLiteral(line, character, length, raw);
}

/**
 * An operand written `key=VALUE` with a one-token value (`sram=16`, `dram=act`): most
 * operands of a large file.
 */
export class SimpleOperandNode extends CompoundOperandNode {
  private readonly valueOffset: number;
  private readonly valueLength: number;

  /**
   * `raw` is the value: a number (TOO_LARGE for a literal past 2^53) or a name, written
   * `valueOffset` characters after the key's start and `valueLength` long.
   */
  constructor(
    line: number,
    character: number,
    keyName: string,
    valueOffset: number,
    valueLength: number,
    private readonly raw: number | string,
  ) {
    super(line, character, keyName);
    this.valueOffset = valueOffset | 0;
    this.valueLength = valueLength | 0;
  }

  /** The number or name. */
  get value(): number | string {
    return this.raw === TOO_LARGE ? Number.MAX_SAFE_INTEGER : this.raw;
  }

  get tooLarge(): boolean {
    return this.raw === TOO_LARGE;
  }

  get values(): Expr[] {
    return [valueNode(this.line, this.character + this.valueOffset, this.valueLength, this.raw)];
  }

  protected get valueEnd(): number {
    return this.valueOffset + this.valueLength;
  }
}

/**
 * An operand written `key=VALUE OP VALUE` with one-token values (`dram=w + 16`). Each
 * value is given by its offset from the key's start, its length, and what it is (a
 * number, TOO_LARGE, or a name).
 */
export class BinaryOperandNode extends CompoundOperandNode {
  constructor(
    line: number,
    character: number,
    keyName: string,
    private readonly op: BinaryOp,
    private readonly leftOffset: number,
    private readonly leftLength: number,
    private readonly left: number | string,
    private readonly rightOffset: number,
    private readonly rightLength: number,
    private readonly right: number | string,
  ) {
    super(line, character, keyName);
  }

  get values(): Expr[] {
    const { line, character } = this;
    return [
      {
        kind: 'binary',
        op: this.op,
        left: valueNode(line, character + this.leftOffset, this.leftLength, this.left),
        right: valueNode(line, character + this.rightOffset, this.rightLength, this.right),
        range: new TextRange(line, character + this.leftOffset, line, character + this.valueEnd),
      },
    ];
  }

  protected get valueEnd(): number {
    return this.rightOffset + this.rightLength;
  }
}

/**
 * A kernel call whose arguments are one token each (`g(1, 16)`): the text of the call is
 * kept, and the argument nodes are read from it when asked for.
 */
export class CallWord implements Word {
  private readonly line: number;
  private readonly character: number;
  private readonly openOffset: number;

  /** `image` is the call as written, from the name to `)`, at (line, character). */
  constructor(
    readonly name: string,
    private readonly image: string,
    line: number,
    character: number,
  ) {
    this.line = line | 0;
    this.character = character | 0;
    this.openOffset = name.length;
  }

  get args(): Expr[] {
    return callArguments(this.image).map((a) => {
      const text = this.image.slice(a.offset, a.offset + a.length);
      const at = this.character + a.offset;
      return a.isNumber ? NumberLiteral.of(this.line, at, text) : new NameReference(this.line, at, text);
    });
  }

  /**
   * The arguments' values into `out`, without building their nodes (the assembler's
   * lookup of a kernel instance): numbers as written, names through `valueOf`. False
   * when a name has no value or a literal is past 2^53: the caller then evaluates
   * `args`, which reports where.
   */
  argumentValues(out: number[], names: { lookup(name: string): number | undefined }): boolean {
    const image = this.image;
    let n = 0;
    for (let i = skipBlanks(image, this.openOffset + 1); image.charCodeAt(i) !== RPAREN; ) {
      const end = argumentEnd(image, i);
      const v = isDigit(image.charCodeAt(i))
        ? (decimalValue(image, i, end) ?? literalValue(image.slice(i, end)))
        : names.lookup(image.slice(i, end));
      if (v === undefined || v === TOO_LARGE) return false;
      out[n++] = v;
      i = skipBlanks(image, end);
      if (image.charCodeAt(i) === COMMA) i = skipBlanks(image, i + 1);
    }
    out.length = n;
    return true;
  }

  get range(): Range {
    return new TextRange(this.line, this.character, this.line, this.character + this.image.length);
  }

  get argsRange(): Range {
    return new TextRange(this.line, this.character + this.openOffset, this.line, this.character + this.image.length);
  }

  toJSON(): Word {
    return { name: this.name, range: this.range, args: this.args, argsRange: this.argsRange };
  }
}

/** An instruction (on one line: its range and its mnemonic's are four integers). */
export class InsnNode implements InsnStmt {
  readonly kind = 'insn' as const;
  private readonly line: number;
  private readonly character: number;
  private readonly endLine: number;
  private readonly endCharacter: number;

  constructor(
    readonly mnemonic: InsnMnemonic,
    readonly words: Word[],
    readonly operands: Operand[],
    range: TextRange,
  ) {
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
    return {
      kind: 'insn',
      mnemonic: this.mnemonic,
      mnemonicRange: this.mnemonicRange,
      words: this.words,
      operands: this.operands,
      range: this.range,
    };
  }
}

/** `push a->b` / `pop a->b` with the queue written as one word: positions on one line. */
export class QueueTokenNode implements TokenStmt {
  private readonly line: number;
  private readonly character: number;
  private readonly queueCharacter: number;

  constructor(
    readonly kind: 'push' | 'pop',
    readonly queue: string,
    line: number,
    character: number,
    queueCharacter: number,
  ) {
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
