/**
 * Compound tokens: the parser's lexer reads the two most frequent shapes of a large
 * stream — `key=VALUE` with a one-token value (`sram=16`, `dram=act`) and a queue
 * written without spaces (`ld->ex`) — as one token each instead of three. That is a
 * third fewer tokens for the lexer to match and the parser to consume.
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

const RESERVED = new Set(KEYWORDS);

/** Whether text[from, to) is a word the ordinary lexer would read as a keyword. */
function isKeyword(text: string, from: number, to: number): boolean {
  // Keywords are 2 to 7 letters; most words are ruled out without a substring.
  return to - from >= 2 && to - from <= 7 && RESERVED.has(text.slice(from, to));
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
  const keyEnd = wordEnd(text, offset + 1);
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
  if (isKeyword(text, offset, keyEnd) && text.slice(offset, keyEnd) !== 'uop') return null;
  return match(text, offset, valueEnd);
}

/** `a->b` written without blanks, neither side a keyword. */
function matchQueueName(text: string, offset: number): CustomPatternMatcherReturn | null {
  const fromEnd = wordEnd(text, offset + 1);
  if (text.charCodeAt(fromEnd) !== MINUS || text.charCodeAt(fromEnd + 1) !== GREATER) return null;
  const toStart = fromEnd + 2;
  if (!isWordStart(text.charCodeAt(toStart))) return null;
  const toEnd = wordEnd(text, toStart + 1);
  if (isKeyword(text, offset, fromEnd) || isKeyword(text, toStart, toEnd)) return null;
  return match(text, offset, toEnd);
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

/** Where `=` is in a SimpleOperand's image. */
export function simpleOperandEquals(image: string): number {
  return wordEnd(image, 1);
}

/**
 * The parser's tokens: the compound ones are tried before the keywords and names they
 * start like (a keyword would otherwise match the first word of `uop=…`).
 */
export const PARSER_TOKENS = [...ALL_TOKENS];
PARSER_TOKENS.splice(PARSER_TOKENS.indexOf(NumberLit) + 1, 0, SimpleOperand, QueueName);

/**
 * The parser's lexer tracks start positions only (smaller tokens, less garbage on large
 * files); every token but a newline lies on one line, so its end is start + length.
 */
export const vtaParserLexer = new Lexer(PARSER_TOKENS, { ensureOptimizations: true, positionTracking: 'onlyStart' });
