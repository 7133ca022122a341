/**
 * The files that include a file: open documents and the `.vta` files of the workspace
 * on disk whose include closure reaches it, each with its symbol index, so that
 * references and rename of a name defined in an included file reach every file that
 * uses it, not only the ones that the current file includes.
 */
import { buildSymbolIndex, type SymbolDef, type SymbolIndex } from '../../core/lsp-support/symbols';
import { parseVta } from '../../core/lang/parser';
import { uriToPath, type Workspace } from './workspace';
import type { WorkspaceFiles } from './workspace-files';

/** Symbol indexes of the files, other than those in `covered`, whose includes reach `file`. */
export function includerIndexes(
  ws: Workspace,
  disk: WorkspaceFiles,
  file: string,
  covered: ReadonlySet<string>,
): SymbolIndex[] {
  const out: SymbolIndex[] = [];
  const seen = new Set<string>();
  for (const doc of ws.documents.all()) {
    if (doc.languageId !== 'vta') continue;
    const path = uriToPath(doc.uri);
    seen.add(path);
    if (covered.has(path)) continue;
    const a = ws.vta(doc.uri);
    if (a && a.symbols.files.includes(file)) out.push(a.symbols);
  }
  const source = {
    resolve: (from: string, rel: string) => ws.host.resolve(from, rel),
    // Open documents win over the disk, as everywhere in the server.
    parse: (p: string) => {
      const open = ws.openDocByPath(p);
      return open ? parseVta(open.getText()) : disk.parse(p);
    },
  };
  for (const path of disk.list()) {
    if (seen.has(path) || covered.has(path)) continue;
    const ast = disk.parse(path);
    // Only a file with an include can reach another file.
    if (!ast || !ast.statements.some((s) => s.kind === 'include')) continue;
    const index = buildSymbolIndex(path, ast, source);
    if (index.files.includes(file)) out.push(index);
  }
  return out;
}

/** The same definition in another file's index: a global of the same name, defined at the same place. */
export function sameDef(index: SymbolIndex, def: SymbolDef): SymbolDef | undefined {
  const d = index.globals.get(def.name);
  return d &&
    d.file === def.file &&
    d.range.start.line === def.range.start.line &&
    d.range.start.character === def.range.start.character
    ? d
    : undefined;
}
