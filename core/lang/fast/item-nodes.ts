/**
 * Nodes built from the text of one-token items: compound operands (`sram=16`,
 * `dram=w + 16`), kernel calls (`g(1, 16)`) and bare names. The parser builds them from
 * its tokens, and an InsnLineNode from the text of its line when its items are read, so
 * that both give the same nodes.
 */
import type { BinaryOp, InsnMnemonic, InsnStmt, Operand, Range, Word } from '../ast';
import { TextRange } from '../ast';
import { argumentEnd, operatorLength, simpleOperandEquals } from './compound-tokens';
import { BinaryOperandNode, CallWord, NameToken, SimpleOperandNode } from './nodes';
import { decimalValue, literalValue } from '../numbers';
import { EQUALS, isWordStart, LPAREN, numberEnd, skipBlanks, wordEnd } from './scan';

/** The name text[from, to), one copy of it kept for all its uses (the parser's table, or nameAt's). */
export type NameOf = (text: string, from: number, to: number) => string;

/**
 * The names an InsnLineNode reads, one copy each: a line's keys, memory names, kernel
 * names and queue-free words repeat across thousands of lines, and a shared string
 * is neither allocated again nor hashed again by the assembler's lookups. A small
 * direct-mapped table: a collision only costs a new string.
 */
const NAMES: string[] = new Array<string>(256).fill('');

function nameAt(text: string, from: number, to: number): string {
  const length = to - from;
  const slot = (text.charCodeAt(from) * 31 + text.charCodeAt(to - 1) * 7 + length) & 255;
  const known = NAMES[slot]!;
  if (known.length === length) {
    // A character loop: names are a few characters, and a startsWith call costs more.
    let k = 0;
    while (k < length && known.charCodeAt(k) === text.charCodeAt(from + k)) k++;
    if (k === length) return known;
  }
  return (NAMES[slot] = text.slice(from, to));
}

/** The one-token value text[from, to): a number's value (TOO_LARGE past 2^53) or a name. */
function rawValue(text: string, from: number, to: number, nameOf: NameOf): number | string {
  const c = text.charCodeAt(from);
  if (c >= 48 && c <= 57) return decimalValue(text, from, to) ?? literalValue(text.slice(from, to));
  return nameOf(text, from, to);
}

/** `key=VALUE OP VALUE` written `image` at (line, character). */
export function binaryOperandNode(image: string, line: number, character: number, nameOf: NameOf): BinaryOperandNode {
  const eq = simpleOperandEquals(image);
  const leftEnd = argumentEnd(image, eq + 1);
  const op = skipBlanks(image, leftEnd);
  const opLength = operatorLength(image, op);
  const right = skipBlanks(image, op + opLength);
  return new BinaryOperandNode(
    line,
    character,
    nameOf(image, 0, eq),
    image.slice(op, op + opLength) as BinaryOp,
    eq + 1,
    leftEnd - eq - 1,
    rawValue(image, eq + 1, leftEnd, nameOf),
    right,
    image.length - right,
    rawValue(image, right, image.length, nameOf),
  );
}

/** `key=VALUE` written `image` at (line, character). */
export function simpleOperandNode(image: string, line: number, character: number, nameOf: NameOf): SimpleOperandNode {
  const eq = simpleOperandEquals(image);
  return new SimpleOperandNode(
    line,
    character,
    nameOf(image, 0, eq),
    eq + 1,
    image.length - eq - 1,
    rawValue(image, eq + 1, image.length, nameOf),
  );
}

/** `name(a, b)` written `image` at (line, character). */
export function callWordNode(image: string, line: number, character: number, nameOf: NameOf): CallWord {
  return new CallWord(nameOf(image, 0, image.indexOf('(')), image, line, character);
}

/**
 * One item of an instruction line, as read from its text (a reused object: reading
 * allocates nothing but the names the table does not hold yet).
 */
export class LineItem {
  /** WORD (`inp`, `reset`), CALL (`g(1, 2)`), OPERAND (`key=V`) or BINARY (`key=A op B`). */
  kind = 0;
  /** The item's start and end in the line's text. */
  start = 0;
  end = 0;
  /** The first word: a word's or a call's name, or an operand's key. */
  name = '';
  /** An operand's value, or its left value: a number (TOO_LARGE past 2^53) or a name. */
  value: number | string = 0;
  valueStart = 0;
  valueEnd = 0;
  /** For BINARY: the operator and the right value. */
  op = '';
  right: number | string = 0;
  rightStart = 0;

  static readonly WORD = 0;
  static readonly CALL = 1;
  static readonly OPERAND = 2;
  static readonly BINARY = 3;
}

interface KeptItems {
  words?: Word[];
  operands?: Operand[];
}

/** Where the one-token value at `i` ends (the lexer checked that one is there). */
function oneTokenEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57 ? numberEnd(text, i) : wordEnd(text, i + 1);
}

/**
 * An instruction read as one InsnLine token: the mnemonic, the text from it to the end
 * of the last item, and where that starts. Words and operands are built from the text
 * when they are read; the assembler reads the items through `readItems` without
 * building operand nodes. A tree of one small object per instruction is most of what
 * makes a large file fast to parse (every kept object is copied by the garbage
 * collector's young generation).
 */
