/**
 * Names of a `.vta` program with lexical scoping: every definition (constants, data,
 * kernels, labels, loop variables, kernel parameters) and every use, resolved the
 * way the assembler resolves them (innermost loop variable or parameter first, then
 * the global namespace shared with the included files). Platform-free: included
 * files come through a callback.
 */
import type { Expr, KernelItem, Range, SourceFile, Stmt } from '../lang/ast';
import type { Position } from '../program/program';

export type SymbolKind = 'const' | 'data' | 'kernel' | 'label' | 'loopvar' | 'param';

export interface SymbolDef {
  name: string;
  kind: SymbolKind;
  file: string;
  /** The name where it is defined. */
  range: Range;
  /** The whole defining statement (for outlines). */
  fullRange: Range;
  /** For a loop variable or parameter: the block it is visible in. */
  scope?: Range;
  /** A one-line description (the statement's header). */
  detail: string;
}

export interface SymbolRef {
  name: string;
  file: string;
  range: Range;
  def?: SymbolDef;
}

export interface SymbolIndex {
  defs: SymbolDef[];
  refs: SymbolRef[];
  globals: Map<string, SymbolDef>;
  /** Files visited, main first. */
  files: string[];
  /** The include statement of each included file, for links. */
  includes: Array<{ from: string; range: Range; path: string }>;
}

export interface IncludeSource {
  resolve(fromFile: string, relative: string): string;
  /** The parsed file, or undefined when it cannot be read. */
  parse(path: string): SourceFile | undefined;
}

export function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

export function rangeContains(r: Range, p: Position): boolean {
  return !before(p, r.start) && !before(r.end, p);
}

function exprNames(e: Expr | undefined, out: Array<{ name: string; range: Range }>): void {
  // Right operands first along the left side of an operator chain, in a loop (a chain
  // is as deep as it is long), then the names in source order.
  const rights: Expr[] = [];
  while (e && e.kind === 'binary') {
    rights.push(e.right);
    e = e.left;
  }
  exprLeaf(e, out);
  for (let k = rights.length - 1; k >= 0; k--) exprNames(rights[k], out);
}

function exprLeaf(e: Expr | undefined, out: Array<{ name: string; range: Range }>): void {
  if (!e) return;
  switch (e.kind) {
    case 'name':
      out.push({ name: e.name, range: e.range });
      break;
    case 'unary':
      exprNames(e.arg, out);
      break;
    default:
      break;
  }
}

const MAX_FILES = 64;

