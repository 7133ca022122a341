/**
 * The `.vtasched` lexer and parser (Chevrotain, embedded actions, recovery on): one
 * item per line, operator blocks in braces. Never throws on bad input.
 */
import { createToken, EmbeddedActionsParser, EOF, Lexer, type IToken } from 'chevrotain';
import type { Range } from '../lang/ast';
import { skipGrammarValidations } from '../lang/grammar-checks';
import { MAX_SOURCE_CHARS } from '../lang/parser';
import { cacheFollowSets } from '../lang/follows-cache';
import { withoutStackTraces } from '../lang/no-stack-traces';
import type {
  SchedFile,
  SchedItem,
  SchedNetwork,
  SchedNetworkEntry,
  SchedOperator,
  SchedParam,
  SchedStmt,
  SchedTarget,
  SchedValue,
} from './ast';

const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const Target = createToken({ name: 'Target', pattern: /target/, longer_alt: Identifier });
const Network = createToken({ name: 'Network', pattern: /network/, longer_alt: Identifier });
// Lines end as in `.vta` (core/lang/lexer.ts): only Newline holds a line terminator.
const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\f\v]+/, group: Lexer.SKIPPED });
const Newline = createToken({ name: 'Newline', pattern: /\r\n?|\n/, line_breaks: true });
const Comment = createToken({ name: 'Comment', pattern: /(?:;|\/\/|#)[^\r\n]*/, group: 'comments' });
const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\r\n]|\\.)*"/ });
const Dims = createToken({ name: 'Dims', pattern: /[0-9]+(?:[xX][0-9]+)+/ });
const NumberLit = createToken({ name: 'NumberLit', pattern: /-?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*)/ });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const LBrace = createToken({ name: 'LBrace', pattern: /\{/ });
const RBrace = createToken({ name: 'RBrace', pattern: /\}/ });

const TOKENS = [
  WhiteSpace,
  Newline,
  Comment,
  StringLit,
  Dims,
  NumberLit,
  Target,
  Network,
  Identifier,
  Equals,
  Comma,
  LBrace,
  RBrace,
];
// Built on first use, with the parser: a .vta command never needs them.
let schedLexer: Lexer | undefined;

function rangeOf(a: IToken, b: IToken = a): Range {
  if (Number.isNaN(b.startOffset)) b = a;
  return {
    start: { line: (a.startLine ?? 1) - 1, character: (a.startColumn ?? 1) - 1 },
    end: { line: (b.endLine ?? 1) - 1, character: b.endColumn ?? 0 },
  };
}

/** A token recovery made up (`epilogue shr 8,` gets an op after its comma): it has no place. */
function inserted(t: IToken): boolean {
  return Number.isNaN(t.startOffset) || t.isInsertedInRecovery === true;
}

