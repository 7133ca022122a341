/**
 * Compound tokens: the parser's lexer reads the most frequent shapes of a large stream
 * — `key=VALUE` with a one-token value (`sram=16`, `dram=act`) or with one operator
 * between two (`dram=w + 16`) and a kernel call whose arguments are one token each
 * (`g(1, 16)`) — as one token each instead of three to seven; and whole lines made of
 * such tokens (an instruction, or `push ld->ex`) as one line token (below). That cuts
 * the tokens for the lexer to match and the parser to consume to a fifth.
 *
 * A compound token is taken only where the tokens it replaces could not mean
 * anything else: the value must be followed by the end of the line, a comment, a `}`
 * or (after a blank) the next word, so it can never be the left side of an operator,
 * of `..` or of `,`. Anywhere else the text is left to the ordinary tokens, and the
 * parser builds the same tree either way (a test holds it to that).
 *
 * The shapes are found by the parser's word pattern (parser-lexer.ts): each starts with
 * a word, and the character after that word tells which one it can be.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';
import { WordLike } from '../lexer';
import {
  COMMA,
  CR,
  EQUALS,
  GREATER,
  isBlank,
  isDigit,
  isKeyword,
  isWordStart,
  LF,
  LPAREN,
  MINUS,
  RBRACE,
  RPAREN,
  SEMICOLON,
  skipBlanks,
  SLASH,
  numberEnd,
  wordEnd,
} from './scan';

/**
 * Whether nothing at `i` can continue an expression: the end of the text or the line, a
 * comment, a `}`, or a word after at least one blank.
 */
function endsExpression(text: string, i: number): boolean {
  let j = i;
  while (isBlank(text.charCodeAt(j))) j++;
  if (j >= text.length) return true;
  const c = text.charCodeAt(j);
  if (c === LF || c === CR || c === SEMICOLON || c === RBRACE) return true;
  if (c === SLASH) return text.charCodeAt(j + 1) === SLASH;
  return j > i && isWordStart(c);
}

/**
 * Where the compound token starting with the word text[offset, wordEnd) ends, or -1
 * when none starts there.
 */
export function compoundEnd(text: string, offset: number, wordEnd: number): number {
  switch (text.charCodeAt(wordEnd)) {
    case EQUALS:
      return simpleOperandEnd(text, offset, wordEnd);
    case LPAREN:
      return callEnd(text, offset, wordEnd);
    default:
      return -1;
  }
}

/** The type of the compound token from the word ending at `wordEnd` to `end` (one compoundEnd found). */
export function compoundType(text: string, wordEnd: number, end: number): TokenType {
  if (text.charCodeAt(wordEnd) === LPAREN) return Call;
  return argumentEnd(text, wordEnd + 1) === end ? SimpleOperand : BinaryOperand;
}

/**
 * The length of the binary operator at `i` as the plain lexer reads it, or 0 (`->` is a
 * queue's arrow and `//` a comment there, not operators). Two-character operators are
 * read first: << >> <= >= == != && ||.
 */
export function operatorLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const d = text.charCodeAt(i + 1);
  switch (c) {
    case 60:
      return d === 60 || d === 61 ? 2 : 1; // <<  <=  <
    case 62:
      return d === 62 || d === 61 ? 2 : 1; // >>  >=  >
    case 61:
      return d === 61 ? 2 : 0; //             ==  (a lone = is not an operator)
    case 33:
      return d === 61 ? 2 : 0; //             !=  (! is unary only)
    case 38:
      return d === 38 ? 2 : 1; // &&  &
    case 124:
      return d === 124 ? 2 : 1; // ||  |
    case MINUS:
      return d === GREATER ? 0 : 1; // -> is an arrow
    case SLASH:
      return d === SLASH ? 0 : 1; // // is a comment
    case 43:
    case 42:
    case 37:
      return 1; // +  *  %
    default:
      return 0;
  }
}

/**
 * `key=VALUE` or `key=VALUE OP VALUE`, each VALUE a number or a name, where nothing after
 * it continues the expression.
 */
function simpleOperandEnd(text: string, offset: number, keyEnd: number): number {
  // `uop` is the one keyword that is also an operand key (`uop=B..E`).
  if (isKeyword(text, offset, keyEnd) && !text.startsWith('uop=', offset)) return -1;
  const valueEnd = argumentEnd(text, keyEnd + 1);
  if (valueEnd < 0) return -1;
  if (endsExpression(text, valueEnd)) return valueEnd;
  const op = skipBlanks(text, valueEnd);
  const length = operatorLength(text, op);
  if (length === 0) return -1;
  const rightEnd = argumentEnd(text, skipBlanks(text, op + length));
  return rightEnd >= 0 && endsExpression(text, rightEnd) ? rightEnd : -1;
}

/** `a->b` written without blanks, neither side a keyword. */
function queueNameEnd(text: string, offset: number, fromEnd: number): number {
  if (text.charCodeAt(fromEnd + 1) !== GREATER) return -1;
  const toStart = fromEnd + 2;
  if (!isWordStart(text.charCodeAt(toStart))) return -1;
  const toEnd = wordEnd(text, toStart + 1);
  if (isKeyword(text, offset, fromEnd) || isKeyword(text, toStart, toEnd)) return -1;
  return toEnd;
}

/** Where the argument (a number or a name, not a keyword) at `i` ends, or -1. */
export function argumentEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (isDigit(c)) return numberEnd(text, i);
  if (!isWordStart(c)) return -1;
  const end = wordEnd(text, i + 1);
  return isKeyword(text, i, end) ? -1 : end;
}

