/**
 * The parser's lexer: Chevrotain over the plain tokens of lexer.ts, the compound tokens
 * and the line tokens (compound-tokens.ts), with changes that matter on large files:
 * - one pattern reads everything that starts with a word: a name, a keyword, a
 *   compound token or a line token; the scan that finds it also finds its type, which
 *   the token gets after lexing. Separate patterns cost a call or a failed
 *   regular-expression test each at every word (a keyword pattern at every word that
 *   starts with its letter).
 * - a word takes the blanks after it in the same step, and loses them from its image
 *   before the parser reads it; a line token also takes its line break.
 * - lines and columns are counted here, in one pass after lexing: Chevrotain counts
 *   them only in tokens declared to hold line breaks, and searched each line break
 *   again with a regular expression.
 * - other blanks are matched by a scan that returns a shared string: they are skipped,
 *   so only their length counts.
 * The lexer of lexer.ts (formatting, semantic tokens) keeps the plain tokens.
 */
import { createToken, Lexer, type CustomPatternMatcherReturn, type ILexingResult, type TokenType } from 'chevrotain';
import {
  BinaryOperand,
  Call,
  CompoundOperand,
  compoundEnd,
  compoundType,
  InsnLine,
  InsnLineEnd,
  insnLineEnd,
  lineBreakLength,
  QueueLine,
  QueueLineEnd,
  queueLineEnd,
  SimpleOperand,
} from './compound-tokens';
import { skipGrammarValidations } from '../grammar-checks';
import { ALL_TOKENS, Identifier, Kw, Newline, WhiteSpace } from '../lexer';
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

/**
 * What matchWord found at each offset, in the order it matched: the type and the length
 * without the trailing blanks. positionTokens gives each Word token these, so nothing is
 * scanned twice. (Chevrotain also calls a pattern while it resynchronises after an
 * unexpected character; those matches are found again at the same offset or skipped.)
 */
const found = { offsets: [] as number[], types: [] as TokenType[], lengths: [] as number[] };

function remember(offset: number, type: TokenType, length: number): void {
  found.offsets.push(offset);
  found.types.push(type);
  found.lengths.push(length);
}

const MNEMONICS = new Set(['load', 'store', 'gemm', 'alu', 'nop', 'finish']);

/** A name, a keyword, a compound token or a line token: typed after lexing by positionTokens. */
function matchWord(text: string, offset: number): CustomPatternMatcherReturn | null {
  if (!isWordStart(text.charCodeAt(offset))) return null;
  const end = wordEnd(text, offset + 1);
  const keyword = keywordAt(text, offset, end);
  let last = end;
  let type: TokenType;
  const line =
    keyword === undefined
      ? -1
      : MNEMONICS.has(keyword)
        ? insnLineEnd(text, end)
        : keyword === 'push' || keyword === 'pop'
          ? queueLineEnd(text, end)
          : -1;
  let next: number;
  if (line >= 0) {
    last = line;
    // A line token takes the line break after it too (positionTokens counts the line).
    next = skipBlanks(text, last);
    const br = lineBreakLength(text, next);
    next += br;
    type = keyword === 'push' || keyword === 'pop' ? (br ? QueueLineEnd : QueueLine) : br ? InsnLineEnd : InsnLine;
  } else {
    const compound = compoundEnd(text, offset, end);
    if (compound >= 0) {
      last = compound;
      type = compoundType(text, end, compound);
    } else type = keyword === undefined ? Identifier : Kw[keyword as keyof typeof Kw];
    next = skipBlanks(text, last);
  }
  remember(offset, type, last - offset);
  // The blanks after the token ride along (one lexer step instead of two); positionTokens
  // cuts them off the image before the parser sees it.
  return match(text, offset, next);
}

const Word = createToken({
  name: 'Word',
  pattern: { exec: matchWord },
  line_breaks: false,
  start_chars_hint: [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'],
});

const KEYWORD_TYPES: TokenType[] = Object.values(Kw);

/** Every token type the parser reads. */
export const PARSER_VOCABULARY: TokenType[] = [
  ...ALL_TOKENS,
  SimpleOperand,
  BinaryOperand,
  Call,
  CompoundOperand,
  InsnLine,
  QueueLine,
  InsnLineEnd,
  QueueLineEnd,
];

/** The patterns in the order they are tried: Word for names and keywords, Blanks for WhiteSpace. */
const PATTERNS: TokenType[] = ALL_TOKENS.filter((t) => t !== WhiteSpace && !KEYWORD_TYPES.includes(t));
PATTERNS.splice(PATTERNS.indexOf(Identifier), 1, Word);
PATTERNS.unshift(Blanks);

/**
 * Start positions only (smaller tokens, less garbage on large files): every token but a
 * line break lies on one line, so its end is start + length. The lines and columns
 * Chevrotain counts are replaced by positionTokens, which also counts the line breaks
 * that line tokens took.
 */
const lexer = new Lexer(PATTERNS, {
  ensureOptimizations: true,
  positionTracking: 'onlyStart',
  skipValidations: skipGrammarValidations,
});

/** Whether a token of this type ends its line (a line break, or a line token that took one). */
export function endsLine(type: TokenType): boolean {
  return type === Newline || type === InsnLineEnd || type === QueueLineEnd;
}

/**
 * Gives each Word token the type and length matchWord found for it, and every token,
 * comment and lexing error its 1-based line and column.
 */
function positionTokens(lexed: ILexingResult): void {
  const { tokens, errors } = lexed;
  const comments = lexed.groups.comments ?? [];
  const { offsets, types, lengths } = found;
  let k = 0,
    c = 0,
    e = 0;
  let line = 1,
    lineStart = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const at = t.startOffset;
    // Comments and errors lie between tokens: each takes the line it starts on.
    for (; c < comments.length && comments[c]!.startOffset < at; c++) {
      comments[c]!.startLine = line;
      comments[c]!.startColumn = comments[c]!.startOffset - lineStart + 1;
    }
    for (; e < errors.length && errors[e]!.offset < at; e++) {
      errors[e]!.line = line;
      errors[e]!.column = errors[e]!.offset - lineStart + 1;
    }
    t.startLine = line;
    t.startColumn = at - lineStart + 1;
    let type = t.tokenType;
    const length = t.image.length;
    if (type === Word) {
      while (offsets[k]! < at) k++;
      type = types[k]!;
      if (lengths[k]! < length) t.image = t.image.slice(0, lengths[k]!);
      t.tokenType = type;
      t.tokenTypeIdx = type.tokenTypeIdx!;
    }
    if (endsLine(type)) {
      line++;
      lineStart = at + length;
    }
  }
  for (; c < comments.length; c++) {
    comments[c]!.startLine = line;
    comments[c]!.startColumn = comments[c]!.startOffset - lineStart + 1;
  }
  for (; e < errors.length; e++) {
    errors[e]!.line = line;
    errors[e]!.column = errors[e]!.offset - lineStart + 1;
  }
}

/** The tokens the parser reads for `text`. */
export function lexForParser(text: string): ILexingResult {
  found.offsets.length = found.types.length = found.lengths.length = 0;
  const lexed = lexer.tokenize(text);
  positionTokens(lexed);
  return lexed;
}