function span(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

class SchedParser extends EmbeddedActionsParser {
  /** Statements completed so far (kept even when recovery abandons the top rule). */
  collected: SchedStmt[] = [];
  /** Errors the grammar reports itself (not through recovery), this parse's. */
  lineErrors: SchedFile['errors'] = [];

  constructor() {
    super(TOKENS, { recoveryEnabled: true, maxLookahead: 3, skipValidations: skipGrammarValidations });
    this.performSelfAnalysis();
    cacheFollowSets(this);
  }

  file = this.RULE('file', (): SchedStmt[] => {
    const out: SchedStmt[] = [];
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Newline);
          },
        },
        {
          ALT: () => {
            const t = this.SUBRULE(this.target);
            if (t) {
              out.push(t);
              this.ACTION(() => this.collected.push(t));
            }
          },
        },
        {
          ALT: () => {
            const o = this.SUBRULE(this.operator);
            if (o) {
              out.push(o);
              this.ACTION(() => this.collected.push(o));
            }
          },
        },
        {
          ALT: () => {
            const n = this.SUBRULE(this.network);
            if (n) {
              out.push(n);
              this.ACTION(() => this.collected.push(n));
            }
          },
        },
      ]);
    });
    return out;
  });

  network = this.RULE('network', (): SchedNetwork => {
    const kw = this.CONSUME(Network);
    const name = this.CONSUME(Identifier);
    const open = this.CONSUME(LBrace);
    const entries: SchedNetworkEntry[] = [];
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Newline);
          },
        },
        {
          ALT: () => {
            const e = this.SUBRULE(this.entry);
            if (e) entries.push(e);
          },
        },
      ]);
    });
    const close = this.CONSUME(RBrace);
    return this.ACTION(() => ({
      kind: 'network' as const,
      name: name.image,
      nameRange: rangeOf(name),
      entries: entries.filter((e) => e && typeof e.name === 'string'),
      range: rangeOf(kw, close),
      headerRange: rangeOf(kw, open),
    }));
  });

  /** `NAME k=v …` or `cpu NAME k=v …`, one per line. */
  entry = this.RULE('entry', (): SchedNetworkEntry => {
    const first = this.CONSUME(Identifier);
    let second: IToken | undefined;
    this.OPTION({
      GATE: () => this.LA(1).tokenType === Identifier && this.LA(2).tokenType !== Equals,
      DEF: () => {
        second = this.CONSUME2(Identifier);
      },
    });
    const params: SchedParam[] = [];
    this.MANY(() => {
      const n = this.CONSUME3(Identifier);
      this.CONSUME(Equals);
      const v = this.SUBRULE(this.value);
      this.ACTION(() =>
        params.push({
          name: n.image,
          nameRange: rangeOf(n),
          value: v,
          range: v ? span(rangeOf(n), v.range) : rangeOf(n),
        }),
      );
    });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Newline);
        },
      },
      { GATE: () => this.LA(1).tokenType === RBrace || this.LA(1).tokenType === EOF, ALT: () => {} },
    ]);
    return this.ACTION(() => {
      const nameTok = second ?? first;
      const last = params.length ? params[params.length - 1]!.range : rangeOf(nameTok);
      return {
        prefix: second ? { text: first.image, range: rangeOf(first) } : undefined,
        name: nameTok.image,
        nameRange: rangeOf(nameTok),
        params,
        range: span(rangeOf(first), last),
      };
    });
  });

  target = this.RULE('target', (): SchedTarget => {
    const kw = this.CONSUME(Target);
    const v = this.OR([{ ALT: () => this.CONSUME(Identifier) }, { ALT: () => this.CONSUME(StringLit) }]);
    return this.ACTION(() => ({
      kind: 'target' as const,
      value: v.tokenType === StringLit ? unquote(v.image) : v.image,
      quoted: v.tokenType === StringLit,
      valueRange: rangeOf(v),
      range: rangeOf(kw, v),
    }));
  });

  operator = this.RULE('operator', (): SchedOperator => {
    const op = this.CONSUME(Identifier);
    const name = this.CONSUME2(Identifier);
    const open = this.CONSUME(LBrace);
    const items: SchedItem[] = [];
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Newline);
          },
        },
        {
          ALT: () => {
            const it = this.SUBRULE(this.item);
            if (it) items.push(it);
          },
        },
      ]);
    });
    const close = this.CONSUME(RBrace);
    return this.ACTION(() => ({
      kind: 'operator' as const,
      op: op.image,
      opRange: rangeOf(op),
      name: name.image,
      nameRange: rangeOf(name),
      items: items.filter((i) => i && typeof i.key === 'string'),
      range: rangeOf(op, close),
      headerRange: rangeOf(op, open),
    }));
  });

  item = this.RULE('item', (): SchedItem => {
    const key = this.CONSUME(Identifier);
    const values: SchedValue[] = [];
    const params: SchedParam[] = [];
    const steps: SchedItem['steps'] = [];
    let last: Range = rangeOf(key);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Equals);
          values.push(this.SUBRULE(this.value));
          this.MANY(() => {
            this.CONSUME(Comma);
            values.push(this.SUBRULE2(this.value));
          });
        },
      },
      {
        // `key a=1 b=2` or `epilogue shr 8, max 0`
        GATE: () => this.LA(2).tokenType === Equals,
        ALT: () => {
          this.AT_LEAST_ONE(() => {
            const n = this.CONSUME2(Identifier);
            this.CONSUME2(Equals);
            const v = this.SUBRULE3(this.value);
            this.ACTION(
              () =>
                !inserted(n) &&
                params.push({
                  name: n.image,
                  nameRange: rangeOf(n),
                  value: v,
                  range: v ? span(rangeOf(n), v.range) : rangeOf(n),
                }),
            );
          });
        },
      },
      {
        ALT: () => {
          this.AT_LEAST_ONE_SEP({
            SEP: Comma,
            DEF: () => {
              const op = this.CONSUME3(Identifier);
              let arg: SchedValue | undefined;
              this.OPTION(() => {
                arg = this.SUBRULE4(this.value);
              });
              this.ACTION(
                () =>
                  !inserted(op) &&
                  steps.push({
                    op: op.image,
                    opRange: rangeOf(op),
                    arg,
                    range: arg ? span(rangeOf(op), arg.range) : rangeOf(op),
                  }),
              );
            },
          });
        },
      },
    ]);
    // What follows a complete item on its line is one error, and the rest of the line is
    // skipped: recovery word by word gave one error per word (41,000 for a long line).
    let next = this.LA(1);
    if (!this.RECORDING_PHASE && next.tokenType !== Newline && next.tokenType !== RBrace && next.tokenType !== EOF) {
      this.lineErrors.push({
        message: `expected the end of the line but found ${shownToken(next)} (the rest of the line is not read)`,
        range: rangeOf(next),
      });
      while (next.tokenType !== Newline && next.tokenType !== RBrace && next.tokenType !== EOF)
        next = this.SKIP_TOKEN();
    }
    this.OR2([
      {
        ALT: () => {
          this.CONSUME2(Newline);
        },
      },
      { GATE: () => this.LA(1).tokenType === RBrace || this.LA(1).tokenType === EOF, ALT: () => {} },
    ]);
    return this.ACTION(() => {
      for (const r of [...values.map((v) => v?.range), ...params.map((p) => p.range), ...steps.map((s) => s.range)]) {
        if (r && (r.end.line > last.end.line || (r.end.line === last.end.line && r.end.character > last.end.character)))
          last = r;
      }
      return {
        key: key.image,
        keyRange: rangeOf(key),
        values: values.filter(Boolean),
        params,
        steps,
        range: span(rangeOf(key), last),
      };
    });
  });

  value = this.RULE(
    'value',
    (): SchedValue =>
      this.OR([
        {
          ALT: () => {
            const t = this.CONSUME(Dims);
            return { kind: 'dims' as const, dims: t.image.split(/[xX]/).map(Number), text: t.image, range: rangeOf(t) };
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(NumberLit);
            return { kind: 'num' as const, value: Number(t.image.replace(/_/g, '')), range: rangeOf(t) };
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(Identifier);
            return { kind: 'name' as const, name: t.image, range: rangeOf(t) };
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(StringLit);
            return { kind: 'string' as const, value: unquote(t.image), range: rangeOf(t) };
          },
        },
      ]),
  );
}

