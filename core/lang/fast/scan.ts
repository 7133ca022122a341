/**
 * Character scanning shared by the parser's custom token patterns: the same character
 * classes and literal shapes as the regular-expression tokens of lexer.ts, read with
 * charCodeAt and without making substrings.
 */
import type { CustomPatternMatcherReturn } from 'chevrotain';
import { KEYWORDS } from '../lexer';

export const TAB = 9,
  LF = 10,
  VT = 11,
  FF = 12,
  CR = 13,
  SPACE = 32,
  MINUS = 45,
  SLASH = 47;
export const LPAREN = 40,
  RPAREN = 41,
  COMMA = 44;
export const ZERO = 48,
  ONE = 49,
  NINE = 57,
  SEMICOLON = 59,
  EQUALS = 61,
  GREATER = 62,
  RBRACE = 125,
  UNDERSCORE = 95;

export const isDigit = (c: number) => c >= ZERO && c <= NINE;
export const isWordStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === UNDERSCORE;
export const isWordPart = (c: number) => isWordStart(c) || isDigit(c);
export const isHexPart = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === UNDERSCORE;
export const isBlank = (c: number) => c === SPACE || c === TAB || c === VT || c === FF;

/** Where the word starting at `i` ends (charCodeAt past the end is NaN: no word part). */
export function wordEnd(text: string, i: number): number {
  while (isWordPart(text.charCodeAt(i))) i++;
  return i;
}

/** Where the number literal starting with the digit at `i` ends, as NumberLit matches it. */
export function numberEnd(text: string, i: number): number {
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

/** The keyword text[from, to) is, as the ordinary lexer would read it (no substring made), or undefined. */
export function keywordAt(text: string, from: number, to: number): string | undefined {
  const candidates = KEYWORDS_BY_FIRST[text.charCodeAt(from)];
  if (candidates === undefined) return undefined;
  const length = to - from;
  for (let j = 0; j < candidates.length; j++) {
    const k = candidates[j]!;
    if (k.length !== length) continue;
    // Compared by character: this runs at every word, and a startsWith call costs more.
    let i = 1;
    while (i < length && k.charCodeAt(i) === text.charCodeAt(from + i)) i++;
    if (i === length) return k;
  }
  return undefined;
}

/** Whether text[from, to) is a word the ordinary lexer would read as a keyword. */
export function isKeyword(text: string, from: number, to: number): boolean {
  return keywordAt(text, from, to) !== undefined;
}

/** Where the blanks starting at `i` end. */
export function skipBlanks(text: string, i: number): number {
  while (isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** One match array reused for every match: the lexer reads `[0]` at once and keeps nothing. */
const matched = [''] as unknown as CustomPatternMatcherReturn;

/** `image` as a custom pattern's match. */
export function matchOf(image: string): CustomPatternMatcherReturn {
  matched[0] = image;
  return matched;
}

/** text[offset, end) as a custom pattern's match. */
export function match(text: string, offset: number, end: number): CustomPatternMatcherReturn {
  return matchOf(text.substring(offset, end));
}
