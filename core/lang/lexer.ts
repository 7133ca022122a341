/**
 * Chevrotain tokens of the `.vta` language. Newlines are significant (one statement
 * per line); comments are kept in their own group for folding and formatting.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';
import { skipGrammarValidations } from './grammar-checks';

/**
 * Categories let the parser match a family of tokens with one CONSUME instead of an
 * OR over alternatives (much cheaper on large files).
 */
export const Mnemonic = createToken({ name: 'Mnemonic', pattern: Lexer.NA });
export const WordLike = createToken({ name: 'WordLike', pattern: Lexer.NA });
export const UnaryOp = createToken({ name: 'UnaryOp', pattern: Lexer.NA });
export const TokenOp = createToken({ name: 'TokenOp', pattern: Lexer.NA });

export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [WordLike],
});

function keyword(word: string, categories: TokenType[] = []): TokenType {
  return createToken({ name: `Kw_${word}`, pattern: new RegExp(word), longer_alt: Identifier, categories });
}

export const Kw = {
  target: keyword('target'),
  include: keyword('include'),
  const: keyword('const'),
  image: keyword('image'),
  data: keyword('data'),
  kernel: keyword('kernel'),
  for: keyword('for'),
  in: keyword('in'),
  if: keyword('if'),
  else: keyword('else'),
  uop: keyword('uop', [WordLike]),
  load: keyword('load', [Mnemonic]),
  store: keyword('store', [Mnemonic]),
  gemm: keyword('gemm', [Mnemonic]),
  alu: keyword('alu', [Mnemonic]),
  nop: keyword('nop', [Mnemonic]),
  finish: keyword('finish', [Mnemonic]),
  push: keyword('push', [TokenOp]),
  pop: keyword('pop', [TokenOp]),
};

export const KEYWORDS = Object.keys(Kw);

/**
 * A line ends with `\n`, `\r\n` or a lone `\r`, as LSP counts lines. No other token can
 * hold a line terminator, so the lexer counts lines on Newline tokens only (a token that
 * might hold one is searched for line terminators each time it matches).
 */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });
export const Newline = createToken({ name: 'Newline', pattern: /\r\n?|\n/, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /(?:;|\/\/)[^\r\n]*/, group: 'comments' });
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\r\n]|\\.)*"/ });
export const NumberLit = createToken({
  name: 'NumberLit',
  pattern: /0[xX][0-9a-fA-F_]+|0[bB][01_]+|[0-9][0-9_]*/,
});

/** Category shared by every binary operator, so expressions match them with one CONSUME. */
export const BinOp = createToken({ name: 'BinOp', pattern: Lexer.NA });
const binary = { categories: [BinOp] };

export const Arrow = createToken({ name: 'Arrow', pattern: /->/ });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./ });
export const Shl = createToken({ name: 'Shl', pattern: /<</, ...binary });
export const Shr = createToken({ name: 'Shr', pattern: />>/, ...binary });
export const Le = createToken({ name: 'Le', pattern: /<=/, ...binary });
export const Ge = createToken({ name: 'Ge', pattern: />=/, ...binary });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, ...binary });
export const NotEq = createToken({ name: 'NotEq', pattern: /!=/, ...binary });
export const AndAnd = createToken({ name: 'AndAnd', pattern: /&&/, ...binary });
export const OrOr = createToken({ name: 'OrOr', pattern: /\|\|/, ...binary });
export const Lt = createToken({ name: 'Lt', pattern: /</, ...binary });
export const Gt = createToken({ name: 'Gt', pattern: />/, ...binary });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, ...binary });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: [BinOp, UnaryOp] });
export const Star = createToken({ name: 'Star', pattern: /\*/, ...binary });
export const Slash = createToken({ name: 'Slash', pattern: /\//, ...binary });
export const Percent = createToken({ name: 'Percent', pattern: /%/, ...binary });
export const Amp = createToken({ name: 'Amp', pattern: /&/, ...binary });
export const Pipe = createToken({ name: 'Pipe', pattern: /\|/, ...binary });
export const Bang = createToken({ name: 'Bang', pattern: /!/, categories: [UnaryOp] });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const At = createToken({ name: 'At', pattern: /@/ });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Newline,
  Comment,
  StringLit,
  NumberLit,
  ...Object.values(Kw),
  Identifier,
  Arrow,
  DotDot,
  Shl,
  Shr,
  Le,
  Ge,
  EqEq,
  NotEq,
  AndAnd,
  OrOr,
  Lt,
  Gt,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Amp,
  Pipe,
  Bang,
  Equals,
  Colon,
  Comma,
  At,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
];

let plainLexer: Lexer | undefined;

/**
 * The plain tokens (formatting, semantic tokens). Built on first use: building a
 * Chevrotain lexer analyses every pattern, and the parser and the CLI never need this one.
 */
export const vtaLexer = {
  tokenize(text: string) {
    plainLexer ??= new Lexer(ALL_TOKENS, {
      ensureOptimizations: true,
      positionTracking: 'full',
      skipValidations: skipGrammarValidations,
    });
    return plainLexer.tokenize(text);
  },
};
