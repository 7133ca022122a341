/**
 * The `.vta` files of the workspace folders on disk, for workspace symbols: found by a
 * bounded walk (skipping node_modules, .git, dist) and parsed once per modification time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceFile } from '../../core/lang/ast';
import { parseVta } from '../../core/lang/parser';

const SKIP = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);
const MAX_FILES = 2000;
const MAX_BYTES = 4 << 20;

export class WorkspaceFiles {
  private readonly parsed = new Map<string, { mtime: number; ast: SourceFile }>();

  constructor(public roots: string[] = []) {}

  /** Paths of the `.vta` files under the roots. */
  list(): string[] {
    const out: string[] = [];
    const walk = (dir: string, depth: number) => {
      if (out.length >= MAX_FILES || depth > 12) return;
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const n of names) {
        if (SKIP.has(n) || n.startsWith('.')) continue;
        const p = join(dir, n);
        let st;
        try {
          st = statSync(p);
        } catch {
          continue;
        }
        if (st.isDirectory()) walk(p, depth + 1);
        else if (n.endsWith('.vta') && st.size <= MAX_BYTES) out.push(p);
        if (out.length >= MAX_FILES) return;
      }
    };
    for (const r of this.roots) walk(r, 0);
    return out;
  }

  parse(path: string): SourceFile | undefined {
    try {
      const mtime = statSync(path).mtimeMs;
      const hit = this.parsed.get(path);
      if (hit && hit.mtime === mtime) return hit.ast;
      const ast = parseVta(readFileSync(path, 'utf8'));
      this.parsed.set(path, { mtime, ast });
      return ast;
    } catch {
      return undefined;
    }
  }
}
