/**
 * Compound tokens: the parser's lexer reads the most frequent shapes of a large stream
 * — `key=VALUE` with a one-token value (`sram=16`, `dram=act`), a queue written without
 * spaces (`ld->ex`) and a kernel call whose arguments are one token each (`g(1, 16)`)
 * — as one token each instead of three to seven. That halves the tokens for the lexer
 * to match and the parser to consume.
 *
 * A compound token is taken only where the three tokens it replaces could not mean
 * anything else: the value must be followed by the end of the line, a comment, a `}`
 * or (after a blank) the next word, so it can never be the left side of an operator,
 * of `..` or of `,`. Anywhere else the text is left to the ordinary tokens, and the
 * parser builds the same tree either way (a test holds it to that).
 */
import { createToken, Lexer, type CustomPatternMatcherReturn } from 'chevrotain';
import { ALL_TOKENS, KEYWORDS, NumberLit, WordLike } from './lexer';

const TAB = 9, LF = 10, VT = 11, FF = 12, CR = 13, SPACE = 32, MINUS = 45, SLASH = 47;
const LPAREN = 40, RPAREN = 41, COMMA = 44;
const ZERO = 48, ONE = 49, NINE = 57, SEMICOLON = 59, EQUALS = 61, GREATER = 62, RBRACE = 125, UNDERSCORE = 95;

const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isWordStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === UNDERSCORE;
const isWordPart = (c: number) => isWordStart(c) || isDigit(c);
const isHexPart = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === UNDERSCORE;
const isBlank = (c: number) => c === SPACE || c === TAB || c === VT || c === FF;

/** Where the word starting at `i` ends (charCodeAt past the end is NaN: no word part). */
function wordEnd(text: string, i: number): number {
  while (isWordPart(text.charCodeAt(i))) i++;
  return i;
}

/** Where the number literal starting with the digit at `i` ends, as NumberLit matches it. */
function numberEnd(text: string, i: number): number {
  if (text.charCodeAt(i) === ZERO) {
    const radix = text.charCodeAt(i + 1) | 0x20;
    if (radix === 0x78 /* x */) {
      let j = i + 2;
      while (isHexPart(text.charCodeAt(j))) j++;
      if (j > i + 2) return j;
    } else if (radix === 0x62 /* b */) {
      let j = i + 2;
      for (let c = text.charCodeAt(j); c === ZERO || c === ONE || c === UNDERSCORE; c = text.charCodeAt(++j));
      if (j > i + 2) return j;
    }
  }
  let j = i + 1;
  for (let c = text.charCodeAt(j); isDigit(c) || c === UNDERSCORE; c = text.charCodeAt(++j));
  return j;
}

/** The keywords by the code of their first letter. */
const KEYWORDS_BY_FIRST: string[][] = [];
for (const k of KEYWORDS) (KEYWORDS_BY_FIRST[k.charCodeAt(0)] ??= []).push(k);

/** Whether text[from, to) is a word the ordinary lexer would read as a keyword (no substring made). */
function isKeyword(text: string, from: number, to: number): boolean {
  const candidates = KEYWORDS_BY_FIRST[text.charCodeAt(from)];
  if (candidates === undefined) return false;
  for (const k of candidates) if (k.length === to - from && text.startsWith(k, from)) return true;
  return false;
}

/**
 * The word last scanned: the lexer tries both compound tokens at each word, one after
 * the other, and the second reuses the first one's scan.
 */
let scannedText = '';
let scannedOffset = -1;
let scannedEnd = 0;

/** Where the word starting at `offset` ends. */
function wordAt(text: string, offset: number): number {
  if (offset !== scannedOffset || text !== scannedText) {
    scannedText = text;
    scannedOffset = offset;
    scannedEnd = wordEnd(text, offset + 1);
  }
  return scannedEnd;
}

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

/** One match array reused for every match: the lexer reads `[0]` at once and keeps nothing. */
const matched = [''] as unknown as CustomPatternMatcherReturn;

function match(text: string, offset: number, end: number): CustomPatternMatcherReturn {
  matched[0] = text.substring(offset, end);
  return matched;
}