export class InsnLineNode implements InsnStmt {
  private readonly line: number;
  private readonly character: number;
  /**
   * How many times items were built (0 or 1), or, once built a second time (a loop
   * body is walked once per iteration), the words and operands kept. One field: the
   * node is one of tens of thousands, each copied by the young generation.
   */
  private built: number | KeptItems = 0;

  constructor(
    readonly mnemonic: InsnMnemonic,
    private readonly text: string,
    line: number,
    character: number,
  ) {
    this.line = line | 0;
    this.character = character | 0;
  }

  /** On the prototype, not in each node. */
  get kind(): 'insn' {
    return 'insn';
  }

  get words(): Word[] {
    const built = this.built;
    return (typeof built === 'object' && built.words) || (this.build(true) as Word[]);
  }

  get operands(): Operand[] {
    const built = this.built;
    return (typeof built === 'object' && built.operands) || (this.build(false) as Operand[]);
  }

  get mnemonicRange(): Range {
    return new TextRange(this.line, this.character, this.line, this.character + this.mnemonic.length);
  }

  get range(): Range {
    return new TextRange(this.line, this.character, this.line, this.character + this.text.length);
  }

  /** Where the first item starts (the text's length when there is none). */
  private get firstItem(): number {
    return skipBlanks(this.text, this.mnemonic.length);
  }

  /**
   * Reads the item starting at `i` into `item`; returns where the next one starts (the
   * text's length after the last). The lexer took the line only because every item is
   * a complete token, so each item's kind shows in the character after its first word,
   * and nothing is checked again.
   */
  private readItem(i: number, item: LineItem): number {
    const text = this.text;
    const nameEnd = wordEnd(text, i + 1);
    const c = text.charCodeAt(nameEnd);
    item.start = i;
    item.name = nameAt(text, i, nameEnd);
    let end: number;
    if (c === EQUALS) {
      const left = nameEnd + 1;
      const leftEnd = oneTokenEnd(text, left);
      item.value = rawValue(text, left, leftEnd, nameAt);
      item.valueStart = left;
      item.valueEnd = leftEnd;
      const op = skipBlanks(text, leftEnd);
      if (op < text.length && !isWordStart(text.charCodeAt(op))) {
        const opLength = operatorLength(text, op);
        const right = skipBlanks(text, op + opLength);
        end = oneTokenEnd(text, right);
        item.kind = LineItem.BINARY;
        item.op = nameAt(text, op, op + opLength);
        item.right = rawValue(text, right, end, nameAt);
        item.rightStart = right;
      } else {
        end = leftEnd;
        item.kind = LineItem.OPERAND;
      }
    } else if (c === LPAREN) {
      end = text.indexOf(')', nameEnd) + 1;
      item.kind = LineItem.CALL;
    } else {
      end = nameEnd;
      item.kind = LineItem.WORD;
    }
    item.end = end;
    return skipBlanks(text, end);
  }

  /**
   * Reads every item into `pool` (grown as needed; its objects are reused from one line
   * to the next) and returns how many there are.
   */
  readItems(pool: LineItem[]): number {
    let n = 0;
    for (let i = this.firstItem, end = this.text.length; i < end; n++) {
      const item = pool[n] ?? (pool[n] = new LineItem());
      i = this.readItem(i, item);
    }
    return n;
  }

  /** The item `item` holds (read from this line) as the node the parser builds for its token. */
  private node(item: LineItem): Word | Operand {
    const { line } = this;
    const start = item.start;
    const at = this.character + start;
    switch (item.kind) {
      case LineItem.WORD:
        return new NameToken(line, at, item.name);
      case LineItem.CALL:
        return new CallWord(item.name, this.text.slice(start, item.end), line, at);
      case LineItem.OPERAND:
        return new SimpleOperandNode(
          line,
          at,
          item.name,
          item.valueStart - start,
          item.valueEnd - item.valueStart,
          item.value,
        );
      default:
        return new BinaryOperandNode(
          line,
          at,
          item.name,
          item.op as BinaryOp,
          item.valueStart - start,
          item.valueEnd - item.valueStart,
          item.value,
          item.rightStart - start,
          item.end - item.rightStart,
          item.right,
        );
    }
  }

  /**
   * The words (`words`) or the operands among the `count` items read into `items`, in
   * the order written, as the parser builds them from their tokens.
   */
  nodes(items: LineItem[], count: number, words: true): Word[];
  nodes(items: LineItem[], count: number, words: false): Operand[];
  nodes(items: LineItem[], count: number, words: boolean): Array<Word | Operand> {
    const out: Array<Word | Operand> = [];
    for (let k = 0; k < count; k++) if (items[k]!.kind <= LineItem.CALL === words) out.push(this.node(items[k]!));
    return out;
  }

  /** `nodes` of this line's items, kept when built a second time. */
  private build(words: boolean): Array<Word | Operand> {
    const n = this.readItems(scratch);
    const out = words ? this.nodes(scratch, n, true) : this.nodes(scratch, n, false);
    const built = this.built;
    if (built === 0) this.built = 1;
    else {
      const kept = typeof built === 'object' ? built : (this.built = {});
      if (words) kept.words = out as Word[];
      else kept.operands = out as Operand[];
    }
    return out;
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

/** The items that building nodes reads into. */
const scratch: LineItem[] = [];
