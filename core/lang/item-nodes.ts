/**
 * Nodes built from the text of one-token items: compound operands (`sram=16`,
 * `dram=w + 16`), kernel calls (`g(1, 16)`) and bare names. The parser builds them from
 * its tokens, and an InsnLineNode from the text of its line when its items are read, so
 * that both give the same nodes.
 */
import type { BinaryOp, InsnMnemonic, InsnStmt, Operand, Range, Word } from './ast';
import { TextRange } from './ast';
import { argumentEnd, operatorLength, simpleOperandEquals } from './compound-tokens';
import { BinaryOperandNode, CallWord, NameToken, SimpleOperandNode } from './nodes';
import { decimalValue, literalValue } from './numbers';
import { EQUALS, isWordStart, LPAREN, skipBlanks, wordEnd } from './scan';

/** Keeps one copy of a repeated name (the parser's table), or the name itself. */
export type Intern = (name: string) => string;

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
  if (known.length === length && text.startsWith(known, from)) return known;
  return (NAMES[slot] = text.slice(from, to));
}

/** A one-token value of an InsnLineNode's text: a number's value or a shared name. */
function lineValue(text: string, from: number, to: number): number | string {
  const c = text.charCodeAt(from);
  if (c >= 48 && c <= 57) return decimalValue(text, from, to) ?? literalValue(text.slice(from, to));
  return nameAt(text, from, to);
}

/** A one-token value in `image`, from `from` to `to`: a number's value or a name. */
function rawValue(image: string, from: number, to: number, intern: Intern): number | string {
  const c = image.charCodeAt(from);
  if (c >= 48 && c <= 57) return decimalValue(image, from, to) ?? literalValue(image.slice(from, to));
  return intern(image.slice(from, to));
}

/** `key=VALUE OP VALUE` written `image` at (line, character). */
export function binaryOperandNode(image: string, line: number, character: number, intern: Intern): BinaryOperandNode {
  const eq = simpleOperandEquals(image);
  const leftEnd = argumentEnd(image, eq + 1);
  const op = skipBlanks(image, leftEnd);
  const opLength = operatorLength(image, op);
  const right = skipBlanks(image, op + opLength);
  return new BinaryOperandNode(line, character, intern(image.slice(0, eq)), image.slice(op, op + opLength) as BinaryOp,
    eq + 1, leftEnd - eq - 1, rawValue(image, eq + 1, leftEnd, intern), right, image.length - right, rawValue(image, right, image.length, intern));
}

/** `key=VALUE` written `image` at (line, character). */
export function simpleOperandNode(image: string, line: number, character: number, intern: Intern): SimpleOperandNode {
  const eq = simpleOperandEquals(image);
  return new SimpleOperandNode(line, character, intern(image.slice(0, eq)), eq + 1, image.length - eq - 1, rawValue(image, eq + 1, image.length, intern));
}

/** `name(a, b)` written `image` at (line, character). */
export function callWordNode(image: string, line: number, character: number, intern: Intern): CallWord {
  return new CallWord(intern(image.slice(0, image.indexOf('('))), image, line, character);
}

interface LineItems {
  words: Word[];
  operands: Operand[];
}

/** The items of the InsnLineNode read last. */
const lastRead: { node?: InsnLineNode; items: LineItems } = { items: { words: [], operands: [] } };

/**
 * An instruction read as one InsnLine token: the mnemonic, the text from it to the end
 * of the last item, and where that starts. Words and operands are built from the text
 * each time they are read and not kept: the assembler reads each once, and a tree of
 * one small object per instruction is most of what makes a large file fast to parse
 * (every kept object is copied by the garbage collector's young generation).
 */
export class InsnLineNode implements InsnStmt {
  readonly kind = 'insn' as const;
  private readonly line: number;
  private readonly character: number;
  /** The items, kept once they have been built twice (a loop body is walked once per iteration). */
  private kept: LineItems | undefined = undefined;
  private builds = 0;

  constructor(readonly mnemonic: InsnMnemonic, private readonly text: string, line: number, character: number) {
    this.line = line | 0;
    this.character = character | 0;
  }

  get words(): Word[] {
    return this.items().words;
  }

  get operands(): Operand[] {
    return this.items().operands;
  }

  get mnemonicRange(): Range {
    return new TextRange(this.line, this.character, this.line, this.character + this.mnemonic.length);
  }

  get range(): Range {
    return new TextRange(this.line, this.character, this.line, this.character + this.text.length);
  }

  /**
   * The items in the order written, each as the parser builds it from its token. The
   * lexer took the line only because every item is a complete token, so each item's
   * kind shows in the character after its first word, and nothing is checked again.
   * The last line read is remembered (the assembler reads `words`, then `operands`), and
   * a line whose items are built a second time keeps them.
   */
  private items(): LineItems {
    if (lastRead.node === this) return lastRead.items;
    if (this.kept) return this.kept;
    const { text, line, character } = this;
    const words: Word[] = [];
    const operands: Operand[] = [];
    for (let i = skipBlanks(text, this.mnemonic.length); i < text.length;) {
      const keyEnd = wordEnd(text, i + 1);
      const at = character + i;
      const c = text.charCodeAt(keyEnd);
      let end: number;
      if (c === EQUALS) {
        const key = nameAt(text, i, keyEnd);
        const left = keyEnd + 1;
        const leftEnd = argumentEnd(text, left);
        const op = skipBlanks(text, leftEnd);
        if (op < text.length && !isWordStart(text.charCodeAt(op))) {
          const opLength = operatorLength(text, op);
          const right = skipBlanks(text, op + opLength);
          end = argumentEnd(text, right);
          operands.push(new BinaryOperandNode(line, at, key, nameAt(text, op, op + opLength) as BinaryOp,
            left - i, leftEnd - left, lineValue(text, left, leftEnd), right - i, end - right, lineValue(text, right, end)));
        } else {
          end = leftEnd;
          operands.push(new SimpleOperandNode(line, at, key, left - i, leftEnd - left, lineValue(text, left, leftEnd)));
        }
      } else if (c === LPAREN) {
        end = text.indexOf(')', keyEnd) + 1;
        words.push(new CallWord(nameAt(text, i, keyEnd), text.slice(i, end), line, at));
      } else {
        end = keyEnd;
        words.push(new NameToken(line, at, nameAt(text, i, keyEnd)));
      }
      i = skipBlanks(text, end);
    }
    const items = { words, operands };
    if (++this.builds > 1) this.kept = items;
    lastRead.node = this;
    lastRead.items = items;
    return items;
  }

  toJSON(): InsnStmt {
    const { words, operands } = this.items();
    return { kind: 'insn', mnemonic: this.mnemonic, mnemonicRange: this.mnemonicRange, words, operands, range: this.range };
  }
}