/** `key=VALUE`, VALUE a number or a name, where nothing after it continues the value. */
function matchSimpleOperand(text: string, offset: number): CustomPatternMatcherReturn | null {
  const keyEnd = wordAt(text, offset);
  if (text.charCodeAt(keyEnd) !== EQUALS) return null;
  const valueStart = keyEnd + 1;
  const c = text.charCodeAt(valueStart);
  let valueEnd: number;
  if (isDigit(c)) valueEnd = numberEnd(text, valueStart);
  else if (isWordStart(c)) {
    valueEnd = wordEnd(text, valueStart + 1);
    if (isKeyword(text, valueStart, valueEnd)) return null;
  } else return null;
  if (!endsExpression(text, valueEnd)) return null;
  // `uop` is the one keyword that is also an operand key (`uop=B..E`).
  if (isKeyword(text, offset, keyEnd) && !text.startsWith('uop=', offset)) return null;
  return match(text, offset, valueEnd);
}

/** `a->b` written without blanks, neither side a keyword. */
function matchQueueName(text: string, offset: number): CustomPatternMatcherReturn | null {
  const fromEnd = wordAt(text, offset);
  if (text.charCodeAt(fromEnd) !== MINUS || text.charCodeAt(fromEnd + 1) !== GREATER) return null;
  const toStart = fromEnd + 2;
  if (!isWordStart(text.charCodeAt(toStart))) return null;
  const toEnd = wordEnd(text, toStart + 1);
  if (isKeyword(text, offset, fromEnd) || isKeyword(text, toStart, toEnd)) return null;
  return match(text, offset, toEnd);
}

/** Where the argument (a number or a name, not a keyword) at `i` ends, or -1. */
function argumentEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (isDigit(c)) return numberEnd(text, i);
  if (!isWordStart(c)) return -1;
  const end = wordEnd(text, i + 1);
  return isKeyword(text, i, end) ? -1 : end;
}

function skipBlanks(text: string, i: number): number {
  while (isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** `name(a, b, …)`, each argument a number or a name, where nothing after it continues. */
function matchCall(text: string, offset: number): CustomPatternMatcherReturn | null {
  const nameEnd = wordAt(text, offset);
  if (text.charCodeAt(nameEnd) !== LPAREN || isKeyword(text, offset, nameEnd)) return null;
  let i = skipBlanks(text, nameEnd + 1);
  if (text.charCodeAt(i) !== RPAREN) {
    for (;;) {
      const end = argumentEnd(text, i);
      if (end < 0) return null;
      i = skipBlanks(text, end);
      const c = text.charCodeAt(i);
      if (c === RPAREN) break;
      if (c !== COMMA) return null;
      i = skipBlanks(text, i + 1);
    }
  }
  if (!endsExpression(text, i + 1)) return null;
  return match(text, offset, i + 1);
}

/**
 * The arguments of a Call token's image: for each, its offset in the image, its length,
 * and whether it is a number.
 */
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

const WORD_START_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'];

/** `key=VALUE` as one token; it is word-like, so an instruction's items accept it. */
export const SimpleOperand = createToken({
  name: 'SimpleOperand',
  pattern: { exec: matchSimpleOperand },
  line_breaks: false,
  start_chars_hint: WORD_START_CHARS,
  categories: [WordLike],
});

/** A queue name such as `ld->ex` as one token. */
export const QueueName = createToken({
  name: 'QueueName',
  pattern: { exec: matchQueueName },
  line_breaks: false,
  start_chars_hint: WORD_START_CHARS,
});

/** A kernel call `g(1, 16)` as one token; word-like, as the name it starts with. */
export const Call = createToken({
  name: 'Call',
  pattern: { exec: matchCall },
  line_breaks: false,
  start_chars_hint: WORD_START_CHARS,
  categories: [WordLike],
});

/** Where `=` is in a SimpleOperand's image. */
export function simpleOperandEquals(image: string): number {
  return wordEnd(image, 1);
}

/**
 * The parser's tokens: the compound ones are tried before the keywords and names they
 * start like (a keyword would otherwise match the first word of `uop=…`).
 */
export const PARSER_TOKENS = [...ALL_TOKENS];
PARSER_TOKENS.splice(PARSER_TOKENS.indexOf(NumberLit) + 1, 0, SimpleOperand, QueueName, Call);

/**
 * The parser's lexer tracks start positions only (smaller tokens, less garbage on large
 * files); every token but a newline lies on one line, so its end is start + length.
 */
export const vtaParserLexer = new Lexer(PARSER_TOKENS, { ensureOptimizations: true, positionTracking: 'onlyStart' });
