/**
 * Semantic tokens. Module-aware: an instruction's mnemonic carries the modifier of the
 * module that runs it (`ld`, `ex`, `st`), and push/pop carry their queue's producer or
 * consumer, so a theme can colour the three instruction streams apart.
 */
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver/node';
import type { KernelItem, Stmt } from '../../core/lang/ast';
import { vtaLexer } from '../../core/lang/lexer';
import { moduleOfStmt } from '../../core/lsp-support/locate';
import type { SymbolKind } from '../../core/lsp-support/symbols';

export const TOKEN_TYPES = [
  'keyword',
  'function',
  'variable',
  'parameter',
  'number',
  'string',
  'comment',
  'operator',
  'property',
  'label',
  'enumMember',
  'type',
] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'ld', 'ex', 'st'] as const;
export const SEMANTIC_LEGEND: SemanticTokensLegend = {
  tokenTypes: [...TOKEN_TYPES],
  tokenModifiers: [...TOKEN_MODIFIERS],
};

type TokType = (typeof TOKEN_TYPES)[number];
type TokMod = (typeof TOKEN_MODIFIERS)[number];

const type = (t: TokType) => TOKEN_TYPES.indexOf(t);
const mods = (ms: TokMod[]) => ms.reduce((acc, m) => acc | (1 << TOKEN_MODIFIERS.indexOf(m)), 0);

const SYMBOL_TYPE: Record<SymbolKind, TokType> = {
  const: 'variable',
  data: 'variable',
  kernel: 'function',
  label: 'label',
  loopvar: 'variable',
  param: 'parameter',
};

export interface SemanticInput {
  text: string;
  statements: Stmt[];
  defs: Array<{ kind: SymbolKind; file: string; range: { start: { line: number; character: number } } }>;
  refs: Array<{ file: string; range: { start: { line: number; character: number } }; def?: { kind: SymbolKind } }>;
  file: string;
}

export function semanticTokensVta(input: SemanticInput): SemanticTokens {
  const key = (p: { line: number; character: number }) => `${p.line}:${p.character}`;
  const at = new Map<string, { t: TokType; m: TokMod[] }>();
  for (const d of input.defs) {
    if (d.file !== input.file) continue;
    at.set(key(d.range.start), {
      t: SYMBOL_TYPE[d.kind],
      m: d.kind === 'const' ? ['declaration', 'readonly'] : ['declaration'],
    });
  }
  for (const r of input.refs) {
    if (r.file !== input.file || !r.def) continue;
    at.set(key(r.range.start), { t: SYMBOL_TYPE[r.def.kind], m: r.def.kind === 'const' ? ['readonly'] : [] });
  }
  const walk = (items: Array<Stmt | KernelItem> | undefined) => {
    for (const s of items ?? []) {
      if (!s) continue;
      switch (s.kind) {
        case 'insn': {
          const m = moduleOfStmt(s);
          at.set(key(s.mnemonicRange.start), { t: 'keyword', m: [m] });
          for (const o of s.operands) at.set(key(o.key.range.start), { t: 'property', m: [] });
          for (const w of s.words)
            if (!at.has(key(w.range.start)))
              at.set(key(w.range.start), { t: w.name === 'reset' ? 'keyword' : 'enumMember', m: [] });
          break;
        }
        case 'uop':
          for (const o of s.operands) at.set(key(o.key.range.start), { t: 'property', m: [] });
          break;
        case 'push':
        case 'pop': {
          const [from, to] = s.queue.split('->');
          const m = (s.kind === 'push' ? from : to) as TokMod;
          at.set(key(s.range.start), { t: 'keyword', m: ['ld', 'ex', 'st'].includes(m) ? [m] : [] });
          at.set(key(s.queueRange.start), { t: 'enumMember', m: [] });
          at.set(`${s.queueRange.end.line}:${s.queueRange.end.character - (to?.length ?? 0)}`, {
            t: 'enumMember',
            m: [],
          });
          break;
        }
        case 'data':
          at.set(key(s.mem.range.start), { t: 'type', m: [] });
          break;
        case 'kernel':
        case 'for':
          walk(s.body as Array<Stmt | KernelItem>);
          break;
        case 'if':
          walk(s.then as Array<Stmt | KernelItem>);
          walk(s.else as Array<Stmt | KernelItem> | undefined);
          break;
        default:
          break;
      }
    }
  };
  walk(input.statements);
  const lexed = vtaLexer.tokenize(input.text);
  const toks = [...lexed.tokens, ...(lexed.groups.comments ?? [])].sort((a, b) => a.startOffset - b.startOffset);
  const b = new SemanticTokensBuilder();
  for (const t of toks) {
    const line = (t.startLine ?? 1) - 1;
    const ch = (t.startColumn ?? 1) - 1;
    const len = t.image.length;
    const name = t.tokenType.name;
    let cls: { t: TokType; m: TokMod[] } | undefined = at.get(`${line}:${ch}`);
    if (!cls) {
      if (name === 'Comment') cls = { t: 'comment', m: [] };
      else if (name === 'StringLit') cls = { t: 'string', m: [] };
      else if (name === 'NumberLit') cls = { t: 'number', m: [] };
      else if (name.startsWith('Kw_')) cls = { t: 'keyword', m: [] };
      else if (name === 'Arrow' || name === 'DotDot' || t.tokenType.CATEGORIES?.some((c) => c.name === 'BinOp'))
        cls = { t: 'operator', m: [] };
    }
    if (!cls || name === 'Newline') continue;
    b.push(line, ch, len, type(cls.t), mods(cls.m));
  }
  return b.build();
}

