/**
 * The `.vta` parser: a Chevrotain embedded-actions parser that builds the AST
 * directly. Recovery is on, so a bad line yields an error and parsing resumes at the
 * next line or operand; statements the parser had to abandon are dropped from the
 * tree rather than half-built.
 *
 * The rules below are the grammar, over the plain tokens of lexer.ts. A few
 * alternatives are shortcuts for speed on large files: they read the compound tokens
 * of fast/ (see fast/README.md), which stand for runs of plain tokens, and build the
 * same nodes the plain alternatives would:
 * - topBlockBody: an InsnLine token (a whole instruction line) and a QueueLine token
 *   (`push ld->ex`), beside `statement` whose `insn` and `tokenStmt` are the grammar;
 * - constStmt, operandValues, bareItem: a compound operand token (`sram=16`,
 *   `dram=w + 16`) and a Call token (`g(1, 16)`), beside `key = expr` and
 *   `name(args)`.
 * `parseVta(text, runChars, lex)` with the plain lexer never takes a shortcut; a test
 * holds the tree equal either way.
 */
import {
  EmbeddedActionsParser,
  EOF,
  type ILexingResult,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from 'chevrotain';
import type {
  BinaryOp,
  ConstStmt,
  DataInit,
  DataStmt,
  Expr,
  ForStmt,
  IfStmt,
  ImageStmt,
  IncludeStmt,
  InsnMnemonic,
  InsnStmt,
  KernelItem,
  KernelStmt,
  LabelStmt,
  Named,
  Operand,
  Range,
  SourceFile,
  Stmt,
  SyntaxError,
  TargetStmt,
  TokenStmt,
  UopStmt,
  Word,
} from './ast';
import { TextRange } from './ast';
import { skipGrammarValidations } from './grammar-checks';
import {
  BinaryOperandNode,
  CallWord,
  CompoundOperandNode,
  InsnNode,
  NameReference,
  NameToken,
  NumberLiteral,
  OperandNode,
  QueueTokenNode,
  SimpleOperandNode,
} from './fast/nodes';
import * as T from './lexer';
import { topLevelRuns } from './fast/chunks';
import {
  BinaryOperand,
  Call,
  CompoundOperand,
  InsnLine,
  InsnLineEnd,
  QueueLine,
  QueueLineEnd,
  SimpleOperand,
} from './fast/compound-tokens';
import { binaryOperandNode, callWordNode, InsnLineNode, simpleOperandNode } from './fast/item-nodes';
import { skipBlanks, wordEnd } from './fast/scan';
import { endsLine, lexForParser, PARSER_VOCABULARY } from './fast/parser-lexer';
import { MAX_NESTING, NESTING_MESSAGE } from './nesting';
import { cacheFollowSets } from './follows-cache';
import { withoutStackTraces } from './no-stack-traces';

const FRIENDLY: Record<string, string> = {
  Newline: 'end of line',
  Identifier: 'a name',
  NumberLit: 'a number',
  StringLit: 'a "string"',
  Arrow: "'->'",
  DotDot: "'..'",
  Equals: "'='",
  Colon: "':'",
  Comma: "','",
  At: "'@'",
  LBrace: "'{'",
  RBrace: "'}'",
  LBracket: "'['",
  RBracket: "']'",
  LParen: "'('",
  RParen: "')'",
  EOF: 'end of file',
};

function describe(t: TokenType): string {
  if (t.name.startsWith('Kw_')) return `'${t.name.slice(3)}'`;
  return FRIENDLY[t.name] ?? `'${t.name}'`;
}

function shown(tok: IToken | undefined): string {
  if (!tok || tok.tokenType === EOF) return 'end of file';
  if (tok.tokenType === T.Newline) return 'end of line';
  return `'${tok.image}'`;
}

const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${describe(expected)} but found ${shown(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${shown(firstRedundant)}`,
  buildNoViableAltMessage: ({ actual, ruleName }) => `unexpected ${shown(actual[0])} in ${ruleLabel(ruleName)}`,
  buildEarlyExitMessage: ({ actual, ruleName }) => `unexpected ${shown(actual[0])} in ${ruleLabel(ruleName)}`,
};

function ruleLabel(rule: string): string {
  const labels: Record<string, string> = {
    statement:
      'a statement (expected an instruction, push/pop, const, data, kernel, for, if, target, include, image or a label)',
    kernelItem: "a kernel body (expected 'uop', 'for' or 'if')",
    unary: 'an expression (expected a number, a name or "(")',
    expr: 'an expression (expected a number, a name or "(")',
    prefixed: 'an expression',
    dataInit: 'a data initialiser',
    targetStmt: 'target',
  };
  return labels[rule] ?? rule;
}

const EMPTY_RANGE = new TextRange(0, 0, 0, 0);

/**
 * What one parse keeps while it runs, made afresh by each parseVta call so that nothing
 * of a parse outlives it or leaks into the next: the line at which the run being parsed
 * starts, one copy of each name, and the errors found while building nodes. The nodes
 * are made here because each needs the run's line and the names.
 */
class ParseState {
  /**
   * The 0-based line at which the run being parsed starts: the lexer numbers a run's
   * lines from 1, and ranges are made here rather than by rewriting every token.
   */
  runLine = 0;
  /** Errors found while building nodes (not grammar mismatches). */
  readonly semanticErrors: SyntaxError[] = [];
  /**
   * One copy of each name per parse: a large file repeats a few dozen words (mnemonics,
   * operand keys, kernel names, queues) hundreds of thousands of times, and the tree
   * would otherwise keep a separate string for each.
   */
  private readonly words = new Map<string, string>();

  word(image: string): string {
    const known = this.words.get(image);
    if (known !== undefined) return known;
    this.words.set(image, image);
    return image;
  }

  /** word() of text[from, to), for the nodes of fast/item-nodes.ts. */
  readonly wordAt = (text: string, from: number, to: number): string => this.word(text.slice(from, to));

  /** The 0-based line of a token of the run. */
  line(tok: IToken): number {
    return tok.startLine! + this.runLine - 1;
  }

  /**
   * The range from the start of `tok` to the end of `endTok`. Tokens inserted by error
   * recovery have no position (NaN); they take the other token's.
   */
  range(tok: IToken | undefined, endTok: IToken | undefined = tok): TextRange {
    if (!tok || Number.isNaN(tok.startOffset)) {
      if (!endTok || Number.isNaN(endTok.startOffset)) return EMPTY_RANGE;
      tok = endTok;
    }
    if (!endTok || Number.isNaN(endTok.startOffset)) endTok = tok;
    const base = this.runLine - 1;
    return new TextRange(
      tok.startLine! + base,
      tok.startColumn! - 1,
      endTok.startLine! + base,
      endTok.startColumn! - 1 + endTok.image.length,
    );
  }

  numberExpr(tok: IToken): Expr {
    return NumberLiteral.of(this.line(tok), tok.startColumn! - 1, tok.image);
  }

  nameExpr(tok: IToken): Expr {
    return new NameReference(this.line(tok), tok.startColumn! - 1, this.word(tok.image));
  }

  /** An operand key or declared name. */
  nameToken(tok: IToken): Named {
    return new NameToken(this.line(tok), tok.startColumn! - 1, this.word(tok.image));
  }

  /** Shortcut: a compound operand token as an operand. */
  compoundOperand(tok: IToken): SimpleOperandNode | BinaryOperandNode {
    const line = this.line(tok),
      character = tok.startColumn! - 1;
    return tok.tokenType === BinaryOperand
      ? binaryOperandNode(tok.image, line, character, this.wordAt)
      : simpleOperandNode(tok.image, line, character, this.wordAt);
  }

  /** Shortcut: a compound `name(a, b)` token as a word with arguments. */
  callWord(tok: IToken): CallWord {
    return callWordNode(tok.image, this.line(tok), tok.startColumn! - 1, this.wordAt);
  }

  /** Shortcut: an InsnLine token as an instruction. */
  insnLine(tok: IToken): InsnLineNode {
    const image = tok.image;
    return new InsnLineNode(
      this.word(image.slice(0, wordEnd(image, 1))) as InsnMnemonic,
      image,
      this.line(tok),
      tok.startColumn! - 1,
    );
  }
}

/** From the start of `a` to the end of `b`. */
function spanRange(a: Range, b: Range): TextRange {
  // A token recovery inserted has no place (EMPTY_RANGE): the span then ends where `a` does.
  if (b.end.line < a.start.line || (b.end.line === a.start.line && b.end.character < a.start.character)) b = a;
  if (a instanceof TextRange && b instanceof TextRange)
    return new TextRange(a.startLine, a.startCharacter, b.endLine, b.endCharacter);
  return new TextRange(a.start.line, a.start.character, b.end.line, b.end.character);
}

/** Binding strength of binary operators (C-like). */
export const PRECEDENCE: Record<BinaryOp, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '&': 4,
  '==': 5,
  '!=': 5,
  '<': 6,
  '<=': 6,
  '>': 6,
  '>=': 6,
  '<<': 7,
  '>>': 7,
  '+': 8,
  '-': 8,
  '*': 9,
  '/': 9,
  '%': 9,
};

const BinOp = T.BinOp;
const RECOVERY = !(globalThis as { NO_RECOVERY?: boolean }).NO_RECOVERY;

/** The tokens a statement ends at: a newline, the `}` closing its block, the end of the file. */
function endsStatement(type: TokenType): boolean {
  return type === T.Newline || type === EOF || type === T.RBrace;
}

class VtaParser extends EmbeddedActionsParser {
  /** This parse's state (a new one per parseVta call; the first serves the recording pass). */
  state = new ParseState();

  constructor() {
    super(PARSER_VOCABULARY.concat([BinOp, T.Mnemonic, T.WordLike, T.UnaryOp, T.TokenOp]), {
      recoveryEnabled: RECOVERY,
      maxLookahead: 3,
      errorMessageProvider: errorMessages,
      skipValidations: skipGrammarValidations,
    });
    this.performSelfAnalysis();
    cacheFollowSets(this);
  }

  /**
   * A statement ends at a newline, at the `}` closing its block, or at the end of the
   * file. A plain test rather than a gated alternative (the gate cost an allocation per
   * statement): the newline is recorded in the grammar and skipped only where the
   * statement ends otherwise. A rule of its own, so that a mismatch here recovers here
   * and the enclosing block goes on with its next statement.
   *
   * What follows a complete statement on its line is one error at its first token, and
   * the rest of the line is skipped (up to a `}` that may close a block): recovery token
   * by token reported every later word again, 500,000 errors for one long line.
   */
  endOfStatement = this.RULE('endOfStatement', (): void => {
    let next = this.LA(1);
    if (!this.RECORDING_PHASE && !endsStatement(next.tokenType)) {
      this.state.semanticErrors.push({
        message: `expected end of line but found ${shown(next)}`,
        range: this.state.range(next),
      });
      while (!endsStatement(next.tokenType)) {
        const type = next.tokenType;
        next = this.SKIP_TOKEN();
        // A whole instruction line read as one token carries its line break.
        if (endsLine(type)) return;
      }
    }
    if (next.tokenType !== EOF && next.tokenType !== T.RBrace) this.CONSUME(T.Newline);
  });

  program = this.RULE('program', (): Stmt[] => this.SUBRULE(this.topBlockBody));

  statement = this.RULE(
    'statement',
    (): Stmt =>
      this.OR(
        (this.statementAlts ??= [
          { ALT: () => this.SUBRULE(this.insn) },
          { ALT: () => this.SUBRULE(this.tokenStmt) },
          { ALT: () => this.SUBRULE(this.label) },
          { ALT: () => this.SUBRULE(this.constStmt) },
          { ALT: () => this.SUBRULE(this.dataStmt) },
          { ALT: () => this.SUBRULE(this.kernelStmt) },
          { ALT: () => this.SUBRULE(this.topFor) },
          { ALT: () => this.SUBRULE(this.topIf) },
          { ALT: () => this.SUBRULE(this.targetStmt) },
          { ALT: () => this.SUBRULE(this.includeStmt) },
          { ALT: () => this.SUBRULE(this.imageStmt) },
        ]),
      ),
  );

  private statementAlts?: IOrAlt<Stmt>[];
  private topAlts?: IOrAlt<Stmt | undefined>[];
  private kernelAlts?: IOrAlt<KernelItem | undefined>[];
  private unaryAlts?: IOrAlt<Expr>[];
  private exprFirstAlts?: IOrAlt<Expr>[];
  private prefixedAlts?: IOrAlt<Expr>[];
  private insnItemAlts?: IOrAlt<Operand | Word>[];

  targetStmt = this.RULE('targetStmt', (): TargetStmt => {
    const kw = this.CONSUME(T.Kw.target);
    return this.OR([
      {
        ALT: () => {
          const n = this.CONSUME(T.Identifier);
          return {
            kind: 'target' as const,
            name: n.image,
            valueRange: this.state.range(n),
            range: this.state.range(kw, n),
          };
        },
      },
      {
        ALT: () => {
          const s = this.CONSUME(T.StringLit);
          return {
            kind: 'target' as const,
            path: unquote(s.image),
            valueRange: this.state.range(s),
            range: this.state.range(kw, s),
          };
        },
      },
    ]);
  });

  includeStmt = this.RULE('includeStmt', (): IncludeStmt => {
    const kw = this.CONSUME(T.Kw.include);
    const s = this.CONSUME(T.StringLit);
    return { kind: 'include', path: unquote(s.image), pathRange: this.state.range(s), range: this.state.range(kw, s) };
  });

  imageStmt = this.RULE('imageStmt', (): ImageStmt => {
    const kw = this.CONSUME(T.Kw.image);
    const s = this.CONSUME(T.StringLit);
    return { kind: 'image', path: unquote(s.image), pathRange: this.state.range(s), range: this.state.range(kw, s) };
  });

  constStmt = this.RULE('constStmt', (): ConstStmt => {
    const kw = this.CONSUME(T.Kw.const);
    return this.OR([
      {
        // `const N=4` and `const N=M*2` are one compound token.
        ALT: () => {
          const both = this.CONSUME(CompoundOperand);
          return this.ACTION(() => {
            const op = this.state.compoundOperand(both);
            return { kind: 'const' as const, name: op.key, value: op.values[0]!, range: this.state.range(kw, both) };
          });
        },
      },
      {
        ALT: () => {
          const name = this.CONSUME(T.Identifier);
          this.CONSUME(T.Equals);
          const value = this.SUBRULE(this.expr);
          // Recovery leaves `value` undefined when the expression was abandoned.
          return this.ACTION(() => ({
            kind: 'const' as const,
            name: this.state.nameToken(name),
            value,
            range: value ? spanRange(this.state.range(kw), value.range) : this.state.range(kw, name),
          }));
        },
      },
    ]);
  });

  dataStmt = this.RULE('dataStmt', (): DataStmt => {
    const kw = this.CONSUME(T.Kw.data);
    const name = this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    const mem = this.CONSUME2(T.Identifier);
    this.CONSUME(T.LBracket);
    const count = this.SUBRULE(this.expr);
    const close = this.CONSUME(T.RBracket);
    let at: Expr | undefined;
    let init: DataInit | undefined;
    this.OPTION(() => {
      this.CONSUME(T.At);
      at = this.SUBRULE2(this.expr);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      init = this.SUBRULE(this.dataInit);
    });
    return this.ACTION(() => {
      // Without its `]` (inserted by recovery), the statement ends with its count.
      const last =
        init?.range ??
        at?.range ??
        (Number.isNaN(close.startOffset) ? (count?.range ?? this.state.range(mem)) : this.state.range(close));
      return {
        kind: 'data' as const,
        name: this.state.nameToken(name),
        mem: this.state.nameToken(mem),
        count,
        at,
        init,
        range: spanRange(this.state.range(kw), last),
      };
    });
  });

  dataInit = this.RULE(
    'dataInit',
    (): DataInit =>
      this.OR([
        {
          ALT: () => {
            const open = this.CONSUME(T.LBracket);
            const values: Expr[] = [];
            this.MANY_SEP({
              SEP: T.Comma,
              DEF: () => {
                values.push(this.SUBRULE(this.expr));
              },
            });
            const close = this.CONSUME(T.RBracket);
            return { kind: 'list' as const, values, range: this.state.range(open, close) };
          },
        },
        {
          ALT: () => {
            const fn = this.CONSUME(T.Identifier);
            let seed: Expr | undefined;
            let path: IToken | undefined;
            let seedKey: IToken | undefined;
            let close: IToken | undefined;
            this.OPTION(() => {
              this.CONSUME(T.LParen);
              this.OR2([
                {
                  ALT: () => {
                    path = this.CONSUME(T.StringLit);
                  },
                },
                {
                  ALT: () => {
                    seedKey = this.CONSUME2(T.Identifier);
                    this.CONSUME(T.Equals);
                    seed = this.SUBRULE2(this.expr);
                  },
                },
              ]);
              close = this.CONSUME(T.RParen);
            });
            return this.ACTION((): DataInit => {
              const range = this.state.range(fn, close ?? fn);
              if (fn.image === 'zeros' && !close) return { kind: 'zeros', range };
              if (fn.image === 'random' && (!close || (seedKey?.image === 'seed' && seed)))
                return { kind: 'random', seed, range };
              if (fn.image === 'file' && path)
                return { kind: 'file', path: unquote(path.image), pathRange: this.state.range(path), range };
              this.state.semanticErrors.push({
                message: `unknown initialiser '${fn.image}${close ? '(…)' : ''}': expected zeros, random(seed=N), file("path.bin") or [v, v, …]`,
                range,
              });
              return { kind: 'zeros', range };
            });
          },
        },
      ]),
  );

  kernelStmt = this.RULE('kernelStmt', (): KernelStmt => {
    const kw = this.CONSUME(T.Kw.kernel);
    const name = this.CONSUME(T.Identifier);
    const params: Named[] = [];
    let at: Expr | undefined;
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({
        SEP: T.Comma,
        DEF: () => {
          params.push(this.state.nameToken(this.CONSUME2(T.Identifier)));
        },
      });
      this.CONSUME(T.RParen);
    });
    this.OPTION2(() => {
      this.CONSUME(T.At);
      at = this.SUBRULE(this.expr);
    });
    const open = this.CONSUME(T.LBrace);
    const body = this.SUBRULE(this.kernelBlockBody);
    const close = this.CONSUME(T.RBrace);
    return {
      kind: 'kernel',
      name: this.state.nameToken(name),
      params,
      at,
      body,
      range: this.state.range(kw, close),
      headerRange: this.state.range(kw, open),
    };
  });

  kernelItem = this.RULE(
    'kernelItem',
    (): KernelItem =>
      this.OR([
        { ALT: () => this.SUBRULE(this.uopStmt) },
        { ALT: () => this.SUBRULE(this.kernelFor) },
        { ALT: () => this.SUBRULE(this.kernelIf) },
      ]),
  );

  uopStmt = this.RULE('uopStmt', (): UopStmt => {
    const kw = this.CONSUME(T.Kw.uop);
    const operands: Operand[] = [];
    this.MANY(() => {
      operands.push(this.operandValues(this.CONSUME(T.WordLike)));
    });
    const range = operands.length ? this.state.range(kw, this.LA(0)) : this.state.range(kw);
    return { kind: 'uop', operands: compact(operands), range };
  });

  private forHeader(): { kw: IToken; variable: Named; from: Expr; to: Expr; open: IToken } {
    const kw = this.CONSUME(T.Kw.for);
    const v = this.CONSUME(T.Identifier);
    this.CONSUME(T.Kw.in);
    const from = this.SUBRULE(this.expr);
    this.CONSUME(T.DotDot);
    const to = this.SUBRULE2(this.expr);
    const open = this.CONSUME(T.LBrace);
    return { kw, variable: this.state.nameToken(v), from, to, open };
  }

  topFor = this.RULE('topFor', (): ForStmt<Stmt> => {
    const h = this.forHeader();
    const body = this.SUBRULE(this.topBlockBody);
    const close = this.CONSUME(T.RBrace);
    return {
      kind: 'for',
      variable: h.variable,
      from: h.from,
      to: h.to,
      body,
      range: this.state.range(h.kw, close),
      headerRange: this.state.range(h.kw, h.open),
    };
  });

  kernelFor = this.RULE('kernelFor', (): ForStmt<KernelItem> => {
    const h = this.forHeader();
    const body = this.SUBRULE(this.kernelBlockBody);
    const close = this.CONSUME(T.RBrace);
    return {
      kind: 'for',
      variable: h.variable,
      from: h.from,
      to: h.to,
      body,
      range: this.state.range(h.kw, close),
      headerRange: this.state.range(h.kw, h.open),
    };
  });

  topIf = this.RULE('topIf', (): IfStmt<Stmt> => {
    const kw = this.CONSUME(T.Kw.if);
    const cond = this.SUBRULE(this.expr);
    const open = this.CONSUME(T.LBrace);
    const then = this.SUBRULE(this.topBlockBody);
    let close = this.CONSUME(T.RBrace);
    let otherwise: Stmt[] | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Kw.else);
      this.CONSUME2(T.LBrace);
      otherwise = this.SUBRULE2(this.topBlockBody);
      close = this.CONSUME2(T.RBrace);
    });
    return {
      kind: 'if',
      cond,
      then,
      else: otherwise,
      range: this.state.range(kw, close),
      headerRange: this.state.range(kw, open),
    };
  });

  kernelIf = this.RULE('kernelIf', (): IfStmt<KernelItem> => {
    const kw = this.CONSUME(T.Kw.if);
    const cond = this.SUBRULE(this.expr);
    const open = this.CONSUME(T.LBrace);
    const then = this.SUBRULE(this.kernelBlockBody);
    let close = this.CONSUME(T.RBrace);
    let otherwise: KernelItem[] | undefined;
    this.OPTION(() => {
      this.CONSUME(T.Kw.else);
      this.CONSUME2(T.LBrace);
      otherwise = this.SUBRULE2(this.kernelBlockBody);
      close = this.CONSUME2(T.RBrace);
    });
    return {
      kind: 'if',
      cond,
      then,
      else: otherwise,
      range: this.state.range(kw, close),
      headerRange: this.state.range(kw, open),
    };
  });

  topBlockBody = this.RULE('topBlockBody', (): Stmt[] => {
    const out: Stmt[] = [];
    this.MANY(() => {
      const s = this.OR(
        (this.topAlts ??= [
          {
            ALT: () => {
              this.CONSUME(T.Newline);
              return undefined;
            },
          },
          {
            // Shortcut (fast/): the most frequent statements, without the rule calls of
            // `statement` and endOfStatement: the lexer ended the line token where the line ends.
            ALT: () => {
              const line = this.CONSUME(InsnLine);
              if (line.tokenType !== InsnLineEnd && this.LA(1).tokenType === T.Newline) this.CONSUME2(T.Newline);
              return this.insnLine(line);
            },
          },
          {
            ALT: () => {
              const line = this.CONSUME(QueueLine);
              if (line.tokenType !== QueueLineEnd && this.LA(1).tokenType === T.Newline) this.CONSUME3(T.Newline);
              return this.queueLine(line);
            },
          },
          {
            ALT: () => {
              const st = this.SUBRULE(this.statement);
              this.SUBRULE(this.endOfStatement);
              return st;
            },
          },
        ]),
      );
      if (s) out.push(s);
    });
    return out;
  });

  kernelBlockBody = this.RULE('kernelBlockBody', (): KernelItem[] => {
    const out: KernelItem[] = [];
    this.MANY(() => {
      const s = this.OR(
        (this.kernelAlts ??= [
          {
            ALT: () => {
              this.CONSUME(T.Newline);
              return undefined;
            },
          },
          {
            ALT: () => {
              const it = this.SUBRULE(this.kernelItem);
              this.SUBRULE(this.endOfStatement);
              return it;
            },
          },
        ]),
      );
      if (s) out.push(s);
    });
    return out;
  });

  label = this.RULE('label', (): LabelStmt => {
    const name = this.CONSUME(T.Identifier);
    const colon = this.CONSUME(T.Colon);
    return { kind: 'label', name: this.state.nameToken(name), range: this.state.range(name, colon) };
  });

  tokenStmt = this.RULE('tokenStmt', (): TokenStmt => {
    const kw = this.CONSUME(T.TokenOp);
    const kind = kw.image === 'push' ? 'push' : 'pop';
    // `push ld->ex` alone on its line is a QueueLine token; this is the written-out form.
    const from = this.CONSUME(T.Identifier);
    this.CONSUME(T.Arrow);
    const to = this.CONSUME2(T.Identifier);
    return {
      kind,
      queue: this.state.word(`${from.image}->${to.image}`),
      queueRange: this.state.range(from, to),
      range: this.state.range(kw, to),
    };
  });

  /**
   * `MNEMONIC item*`: each item starts with a word, and the token after it tells an
   * operand (`key=…`) from a word with arguments (`blk(j)`) or a bare word (`reset`),
   * so one token of lookahead and no backtracking decide it.
   */
  insn = this.RULE('insn', (): InsnStmt => {
    const kw = this.CONSUME(T.Mnemonic);
    const words: Word[] = [];
    const operands: Operand[] = [];
    this.MANY(() => {
      this.CONSUME(T.WordLike);
      // The alternatives read the word just consumed as LA(0), so they are built once.
      const item = this.OR(
        (this.insnItemAlts ??= [
          { ALT: () => this.operandValues(this.LA(0)) },
          { ALT: () => this.wordArguments(this.LA(0)) },
          { ALT: () => (this.RECORDING_PHASE ? (undefined as never) : this.bareItem(this.LA(0))) },
        ]),
      );
      if (item instanceof OperandNode || item instanceof CompoundOperandNode) operands.push(item);
      else if (item) words.push(item as Word);
    });
    if (this.RECORDING_PHASE) return undefined as never;
    return new InsnNode(
      this.state.word(kw.image) as InsnMnemonic,
      compact(words),
      compact(operands),
      this.state.range(kw, words.length + operands.length ? this.LA(0) : kw),
    );
  });

  /** `push a->b` / `pop a->b` read as one token (never the case while recording). */
  private queueLine(tok: IToken): TokenStmt {
    if (this.RECORDING_PHASE) return undefined as never;
    const image = tok.image;
    const kind = image.charCodeAt(1) === 117 /* u */ ? 'push' : 'pop';
    const at = skipBlanks(image, kind.length);
    return new QueueTokenNode(
      kind,
      this.state.word(image.slice(at)),
      this.state.line(tok),
      tok.startColumn! - 1,
      tok.startColumn! - 1 + at,
    );
  }

  /** An instruction read as one token (never the case while recording). */
  private insnLine(tok: IToken): InsnStmt {
    return this.RECORDING_PHASE ? (undefined as never) : this.state.insnLine(tok);
  }

  /** An item with nothing after it: a compound operand or `name(args)`, or a bare word. */
  private bareItem(tok: IToken): Operand | Word {
    if (tok.tokenType === Call) return this.state.callWord(tok);
    if (tok.tokenType === SimpleOperand || tok.tokenType === BinaryOperand) return this.state.compoundOperand(tok);
    return this.state.nameToken(tok);
  }

  /** `= expr`, `= expr..expr` or `= expr, expr, …` after an operand's key. */
  private operandValues(key: IToken): Operand {
    // A compound operand token is the whole operand (never the case while recording).
    if (key.tokenType === SimpleOperand || key.tokenType === BinaryOperand) return this.state.compoundOperand(key);
    this.CONSUME(T.Equals);
    const values: Expr[] = [this.SUBRULE(this.expr)];
    let isRange = false;
    this.OPTION(() => {
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(T.DotDot);
            values.push(this.SUBRULE2(this.expr));
            isRange = true;
          },
        },
        {
          ALT: () => {
            this.AT_LEAST_ONE(() => {
              this.CONSUME(T.Comma);
              values.push(this.SUBRULE3(this.expr));
            });
          },
        },
      ]);
    });
    if (this.RECORDING_PHASE) return undefined as never;
    return new OperandNode(this.state.nameToken(key), compact(values), isRange);
  }

  /** `( expr, … )` after a word: kernel arguments. */
  private wordArguments(name: IToken): Word {
    const open = this.CONSUME(T.LParen);
    const args: Expr[] = [];
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        args.push(this.SUBRULE4(this.expr));
      },
    });
    const close = this.CONSUME(T.RParen);
    if (this.RECORDING_PHASE) return undefined as never;
    return {
      name: this.state.word(name.image),
      range: this.state.range(name, close),
      args: compact(args),
      argsRange: this.state.range(open, close),
    };
  }

  /** A number literal (the recording pass at construction has only placeholder tokens). */
  private numberExpr(tok: IToken): Expr {
    return this.RECORDING_PHASE ? (undefined as never) : this.state.numberExpr(tok);
  }

  expr = this.RULE('expr', (): Expr => {
    // Most operands are a single number or name: take those without another rule call,
    // and build the operator lists only when an operator follows.
    const first = this.OR(
      (this.exprFirstAlts ??= [
        { ALT: () => this.numberExpr(this.CONSUME(T.NumberLit)) },
        { ALT: () => this.state.nameExpr(this.CONSUME(T.Identifier)) },
        { ALT: () => this.SUBRULE(this.prefixed) },
      ]),
    );
    let operands: Expr[] | undefined;
    let ops: BinaryOp[] | undefined;
    this.MANY(() => {
      (ops ??= []).push(this.CONSUME(BinOp).image as BinaryOp);
      (operands ??= [first]).push(this.SUBRULE2(this.unary));
    });
    return ops && !this.RECORDING_PHASE ? buildBinary(operands!, ops) : first;
  });

  unary = this.RULE(
    'unary',
    (): Expr =>
      this.OR(
        (this.unaryAlts ??= [
          { ALT: () => this.numberExpr(this.CONSUME(T.NumberLit)) },
          { ALT: () => this.state.nameExpr(this.CONSUME(T.Identifier)) },
          { ALT: () => this.SUBRULE(this.prefixed) },
        ]),
      ),
  );

  /** A prefix operator or a parenthesised expression. */
  prefixed = this.RULE(
    'prefixed',
    (): Expr =>
      this.OR(
        (this.prefixedAlts ??= [
          {
            ALT: () => {
              const op = this.CONSUME(T.UnaryOp);
              const arg = this.SUBRULE(this.unary);
              if (this.RECORDING_PHASE || !arg) return arg;
              return {
                kind: 'unary' as const,
                op: op.image as '-' | '!',
                arg,
                range: spanRange(this.state.range(op), arg.range),
              };
            },
          },
          {
            ALT: () => {
              const open = this.CONSUME(T.LParen);
              const inner = this.SUBRULE(this.expr);
              const close = this.CONSUME(T.RParen);
              // Parentheses only group; widen the range so messages underline them too.
              return inner && !this.RECORDING_PHASE ? widened(inner, this.state.range(open, close)) : inner;
            },
          },
        ]),
      ),
  );
}

/** The one empty list of the tree (frozen: no consumer may add to a parsed list). */
const NONE: readonly never[] = Object.freeze([]);

/**
 * The entries recovery left defined, in an array of exactly their number: a large file
 * keeps hundreds of thousands of these lists, and a grown array carries spare slots.
 */
function compact<T>(xs: Array<T | undefined>): T[] {
  if (xs.length === 0) return NONE as unknown as T[];
  return xs.every(Boolean) ? (xs.slice() as T[]) : (xs.filter(Boolean) as T[]);
}

/** The expression with another range (a plain node: one-token nodes keep theirs inline). */
function widened(e: Expr, range: Range): Expr {
  switch (e.kind) {
    case 'num':
      return e.tooLarge
        ? { kind: 'num', value: e.value, tooLarge: true, range }
        : { kind: 'num', value: e.value, range };
    case 'name':
      return { kind: 'name', name: e.name, range };
    default:
      return { ...e, range };
  }
}

/** Precedence climbing over a flat operand/operator list. */
function buildBinary(operands: Expr[], ops: BinaryOp[]): Expr {
  const items = operands.filter(Boolean);
  if (items.length !== operands.length) return items[0]!;
  let pos = 0;
  const parse = (minPrec: number): Expr => {
    let left = items[pos]!;
    while (pos < ops.length && PRECEDENCE[ops[pos]!] >= minPrec) {
      const op = ops[pos]!;
      pos++;
      const right = parse(PRECEDENCE[op] + 1);
      left = { kind: 'binary', op, left, right, range: spanRange(left.range, right.range) };
    }
    return left;
  };
  return parse(1);
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

let shared: VtaParser | undefined;

/** Larger sources are refused with one diagnostic instead of exhausting memory. */
export const MAX_SOURCE_CHARS = 16 * 1024 * 1024;

/**
 * Parses one `.vta` text. Never throws on bad input. `runChars` sets how much text is
 * lexed and parsed at a time, and `lex` which tokens are read; tests vary both (the
 * plain tokens of lexer.ts): the tree must not depend on either.
 */
export function parseVta(
  text: string,
  runChars = RUN_CHARS,
  lex: (text: string) => ILexingResult = lexForParser,
): SourceFile {
  return withoutStackTraces(() => parseText(text, runChars, lex));
}

function parseText(text: string, runChars: number, lex: (text: string) => ILexingResult): SourceFile {
  if (text.length > MAX_SOURCE_CHARS) {
    return {
      statements: [],
      comments: [],
      errors: [
        {
          message: `the file has ${text.length} characters, more than the ${MAX_SOURCE_CHARS} this tool parses; split it with include`,
          range: EMPTY_RANGE,
        },
      ],
    };
  }
  const parser = (shared ??= new VtaParser());
  const state = (parser.state = new ParseState());
  const out: SourceFile = { statements: [], comments: [], errors: [] };
  const runs = topLevelRuns(text, runChars);
  for (let k = 0; k < runs.offsets.length; k++) {
    const start = runs.offsets[k]!;
    const end = k + 1 < runs.offsets.length ? runs.offsets[k + 1]! : text.length;
    parseRun(parser, lex, text, start, end, runs.lines[k]!, out);
  }
  // The parser outlives the parse (building it records the grammar); its state does not.
  parser.state = new ParseState();
  for (const e of state.semanticErrors) out.errors.push(e); // no spread: there may be 100,000s
  if (out.errors.length) out.statements = dropBroken(out.statements, new ErrorStarts(out.errors)) as Stmt[];
  return out;
}

/** Runs of about this many characters (a few thousand tokens) keep the lexer's tokens short-lived. */
const RUN_CHARS = 32 * 1024;

/** Lexes and parses text[start, end), which begins at 0-based line `line`, into `out`. */
function parseRun(
  parser: VtaParser,
  lex: (text: string) => ILexingResult,
  text: string,
  start: number,
  end: number,
  line: number,
  out: SourceFile,
): void {
  const lexed = lex(start === 0 && end === text.length ? text : text.slice(start, end));
  const state = parser.state;
  state.runLine = line;
  for (const e of lexed.errors) {
    const l = (e.line ?? 1) - 1 + line,
      c = (e.column ?? 1) - 1;
    out.errors.push({
      message: `unexpected character ${JSON.stringify(text.substr(start + e.offset, e.length))}`,
      range: new TextRange(l, c, l, c + e.length),
    });
  }
  let tokens = withoutDeepNesting(withoutStrayLines(lexed.tokens, out, state), out, state);
  for (;;) {
    parser.input = tokens;
    try {
      const statements = parser.program() ?? [];
      for (const st of statements) out.statements.push(st);
    } catch (e) {
      // Recovery failed badly (e.g. pathological nesting): report, never crash.
      out.errors.push({ message: `the parser gave up: ${(e as Error).message}`, range: EMPTY_RANGE });
      break;
    }
    let stoppedAt: IToken | undefined;
    for (const e of parser.errors) {
      const tok = e.token;
      const range = tok.tokenType === EOF || Number.isNaN(tok.startOffset) ? endOfText(text, end) : state.range(tok);
      out.errors.push({ message: e.message, range });
      if (e.name === 'NotAllInputParsedException') stoppedAt = tok;
    }
    // Whatever still ends the parse early (withoutStrayLines took the usual case): report
    // it once and go on with the next line rather than lose the rest of the run.
    const next = stoppedAt ? nextLine(tokens, tokens.indexOf(stoppedAt)) : -1;
    if (next < 0) break;
    tokens = tokens.slice(next);
  }
  for (const c of lexed.groups.comments ?? []) out.comments.push({ text: c.image, range: state.range(c) });
}

/**
 * The tokens that can start a line: a statement's first token (in any block), a `}`, a
 * newline. A name starts only a label (`name:`).
 */
const LINE_STARTS = new Set<TokenType>([
  ...[T.Kw.load, T.Kw.store, T.Kw.gemm, T.Kw.alu, T.Kw.nop, T.Kw.finish, T.Kw.push, T.Kw.pop, T.Kw.uop],
  ...[T.Kw.const, T.Kw.data, T.Kw.kernel, T.Kw.for, T.Kw.if, T.Kw.target, T.Kw.include, T.Kw.image],
  InsnLine,
  QueueLine,
  InsnLineEnd,
  QueueLineEnd,
  T.Identifier,
  T.RBrace,
  T.Newline,
]);

/** Whether the line starting at tokens[k] cannot be a statement, at block depth `depth`. */
function isStrayLine(tokens: IToken[], k: number, depth: number): boolean {
  const type = tokens[k]!.tokenType;
  if (!LINE_STARTS.has(type)) return true;
  if (type === T.Kw.uop) return depth === 0;
  return type === T.Identifier && tokens[k + 1]?.tokenType !== T.Colon;
}

/**
 * The tokens without the lines that cannot start a statement (`) x`, `x = 1`, or `uop`
 * outside every block), each reported at its first token. The grammar would end the
 * run's parse at such a line; removing them in one pass keeps a file of many of them
 * linear.
 */
function withoutStrayLines(tokens: IToken[], out: SourceFile, state: ParseState): IToken[] {
  let kept: IToken[] | undefined;
  let depth = 0;
  for (let k = 0; k < tokens.length; ) {
    const first = tokens[k]!;
    const stray = isStrayLine(tokens, k, depth);
    let end = k;
    for (; end < tokens.length; end++) {
      const type = tokens[end]!.tokenType;
      if (endsLine(type)) break;
      if (stray) continue;
      if (type === T.LBrace) depth++;
      else if (type === T.RBrace && depth > 0) depth--;
    }
    end = Math.min(end + 1, tokens.length);
    if (!stray) {
      if (kept) for (let j = k; j < end; j++) kept.push(tokens[j]!);
    } else {
      kept ??= tokens.slice(0, k);
      out.errors.push({ message: `unexpected ${shown(first)}`, range: state.range(first) });
    }
    k = end;
  }
  return kept ?? tokens;
}

/**
 * Drops each top-level statement whose nesting (blocks, parentheses and prefix operators
 * together) goes deeper than MAX_NESTING, with one error at the token that went too
 * deep: the parser's rules recurse on nesting, and so does everything that reads the tree.
 */
function withoutDeepNesting(tokens: IToken[], out: SourceFile, state: ParseState): IToken[] {
  let kept: IToken[] | undefined;
  let stmtStart = 0;
  let braces = 0,
    parens = 0;
  // Prefix operators still open: those of enclosing parentheses (base) and this level's.
  let prefix = 0,
    base = 0;
  const bases: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const type = tokens[k]!.tokenType;
    if (endsLine(type)) {
      // Expressions end with their line; statements at the top level too.
      parens = prefix = base = 0;
      bases.length = 0;
      if (braces === 0) {
        if (kept) for (let j = stmtStart; j <= k; j++) kept.push(tokens[j]!);
        stmtStart = k + 1;
      }
      continue;
    }
    if (type === T.LBrace) braces++;
    else if (type === T.RBrace) braces = Math.max(0, braces - 1);
    else if (type === T.LParen) {
      parens++;
      bases.push(base);
      base = prefix;
    } else if (type === T.RParen) {
      if (parens > 0) {
        parens--;
        base = bases.pop() ?? 0;
      }
      prefix = base;
    } else if (afterOperand(tokens[k])) prefix = base;
    else if ((type === T.Minus || type === T.Bang) && !afterOperand(tokens[k - 1])) prefix++;
    if (braces + parens + prefix <= MAX_NESTING) continue;
    out.errors.push({ message: NESTING_MESSAGE, range: state.range(tokens[k]!) });
    kept ??= tokens.slice(0, stmtStart);
    // Skip to the end of the top-level statement: its blocks closed and its line ended.
    let end = k;
    for (; end < tokens.length; end++) {
      const t = tokens[end]!.tokenType;
      if (t === T.LBrace) braces++;
      else if (t === T.RBrace) braces = Math.max(0, braces - 1);
      else if (endsLine(t) && braces === 0) break;
    }
    parens = prefix = base = braces = 0;
    bases.length = 0;
    stmtStart = end + 1;
    k = end;
  }
  if (kept) for (let j = stmtStart; j < tokens.length; j++) kept.push(tokens[j]!);
  return kept ?? tokens;
}

/** Whether a token ends an operand, so that a `-` after it is binary. */
function afterOperand(t: IToken | undefined): boolean {
  const type = t?.tokenType;
  return (
    type === T.NumberLit ||
    type === T.Identifier ||
    type === T.StringLit ||
    type === T.RParen ||
    type === T.RBracket ||
    type === SimpleOperand ||
    type === CompoundOperand ||
    type === BinaryOperand ||
    type === Call
  );
}

/** The index of the first token after the line of tokens[from], or -1 at the end. */
function nextLine(tokens: IToken[], from: number): number {
  if (from < 0) return -1;
  for (let k = from; k < tokens.length; k++)
    if (endsLine(tokens[k]!.tokenType)) return k + 1 < tokens.length ? k + 1 : -1;
  return -1;
}

/** Where the syntax errors start, sorted, so that a statement finds whether it holds one by binary search. */
class ErrorStarts {
  private readonly lines: Float64Array;
  private readonly chars: Float64Array;

  constructor(errors: readonly SyntaxError[]) {
    // A start that is no position (NaN) lies in no statement, and would break the order.
    const starts = errors
      .map((e) => e.range.start)
      .filter((p) => Number.isFinite(p.line) && Number.isFinite(p.character))
      .sort((a, b) => a.line - b.line || a.character - b.character);
    this.lines = Float64Array.from(starts, (p) => p.line);
    this.chars = Float64Array.from(starts, (p) => p.character);
  }

  /** Whether an error starts within `r` (both ends included). */
  within(r: Range): boolean {
    // The first start not before r.start; the range holds an error when that one is not after r.end.
    let lo = 0,
      hi = this.lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const l = this.lines[mid]!,
        c = this.chars[mid]!;
      if (l < r.start.line || (l === r.start.line && c < r.start.character)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.lines.length) return false;
    const l = this.lines[lo]!,
      c = this.chars[lo]!;
    return l < r.end.line || (l === r.end.line && c <= r.end.character);
  }
}

/**
 * Removes the leaf statements that contain a syntax error (they were completed by
 * recovery and would only cause follow-on errors); blocks keep their good children.
 * A binary search per statement: a line of 100,000 broken statements has as many errors.
 */
function dropBroken(items: Array<Stmt | KernelItem> | undefined, errors: ErrorStarts): Array<Stmt | KernelItem> {
  const out: Array<Stmt | KernelItem> = [];
  for (const s of items ?? []) {
    if (!s || !wellFormed(s)) continue;
    if (s.kind === 'for' || s.kind === 'if' || s.kind === 'kernel') {
      const copy = { ...s } as typeof s & { body?: unknown; then?: unknown; else?: unknown };
      if (s.kind === 'for' || s.kind === 'kernel') copy.body = dropBroken(s.body as Array<Stmt | KernelItem>, errors);
      if (s.kind === 'if') {
        copy.then = dropBroken(s.then as Array<Stmt | KernelItem>, errors);
        if (s.else) copy.else = dropBroken(s.else as Array<Stmt | KernelItem>, errors);
      }
      if (errors.within(s.headerRange)) continue;
      out.push(copy);
      continue;
    }
    if (errors.within(s.range)) continue;
    out.push(s);
  }
  return out;
}

function exprOk(e: Expr | undefined): boolean {
  // Down the left side of an operator chain in a loop: a chain is as deep as it is long.
  while (e && e.kind === 'binary' && e.range) {
    if (!exprOk(e.right)) return false;
    e = e.left;
  }
  if (!e || !e.range) return false;
  switch (e.kind) {
    case 'num':
      return typeof e.value === 'number';
    case 'name':
      return typeof e.name === 'string' && e.name.length > 0;
    case 'unary':
      return exprOk(e.arg);
    default:
      return false;
  }
}

const namedOk = (n: Named | undefined) => !!n && typeof n.name === 'string' && n.name.length > 0;
const operandOk = (o: Operand | undefined) => !!o && namedOk(o.key) && o.values.length > 0 && o.values.every(exprOk);

/** Whether recovery left a node complete enough to analyse (block bodies are checked separately). */
function wellFormed(s: Stmt | KernelItem): boolean {
  switch (s.kind) {
    case 'insn':
      // An instruction line was read only because every item is a complete token.
      if (s instanceof InsnLineNode) return true;
      return s.operands.every(operandOk) && s.words.every((w) => namedOk(w) && (w.args ?? []).every(exprOk));
    case 'uop':
      return s.operands.every(operandOk);
    case 'push':
    case 'pop':
      return typeof s.queue === 'string';
    case 'label':
      return namedOk(s.name);
    case 'const':
      return namedOk(s.name) && exprOk(s.value);
    case 'data':
      return (
        namedOk(s.name) &&
        namedOk(s.mem) &&
        exprOk(s.count) &&
        (s.at === undefined || exprOk(s.at)) &&
        (s.init?.kind !== 'list' || s.init.values.every(exprOk)) &&
        (s.init?.kind !== 'random' || s.init.seed === undefined || exprOk(s.init.seed))
      );
    case 'kernel':
      return namedOk(s.name) && s.params.every(namedOk) && (s.at === undefined || exprOk(s.at));
    case 'for':
      return namedOk(s.variable) && exprOk(s.from) && exprOk(s.to);
    case 'if':
      return exprOk(s.cond);
    case 'target':
      return s.name !== undefined || s.path !== undefined;
    case 'include':
    case 'image':
      return typeof s.path === 'string';
  }
}

/** The position just before `end` (the end of the run an error ran into). */
function endOfText(text: string, end: number): Range {
  // A run other than the last ends after a line break: point at the end of its text.
  if (end < text.length) while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  let line = 0,
    lineStart = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    // Line breaks as the lexer's Newline: `\n`, `\r\n`, a lone `\r`.
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return new TextRange(line, end - lineStart, line, end - lineStart);
}
