/**
 * The parser's lexer: Chevrotain over the plain tokens of lexer.ts and the compound
 * tokens, with changes that matter on large files and change no token the parser sees:
 * - one pattern reads everything that starts with a word: a name, a keyword or a
 *   compound token; each token then takes its type from its text. Separate patterns
 *   cost a call or a failed regular-expression test each at every word (a keyword
 *   pattern at every word that starts with its letter).
 * - a word takes the blanks after it in the same step, and loses them from its image
 *   before the parser reads it.
 * - other blanks are matched by a scan that returns a shared string: they are skipped,
 *   so only their length counts.
 * The lexer of lexer.ts (formatting, semantic tokens) keeps the plain tokens.
 */
import { createToken, Lexer, type CustomPatternMatcherReturn, type ILexingResult, type IToken, type TokenType } from 'chevrotain';
import { BinaryOperand, Call, CompoundOperand, compoundEnd, compoundKind, QueueName, SimpleOperand } from './compound-tokens';
import { ALL_TOKENS, Identifier, Kw, WhiteSpace } from './lexer';
import { isBlank, isWordStart, keywordAt, match, matchOf, skipBlanks, wordEnd } from './scan';

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

/** A name, a keyword or a compound token: typed after lexing by classifyWords. */
function matchWord(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!isWordStart(text.charCodeAt(offset))) return null;
  const end = wordEnd(text, offset + 1);
  const compound = compoundEnd(text, offset, end);
  // The blanks after the word ride along (one lexer step instead of two); classifyWords
  // cuts them off the image before the parser sees it.
  return match(text, offset, skipBlanks(text, compound < 0 ? end : compound));
}

const Word = createToken({
  name: 'Word',
  pattern: { exec: matchWord },
  line_breaks: false,
  start_chars_hint: [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'],
});

const KEYWORD_TYPES: TokenType[] = Object.values(Kw);

/** Every token type the parser reads. */
export const PARSER_VOCABULARY: TokenType[] = [...ALL_TOKENS, SimpleOperand, BinaryOperand, QueueName, Call, CompoundOperand];

/** The patterns in the order they are tried: Word for names and keywords, Blanks for WhiteSpace. */
const PATTERNS: TokenType[] = ALL_TOKENS.filter((t) => t !== WhiteSpace && !KEYWORD_TYPES.includes(t));
PATTERNS.splice(PATTERNS.indexOf(Identifier), 1, Word);
PATTERNS.unshift(Blanks);

/**
 * Start positions only (smaller tokens, less garbage on large files): every token but a
 * newline lies on one line, so its end is start + length.
 */
const lexer = new Lexer(PATTERNS, { ensureOptimizations: true, positionTracking: 'onlyStart' });

/** The type of a Word token: a compound token's, a keyword's (as the keyword pattern of lexer.ts would match it) or a name's. */
function wordType(image: string): TokenType {
  const end = wordEnd(image, 1);
  if (end < image.length) return compoundKind(image);
  const keyword = keywordAt(image, 0, end);
  return keyword === undefined ? Identifier : Kw[keyword as keyof typeof Kw];
}

/** Gives each Word token its type. */
function classifyWords(tokens: IToken[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenType !== Word) continue;
    let image = t.image;
    let end = image.length;
    while (isBlank(image.charCodeAt(end - 1))) end--;
    if (end < image.length) t.image = image = image.slice(0, end);
    const type = wordType(image);
    t.tokenType = type;
    t.tokenTypeIdx = type.tokenTypeIdx!;
  }
}

/** The tokens the parser reads for `text`. */
export function lexForParser(text: string): ILexingResult {
  const lexed = lexer.tokenize(text);
  classifyWords(lexed.tokens);
  return lexed;
}
