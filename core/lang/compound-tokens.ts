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
import { createToken, type CustomPatternMatcherReturn } from 'chevrotain';
import { WordLike } from './lexer';
import {
  COMMA, CR, EQUALS, GREATER, isBlank, isDigit, isKeyword, isWordStart, LF, LPAREN, MINUS, RBRACE, RPAREN, SEMICOLON,
  match, skipBlanks, SLASH, numberEnd, wordAt, wordEnd,
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

/** `key=VALUE`, VALUE a number or a name, where nothing after it continues the value. */
function matchSimpleOperand(text: string, offset: number): CustomPatternMatcherReturn | null {
  const keyEnd = wordAt(text, offset);
  if (keyEnd === offset) return null;
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
  if (fromEnd === offset) return null;
  if (text.charCodeAt(fromEnd) !== MINUS || text.charCodeAt(fromEnd + 1) !== GREATER) return null;
  const toStart = fromEnd + 2;
  if (!isWordStart(text.charCodeAt(toStart))) return null;
  const toEnd = wordEnd(text, toStart + 1);
  if (isKeyword(text, offset, fromEnd) || isKeyword(text, toStart, toEnd)) return null;
  return match(text, offset, toEnd);
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
function matchCall(text: string, offset: number): CustomPatternMatcherReturn | null {
  const nameEnd = wordAt(text, offset);
  if (nameEnd === offset) return null;
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

export const WORD_START_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'];

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
