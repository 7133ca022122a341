/**
 * The parser's lexer: Chevrotain over the plain tokens of lexer.ts and the compound
 * tokens, with two changes that matter on large files and change no token:
 * - keywords are not patterns of their own. Every word is lexed as a name, and a name
 *   that is a keyword then takes the keyword's token type. A keyword pattern costs a
 *   failed regular-expression test at every word that starts with its letter.
 * - blanks are matched by a scan that returns a shared string: they are skipped, so
 *   only their length counts.
 * The lexer of lexer.ts (formatting, semantic tokens) keeps the plain tokens.
 */
import { createToken, Lexer, type CustomPatternMatcherReturn, type ILexingResult, type IToken, type TokenType } from 'chevrotain';
import { Call, QueueName, SimpleOperand } from './compound-tokens';
import { ALL_TOKENS, Identifier, Kw, NumberLit, WhiteSpace } from './lexer';
import { isBlank, match, matchOf, skipBlanks } from './scan';

/** Shared strings of 0..32 spaces: a skipped token's image is never kept, only its length. */
const BLANK_RUNS = Array.from({ length: 33 }, (_, n) => ' '.repeat(n));

function matchBlanks(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!isBlank(text.charCodeAt(offset))) return null;
  const end = skipBlanks(text, offset + 1);
  return end - offset < BLANK_RUNS.length ? matchOf(BLANK_RUNS[end - offset]!) : match(text, offset, end);
}

/** Blanks as WhiteSpace matches them. */
const Blanks = createToken({
  name: 'Blanks',
  pattern: { exec: matchBlanks },
  group: Lexer.SKIPPED,
  line_breaks: false,
  start_chars_hint: [' ', '\t', '\f', '\v'],
});

const KEYWORD_TYPES: TokenType[] = Object.values(Kw);

/** Every token type the parser reads. */
export const PARSER_VOCABULARY: TokenType[] = [...ALL_TOKENS, SimpleOperand, QueueName, Call];

/**
 * The patterns in the order they are tried: compound tokens before the names they start
 * with (`sram` of `sram=16`), no keyword patterns, Blanks for WhiteSpace.
 */
const PATTERNS: TokenType[] = ALL_TOKENS.filter((t) => t !== WhiteSpace && !KEYWORD_TYPES.includes(t));
PATTERNS.splice(PATTERNS.indexOf(NumberLit) + 1, 0, SimpleOperand, QueueName, Call);
PATTERNS.unshift(Blanks);

/**
 * Start positions only (smaller tokens, less garbage on large files): every token but a
 * newline lies on one line, so its end is start + length.
 */
const lexer = new Lexer(PATTERNS, { ensureOptimizations: true, positionTracking: 'onlyStart' });

/** Keyword token types by their word's first letter. */
const KEYWORDS_BY_FIRST: Array<Array<{ word: string; type: TokenType }>> = [];
for (const [word, type] of Object.entries(Kw)) (KEYWORDS_BY_FIRST[word.charCodeAt(0)] ??= []).push({ word, type });

/** Gives each name that is a keyword the keyword's type (what the keyword pattern would have matched). */
function classifyKeywords(tokens: IToken[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenType !== Identifier) continue;
    const candidates = KEYWORDS_BY_FIRST[t.image.charCodeAt(0)];
    if (candidates === undefined) continue;
    for (const k of candidates) {
      if (k.word === t.image) {
        t.tokenType = k.type;
        t.tokenTypeIdx = k.type.tokenTypeIdx!;
        break;
      }
    }
  }
}

/** The tokens the parser reads for `text`. */
export function lexForParser(text: string): ILexingResult {
  const lexed = lexer.tokenize(text);
  classifyKeywords(lexed.tokens);
  return lexed;
}