/** Semantic tokens of a `.vtasched` file: operators, layer names, keys, sub-keys, values, comments. */
export function semanticTokensSched(file: import('../../core/schedule').SchedFile): SemanticTokens {
  const toks: Array<{ line: number; ch: number; len: number; t: TokType; m: TokMod[] }> = [];
  const add = (
    r: { start: { line: number; character: number }; end: { line: number; character: number } },
    t: TokType,
    m: TokMod[] = [],
  ) => {
    if (r.start.line === r.end.line && r.end.character > r.start.character)
      toks.push({ line: r.start.line, ch: r.start.character, len: r.end.character - r.start.character, t, m });
  };
  const value = (v: import('../../core/schedule').SchedValue | undefined) => {
    if (!v) return;
    add(v.range, v.kind === 'num' || v.kind === 'dims' ? 'number' : v.kind === 'string' ? 'string' : 'enumMember');
  };
  for (const c of file.comments) add(c.range, 'comment');
  for (const s of file.statements) {
    if (s.kind === 'target') {
      add(
        { start: s.range.start, end: { line: s.range.start.line, character: s.range.start.character + 6 } },
        'keyword',
      );
      add(s.valueRange, s.valueRange.start.character === s.range.start.character ? 'keyword' : 'enumMember');
      continue;
    }
    if (s.kind === 'network') {
      add(
        { start: s.range.start, end: { line: s.range.start.line, character: s.range.start.character + 7 } },
        'keyword',
      );
      add(s.nameRange, 'type', ['declaration']);
      for (const e of s.entries) {
        if (e.prefix) add(e.prefix.range, 'keyword');
        add(e.nameRange, 'function');
        for (const p of e.params) {
          add(p.nameRange, 'parameter');
          value(p.value);
        }
      }
      continue;
    }
    add(s.opRange, 'keyword');
    add(s.nameRange, 'function', ['declaration']);
    for (const it of s.items) {
      add(it.keyRange, 'property');
      for (const v of it.values) value(v);
      for (const p of it.params) {
        add(p.nameRange, 'parameter');
        value(p.value);
      }
      for (const st of it.steps) {
        add(st.opRange, 'enumMember');
        value(st.arg);
      }
    }
  }
  toks.sort((a, b) => a.line - b.line || a.ch - b.ch);
  const b = new SemanticTokensBuilder();
  let last = { line: -1, end: -1 };
  for (const t of toks) {
    if (t.line === last.line && t.ch < last.end) continue; // never overlap
    b.push(t.line, t.ch, t.len, type(t.t), mods(t.m));
    last = { line: t.line, end: t.ch + t.len };
  }
  return b.build();
}