export function buildSymbolIndex(mainFile: string, ast: SourceFile, src: IncludeSource): SymbolIndex {
  const index: SymbolIndex = { defs: [], refs: [], globals: new Map(), files: [], includes: [] };
  const asts: Array<{ file: string; ast: SourceFile }> = [];
  const visit = (file: string, a: SourceFile) => {
    if (index.files.includes(file) || index.files.length >= MAX_FILES) return;
    index.files.push(file);
    asts.push({ file, ast: a });
    for (const s of a.statements) {
      if (s.kind !== 'include') continue;
      const path = src.resolve(file, s.path);
      index.includes.push({ from: file, range: s.pathRange, path });
      const inc = src.parse(path);
      if (inc) visit(path, inc);
    }
  };
  visit(mainFile, ast);

  // Globals first (the namespace is shared; the first definition wins, as in the assembler).
  const addGlobal = (d: SymbolDef) => {
    index.defs.push(d);
    if (!index.globals.has(d.name)) index.globals.set(d.name, d);
  };
  const collectGlobals = (file: string, stmts: Stmt[]) => {
    for (const s of stmts) {
      switch (s.kind) {
        case 'const':
          addGlobal({
            name: s.name.name,
            kind: 'const',
            file,
            range: s.name.range,
            fullRange: s.range,
            detail: `const ${s.name.name}`,
          });
          break;
        case 'data':
          addGlobal({
            name: s.name.name,
            kind: 'data',
            file,
            range: s.name.range,
            fullRange: s.range,
            detail: `data ${s.name.name} : ${s.mem.name}[…]`,
          });
          break;
        case 'kernel':
          addGlobal({
            name: s.name.name,
            kind: 'kernel',
            file,
            range: s.name.range,
            fullRange: s.range,
            detail: `kernel ${s.name.name}${s.params.length ? `(${s.params.map((p) => p.name).join(', ')})` : ''}`,
          });
          break;
        case 'label':
          addGlobal({
            name: s.name.name,
            kind: 'label',
            file,
            range: s.name.range,
            fullRange: s.range,
            detail: `${s.name.name}:`,
          });
          break;
        case 'for':
          collectGlobals(file, s.body);
          break;
        case 'if':
          collectGlobals(file, s.then);
          if (s.else) collectGlobals(file, s.else);
          break;
        default:
          break;
      }
    }
  };
  for (const { file, ast: a } of asts) collectGlobals(file, a.statements);

  type Scope = Map<string, SymbolDef>;
  const lookup = (name: string, scopes: Scope[]): SymbolDef | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const d = scopes[i]!.get(name);
      if (d) return d;
    }
    return index.globals.get(name);
  };
  const useExpr = (file: string, e: Expr | undefined, scopes: Scope[]) => {
    const names: Array<{ name: string; range: Range }> = [];
    exprNames(e, names);
    for (const n of names) index.refs.push({ name: n.name, file, range: n.range, def: lookup(n.name, scopes) });
  };
  const local = (
    file: string,
    kind: 'loopvar' | 'param',
    name: string,
    range: Range,
    scope: Range,
    detail: string,
  ): SymbolDef => {
    const d: SymbolDef = { name, kind, file, range, fullRange: range, scope, detail };
    index.defs.push(d);
    return d;
  };

  const walkKernelItems = (file: string, items: KernelItem[], scopes: Scope[]) => {
    for (const it of items) {
      if (!it) continue;
      if (it.kind === 'uop') {
        for (const o of it.operands) for (const v of o.values) useExpr(file, v, scopes);
      } else if (it.kind === 'for') {
        useExpr(file, it.from, scopes);
        useExpr(file, it.to, scopes);
        const d = local(file, 'loopvar', it.variable.name, it.variable.range, it.range, `for ${it.variable.name} in …`);
        walkKernelItems(file, it.body, [...scopes, new Map([[d.name, d]])]);
      } else {
        useExpr(file, it.cond, scopes);
        walkKernelItems(file, it.then, scopes);
        if (it.else) walkKernelItems(file, it.else, scopes);
      }
    }
  };

  const walk = (file: string, stmts: Stmt[], scopes: Scope[]) => {
    for (const s of stmts) {
      if (!s) continue;
      switch (s.kind) {
        case 'const':
          useExpr(file, s.value, scopes);
          break;
        case 'data':
          useExpr(file, s.count, scopes);
          useExpr(file, s.at, scopes);
          if (s.init?.kind === 'random') useExpr(file, s.init.seed, scopes);
          if (s.init?.kind === 'list') for (const v of s.init.values) useExpr(file, v, scopes);
          break;
        case 'kernel': {
          useExpr(file, s.at, scopes);
          const params: Scope = new Map();
          for (const p of s.params)
            params.set(
              p.name,
              local(file, 'param', p.name, p.range, s.range, `parameter ${p.name} of kernel ${s.name.name}`),
            );
          walkKernelItems(file, s.body, [...scopes, params]);
          break;
        }
        case 'insn':
          for (const w of s.words) {
            const d = lookup(w.name, scopes);
            if (d && d.kind === 'kernel') {
              index.refs.push({
                name: w.name,
                file,
                range: {
                  start: w.range.start,
                  end: { line: w.range.start.line, character: w.range.start.character + w.name.length },
                },
                def: d,
              });
            }
            for (const a of w.args ?? []) useExpr(file, a, scopes);
          }
          for (const o of s.operands) for (const v of o.values) useExpr(file, v, scopes);
          break;
        case 'for': {
          useExpr(file, s.from, scopes);
          useExpr(file, s.to, scopes);
          const d = local(file, 'loopvar', s.variable.name, s.variable.range, s.range, `for ${s.variable.name} in …`);
          walk(file, s.body, [...scopes, new Map([[d.name, d]])]);
          break;
        }
        case 'if':
          useExpr(file, s.cond, scopes);
          walk(file, s.then, scopes);
          if (s.else) walk(file, s.else, scopes);
          break;
        default:
          break;
      }
    }
  };
  for (const { file, ast: a } of asts) walk(file, a.statements, []);
  return index;
}

/** The definition or use at a position of a file. */
export function symbolAt(
  index: SymbolIndex,
  file: string,
  pos: Position,
): { def: SymbolDef; range: Range } | undefined {
  for (const d of index.defs) if (d.file === file && rangeContains(d.range, pos)) return { def: d, range: d.range };
  for (const r of index.refs)
    if (r.file === file && r.def && rangeContains(r.range, pos)) return { def: r.def, range: r.range };
  return undefined;
}

/** Every occurrence (definition included) of a symbol. */
export function occurrences(index: SymbolIndex, def: SymbolDef): Array<{ file: string; range: Range; isDef: boolean }> {
  const out = [{ file: def.file, range: def.range, isDef: true }];
  for (const r of index.refs) if (r.def === def) out.push({ file: r.file, range: r.range, isDef: false });
  return out;
}

/** Names visible at a position: globals plus the loop variables and parameters whose block holds it. */
export function namesInScope(index: SymbolIndex, file: string, pos: Position): SymbolDef[] {
  const out = new Map<string, SymbolDef>();
  for (const d of index.globals.values()) out.set(d.name, d);
  for (const d of index.defs) {
    if ((d.kind === 'loopvar' || d.kind === 'param') && d.file === file && d.scope && rangeContains(d.scope, pos))
      out.set(d.name, d);
  }
  return [...out.values()];
}
