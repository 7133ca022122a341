/**
 * What the assembler needs from its surroundings: reading the files that `include`,
 * `image`, `file(...)` and `target "x.json"` name. The core never touches a file
 * system itself; the CLI and servers pass a Node implementation, the webview an
 * in-memory one.
 */
export interface AsmHost {
  readText(path: string): string | undefined;
  readBinary(path: string): Uint8Array | undefined;
  /** Resolves `relative` against the directory of `fromFile`. */
  resolve(fromFile: string, relative: string): string;
}

/** A host backed by a map of file contents (tests, the browser). */
export function memoryHost(files: Record<string, string | Uint8Array>): AsmHost {
  return {
    readText: (p) => {
      const v = files[p];
      return typeof v === 'string' ? v : v ? new TextDecoder().decode(v) : undefined;
    },
    readBinary: (p) => {
      const v = files[p];
      return typeof v === 'string' ? new TextEncoder().encode(v) : v;
    },
    resolve: (from, rel) => {
      if (rel.startsWith('/')) return rel;
      const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '';
      const parts = (dir + rel).split('/');
      const out: string[] = [];
      for (const part of parts) {
        if (part === '..') out.pop();
        else if (part !== '.') out.push(part);
      }
      return out.join('/');
    },
  };
}

export const NO_FILES: AsmHost = memoryHost({});
