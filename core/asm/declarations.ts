/**
 * The first pass: gather constants, data, kernels, labels, the target and the image
 * from the main file and everything it includes, reporting duplicates and misplaced
 * statements.
 */
import type { ImageStmt, SourceFile, Stmt, TargetStmt } from '../lang/ast';
import { parseVta } from '../lang/parser';
import type { AsmContext, GlobalData, GlobalKernel } from './context';
import type { AsmHost } from './host';

export interface Declarations {
  datas: GlobalData[];
  kernels: GlobalKernel[];
  target?: { stmt: TargetStmt; file: string };
  image?: { stmt: ImageStmt; file: string };
  /** Files read through `include`, in order. */
  includes: string[];
  /**
   * Parsed included files, by path: the map given as `AssembleOptions.includedAsts`
   * (trees the caller parsed already, e.g. for its symbol index) with the ones the
   * assembler parsed added.
   */
  includedAsts: Map<string, SourceFile>;
}

/**
 * The tree of an included file: from `trees` when parsed before, else read through the
 * host, parsed and added to `trees`; undefined when the host cannot read it. The
 * assembler and the language server's symbol index share one `trees` per version, so
 * each included file is parsed once.
 */
export function includedTree(host: AsmHost, trees: Map<string, SourceFile>, path: string): SourceFile | undefined {
  const known = trees.get(path);
  if (known) return known;
  const text = host.readText(path);
  if (text === undefined) return undefined;
  const tree = parseVta(text);
  trees.set(path, tree);
  return tree;
}

const MAX_INCLUDE_DEPTH = 32;

export function collectDeclarations(
  ctx: AsmContext,
  file: string,
  ast: SourceFile,
  trees: Map<string, SourceFile> = new Map(),
): Declarations {
  const decls: Declarations = { datas: [], kernels: [], includes: [], includedAsts: trees };
  let seenInstruction = false;

  const declare = (
    name: string,
    file: string,
    range: import('../lang/ast').Range,
    sym: import('./context').GlobalSymbol,
  ) => {
    const prev = ctx.globals.get(name);
    if (prev) {
      ctx.report(file, range, 'error', 'vta.name.duplicate', `'${name}' is already defined`, [
        { file: prev.file, range: prev.range, message: `'${name}' is first defined here` },
      ]);
      return;
    }
    ctx.globals.set(name, sym);
  };

  const visit = (stmts: Stmt[], file: string, stack: string[], topLevel: boolean): void => {
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i]!;
      if (!topLevel && isDeclaration(s)) {
        ctx.report(
          file,
          s.range,
          'error',
          'vta.syntax.placement',
          `'${s.kind}' must be at the top level of the file, not inside a block`,
        );
        continue;
      }
      switch (s.kind) {
        case 'const':
          declare(s.name.name, file, s.name.range, {
            kind: 'const',
            file,
            range: s.name.range,
            expr: s.value,
            state: 'pending',
          });
          break;
        case 'data': {
          const g: GlobalData = { kind: 'data', file, range: s.name.range, stmt: s };
          declare(s.name.name, file, s.name.range, g);
          if (ctx.globals.get(s.name.name) === g) decls.datas.push(g);
          break;
        }
        case 'kernel': {
          const g: GlobalKernel = { kind: 'kernel', file, range: s.name.range, stmt: s };
          declare(s.name.name, file, s.name.range, g);
          if (ctx.globals.get(s.name.name) === g) decls.kernels.push(g);
          break;
        }
        case 'label':
          if (stack.length > 1) {
            ctx.report(
              file,
              s.range,
              'error',
              'vta.syntax.placement',
              'an included file holds constants, data and kernels only, not labels',
            );
            break;
          }
          declare(s.name.name, file, s.name.range, { kind: 'label', file, range: s.name.range });
          break;
        case 'target':
          if (stack.length > 1) {
            ctx.report(file, s.range, 'error', 'vta.syntax.placement', 'an included file cannot set the target');
          } else if (decls.target) {
            ctx.report(file, s.range, 'error', 'vta.name.duplicate', 'the target is already set', [
              { file: decls.target.file, range: decls.target.stmt.range, message: 'first set here' },
            ]);
          } else if (seenInstruction) {
            ctx.report(file, s.range, 'error', 'vta.syntax.placement', '`target` must come before any instruction');
          } else {
            decls.target = { stmt: s, file };
          }
          break;
        case 'image':
          if (decls.image) {
            ctx.report(file, s.range, 'error', 'vta.name.duplicate', 'the DRAM image is already given', [
              { file: decls.image.file, range: decls.image.stmt.range, message: 'first given here' },
            ]);
          } else {
            decls.image = { stmt: s, file };
          }
          break;
        case 'include': {
          const path = ctx.host.resolve(file, s.path);
          if (stack.includes(path)) {
            ctx.report(
              file,
              s.pathRange,
              'error',
              'vta.name.include-cycle',
              `including '${s.path}' forms a cycle: ${[...stack, path].join(' → ')}`,
            );
            break;
          }
          if (stack.length >= MAX_INCLUDE_DEPTH) {
            ctx.report(
              file,
              s.pathRange,
              'error',
              'vta.name.include-cycle',
              `includes nest deeper than ${MAX_INCLUDE_DEPTH} files`,
            );
            break;
          }
          const inc = includedTree(ctx.host, trees, path);
          if (!inc) {
            ctx.report(file, s.pathRange, 'error', 'vta.name.file', `cannot read '${s.path}' (resolved to ${path})`);
            break;
          }
          decls.includes.push(path);
          for (const e of inc.errors) ctx.report(path, e.range, 'error', 'vta.syntax.error', e.message);
          visit(inc.statements, path, [...stack, path], true);
          break;
        }
        case 'insn':
        case 'push':
        case 'pop':
          if (stack.length > 1) {
            ctx.report(
              file,
              s.range,
              'error',
              'vta.syntax.placement',
              'an included file holds constants, data and kernels only, not instructions',
            );
          }
          seenInstruction = true;
          break;
        case 'for':
          if (stack.length > 1)
            ctx.report(
              file,
              s.range,
              'error',
              'vta.syntax.placement',
              'an included file holds constants, data and kernels only, not instructions',
            );
          seenInstruction = true;
          visit(s.body, file, stack, false);
          break;
        case 'if':
          if (stack.length > 1)
            ctx.report(
              file,
              s.range,
              'error',
              'vta.syntax.placement',
              'an included file holds constants, data and kernels only, not instructions',
            );
          seenInstruction = true;
          visit(s.then, file, stack, false);
          if (s.else) visit(s.else, file, stack, false);
          break;
      }
    }
  };
  visit(ast.statements, file, [file], true);
  return decls;
}

/** The statements that only the top level of a file may hold. */
function isDeclaration(s: Stmt): boolean {
  switch (s.kind) {
    case 'const':
    case 'data':
    case 'kernel':
    case 'include':
    case 'image':
    case 'target':
      return true;
    default:
      return false;
  }
}