let shared: SchedParser | undefined;

/** Whether the line at tokens[k], outside every block, cannot start a statement. */
function strayTopLine(tokens: IToken[], k: number): boolean {
  const type = tokens[k]!.tokenType;
  if (type === Newline || type === Target || type === Network) return false;
  // An operator's header: `conv2d NAME {`.
  return type !== Identifier || tokens[k + 1]?.tokenType !== Identifier || tokens[k + 2]?.tokenType !== LBrace;
}

function shownToken(t: IToken): string {
  return `'${t.image.length > 40 ? t.image.slice(0, 40) + '…' : t.image}'`;
}

/**
 * The tokens without the lines that cannot start a statement outside a block (one
 * error each) and without the blocks opened inside a block (`conv2d a {` within an operator or
 * a network), each reported once at its first line. Blocks do not nest in a schedule;
 * left to the parser, each nested line was recovered from by scanning ahead for its
 * follow set: 0.7 s for a 190,000-character file with a few thousand nested openers.
 * A line opening a block inside a block drops every line up to the one closing it.
 */
function withoutStrayLines(tokens: IToken[], errors: SchedFile['errors']): IToken[] {
  let kept: IToken[] | undefined;
  let depth = 0;
  for (let k = 0; k < tokens.length; ) {
    let end = k;
    let opens = false;
    while (end < tokens.length && tokens[end]!.tokenType !== Newline) {
      if (tokens[end]!.tokenType === LBrace) opens = true;
      end++;
    }
    end = Math.min(end + 1, tokens.length); // with its line break
    if (depth === 0 && strayTopLine(tokens, k)) {
      // One error for the line: recovery token by token gave one per word (41,000 for
      // a 160,000-character line of `x=1`, a second of parsing).
      kept ??= tokens.slice(0, k);
      const first = tokens[k]!;
      const third = tokens[k + 2];
      const header = tokens[k + 1]?.tokenType === Identifier;
      const found = !third || third.tokenType === Newline ? 'the end of the line' : shownToken(third);
      errors.push(
        header
          ? {
              message: `expected '{' after \`${first.image} ${tokens[k + 1]!.image}\` but found ${found}`,
              range: rangeOf(third && third.tokenType !== Newline ? third : tokens[k + 1]!),
            }
          : {
              message:
                first.tokenType === RBrace
                  ? `'}' closes no block`
                  : `unexpected ${shownToken(first)}: a line here starts \`target\`, \`network NAME {\` or an operator (\`conv2d NAME {\`)`,
              range: rangeOf(first),
            },
      );
      k = end;
      continue;
    }
    if (depth > 0 && opens) {
      // The nested block's lines, up to the one that closes it (or the end of the file).
      const first = tokens[k]!;
      let inner = 0;
      let j = k;
      for (; j < tokens.length; j++) {
        const type = tokens[j]!.tokenType;
        if (type === LBrace) inner++;
        else if (type === RBrace && --inner === 0) break;
      }
      while (j < tokens.length && tokens[j]!.tokenType !== Newline) j++;
      const last = tokens[Math.min(j, tokens.length - 1)]!;
      kept ??= tokens.slice(0, k);
      errors.push({
        message: `a block cannot open inside another: operators and networks do not nest (lines ${first.startLine} to ${last.startLine ?? first.startLine} are not read)`,
        range: rangeOf(first),
      });
      k = Math.min(j + 1, tokens.length);
      continue;
    }
    for (let j = k; j < end; j++) {
      const type = tokens[j]!.tokenType;
      if (type === LBrace) depth++;
      else if (type === RBrace && depth > 0) depth--;
      if (kept) kept.push(tokens[j]!);
    }
    k = end;
  }
  return kept ?? tokens;
}