/** `name(a, b, …)`, each argument a number or a name, where nothing after it continues. */
function callEnd(text: string, offset: number, nameEnd: number): number {
  if (isKeyword(text, offset, nameEnd)) return -1;
  let i = skipBlanks(text, nameEnd + 1);
  if (text.charCodeAt(i) !== RPAREN) {
    for (;;) {
      const end = argumentEnd(text, i);
      if (end < 0) return -1;
      i = skipBlanks(text, end);
      const c = text.charCodeAt(i);
      if (c === RPAREN) break;
      if (c !== COMMA) return -1;
      i = skipBlanks(text, i + 1);
    }
  }
  return endsExpression(text, i + 1) ? i + 1 : -1;
}

/** The arguments of a Call token's image: offset, length and whether each is a number. */
export function callArguments(image: string): Array<{ offset: number; length: number; isNumber: boolean }> {
  const out: Array<{ offset: number; length: number; isNumber: boolean }> = [];
  let i = skipBlanks(image, image.indexOf('(') + 1);
  while (image.charCodeAt(i) !== RPAREN) {
    const end = argumentEnd(image, i);
    out.push({ offset: i, length: end - i, isNumber: isDigit(image.charCodeAt(i)) });
    i = skipBlanks(image, end);
    if (image.charCodeAt(i) === COMMA) i = skipBlanks(image, i + 1);
  }
  return out;
}

/** An operand as one token: what a `const` takes after its keyword. */
export const CompoundOperand = createToken({ name: 'CompoundOperand', pattern: Lexer.NA });

/** `key=VALUE` as one token; it is word-like, so an instruction's items accept it. */
export const SimpleOperand = createToken({
  name: 'SimpleOperand',
  pattern: Lexer.NA,
  categories: [WordLike, CompoundOperand],
});

/** `key=VALUE OP VALUE` as one token. */
export const BinaryOperand = createToken({
  name: 'BinaryOperand',
  pattern: Lexer.NA,
  categories: [WordLike, CompoundOperand],
});

/** A kernel call `g(1, 16)` as one token; word-like, as the name it starts with. */
export const Call = createToken({ name: 'Call', pattern: Lexer.NA, categories: [WordLike] });

/**
 * An instruction whose items are all one token each — compound operands, kernel calls
 * and bare words — read as one token from the mnemonic to its last item
 * (`load wgt sram=0 dram=w + 16 y=1 x=16`). Most lines of a large stream have this
 * shape; the parser then takes the line in one step, and its node reads the items from
 * the text when they are asked for.
 */
export const InsnLine = createToken({ name: 'InsnLine', pattern: Lexer.NA });

/** Whether the line ends at `i`: the end of the text or line, a comment or a `}`. */
function endsLine(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  if (c === LF || c === CR || c === SEMICOLON || c === RBRACE) return true;
  return c === SLASH && text.charCodeAt(i + 1) === SLASH;
}

/**
 * Where the item starting with the word text[i, end) ends when it is one token an
 * instruction accepts (a SimpleOperand, a BinaryOperand, a Call, a name, or `uop`) with
 * nothing after it that could continue it; else -1.
 */
export function lineItemEnd(text: string, i: number, end: number): number {
  const next = text.charCodeAt(end);
  if (next === EQUALS || next === LPAREN) return compoundEnd(text, i, end);
  if (isKeyword(text, i, end) && !(end - i === 3 && text.startsWith('uop', i))) return -1;
  return endsExpression(text, end) ? end : -1;
}

/**
 * Where the InsnLine whose mnemonic is text[offset, mnemonicEnd) ends (after its last
 * item), or -1 when the line has no item or an item that is not one token: the ordinary
 * tokens then read it, and the parser reports what is wrong with it.
 */
export function insnLineEnd(text: string, mnemonicEnd: number): number {
  let end = mnemonicEnd;
  for (;;) {
    const i = skipBlanks(text, end);
    if (i === end || !isWordStart(text.charCodeAt(i))) return end > mnemonicEnd && endsLine(text, i) ? end : -1;
    const itemEnd = lineItemEnd(text, i, wordEnd(text, i + 1));
    if (itemEnd < 0) return -1;
    end = itemEnd;
  }
}

/** `push a->b` or `pop a->b`, the queue written without blanks, as one token. */
export const QueueLine = createToken({ name: 'QueueLine', pattern: Lexer.NA });

/**
 * An InsnLine or QueueLine that also took the line break after it (the parser's lexer
 * counts lines itself): one token fewer per line. Each is of its line kind's category,
 * so the parser consumes both alike and then skips the newline only if it is there.
 */
export const InsnLineEnd = createToken({ name: 'InsnLineEnd', pattern: Lexer.NA, categories: [InsnLine] });
export const QueueLineEnd = createToken({ name: 'QueueLineEnd', pattern: Lexer.NA, categories: [QueueLine] });

/** The length of the line break at `i` (`\n`, `\r\n` or a lone `\r`), or 0. */
export function lineBreakLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === LF) return 1;
  if (c !== CR) return 0;
  return text.charCodeAt(i + 1) === LF ? 2 : 1;
}

/**
 * Where the QueueLine whose `push`/`pop` ends at `keywordEnd` ends (after the queue),
 * or -1 when the line is anything but one queue name.
 */
export function queueLineEnd(text: string, keywordEnd: number): number {
  const i = skipBlanks(text, keywordEnd);
  if (i === keywordEnd || !isWordStart(text.charCodeAt(i))) return -1;
  const end = queueNameEnd(text, i, wordEnd(text, i + 1));
  return end >= 0 && endsLine(text, skipBlanks(text, end)) ? end : -1;
}

/** Where `=` is in a SimpleOperand's image. */
export function simpleOperandEquals(image: string): number {
  return wordEnd(image, 1);
}