/** Parses one `.vtasched` text into statements, comments and syntax errors. */
export function parseSchedule(text: string): SchedFile {
  return withoutStackTraces(() => parseText(text));
}

function parseText(text: string): SchedFile {
  // As for `.vta` (a network's schedule is a few hundred lines): no 50 MB token arrays.
  if (text.length > MAX_SOURCE_CHARS) {
    const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return {
      statements: [],
      comments: [],
      errors: [
        {
          message: `the file has ${text.length} characters, more than the ${MAX_SOURCE_CHARS} this tool parses`,
          range: at,
        },
      ],
    };
  }
  schedLexer ??= new Lexer(TOKENS, {
    ensureOptimizations: false,
    positionTracking: 'full',
    skipValidations: skipGrammarValidations,
  });
  const lexed = schedLexer.tokenize(text);
  const errors: SchedFile['errors'] = lexed.errors.map((e) => ({
    message: `unexpected character ${JSON.stringify(text.slice(e.offset, e.offset + e.length))}`,
    range: {
      start: { line: (e.line ?? 1) - 1, character: (e.column ?? 1) - 1 },
      end: { line: (e.line ?? 1) - 1, character: (e.column ?? 1) - 1 + e.length },
    },
  }));
  const parser = (shared ??= new SchedParser());
  parser.input = withoutStrayLines(lexed.tokens, errors);
  parser.collected = [];
  parser.lineErrors = errors;
  let statements: SchedStmt[] = [];
  try {
    parser.file();
    statements = parser.collected.filter(
      (s) =>
        s &&
        (s.kind === 'target'
          ? typeof s.value === 'string'
          : s.kind === 'network'
            ? typeof s.name === 'string' && s.name.length > 0
            : typeof s.op === 'string' && typeof s.name === 'string' && s.name.length > 0 && s.op.length > 0),
    );
  } catch (e) {
    errors.push({
      message: `the parser gave up: ${(e as Error).message}`,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    });
  }
  for (const e of parser.errors) {
    const tok = e.token;
    let range: Range;
    if (tok.tokenType === EOF || Number.isNaN(tok.startOffset)) {
      const lines = text.split('\n');
      const line = lines.length - 1;
      range = { start: { line, character: lines[line]!.length }, end: { line, character: lines[line]!.length } };
    } else {
      range = rangeOf(tok);
    }
    // A line break as the token found would break the message's line in a terminal.
    errors.push({ message: e.message.replace(/'(\r\n|\r|\n)'/g, 'the end of the line'), range });
  }
  const comments = (lexed.groups.comments ?? []).map((c) => ({ text: c.image, range: rangeOf(c) }));
  return { statements, comments, errors };
}
