/**
 * Loads a bundle with V8's code cache: the compiled code of the bundle's functions is
 * kept in a file beside it (cache/ in the bundle's folder) after the first run, so that
 * later runs skip most of the parsing and compiling (about 30 ms of a `vta check`'s
 * start-up). Node 20's own module loader keeps no such cache. The CLI's dispatcher
 * loads its commands through it, and the language server's and debug adapter's entry
 * bundles (dist/server/lsp.js, dap.js) load the servers through it.
 *
 * V8 checks a cache against the source's length only, so the cache file's name carries
 * the bundle's size and modification time, and the Node version and architecture: a
 * rebuilt bundle or another Node never reads a stale cache. Anything that fails
 * (a read-only install, a full disk, a rejected cache) falls back to a plain compile.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

const SERVER_CACHE_DELAY_MS = 3000;

interface NodeModule {
  exports: unknown;
  filename: string;
  paths: string[];
  loaded: boolean;
}

type ModuleStatics = typeof Module & {
  wrap(source: string): string;
  _nodeModulePaths(dir: string): string[];
  new (id: string, parent?: unknown): NodeModule;
};

export function cachedRequire(path: string): unknown {
  const dir = dirname(path);
  const source = readFileSync(path, 'utf8');
  const cacheDir = join(dir, 'cache');
  const prefix = `${basename(path)}.`;
  let cacheFile: string | undefined;
  let cached: Buffer | undefined;
  try {
    const st = statSync(path);
    cacheFile = join(cacheDir, `${prefix}${st.size}.${Math.floor(st.mtimeMs)}.${process.version}.${process.arch}.v8`);
    cached = readFileSync(cacheFile);
  } catch {
    // no cache yet
  }
  const M = Module as ModuleStatics;
  const script = new Script(M.wrap(source), { filename: path, cachedData: cached });
  const mod = new M(path);
  mod.filename = path;
  mod.paths = M._nodeModulePaths(dir);
  const fn = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: NodeModule,
    filename: string,
    dirname: string,
  ) => void;
  fn.call(mod.exports, mod.exports, createRequire(path), mod, path, dir);
  mod.loaded = true;
  if (cacheFile && (cached === undefined || script.cachedDataRejected)) {
    const file = cacheFile;
    // Written late, so that it also holds the functions compiled while the program ran:
    // at exit, or after a few seconds for a server that is killed rather than exits.
    let written = false;
    const write = () => {
      if (written) return;
      written = true;
      writeCache(script, cacheDir, prefix, file);
    };
    process.once('exit', write);
    setTimeout(write, SERVER_CACHE_DELAY_MS).unref();
  }
  return mod.exports;
}

function writeCache(script: Script, cacheDir: string, prefix: string, file: string): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    for (const f of readdirSync(cacheDir)) if (f.startsWith(prefix)) unlinkSync(join(cacheDir, f));
    // Written whole, then renamed: a concurrent run reads the old file or the new one.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, file);
  } catch {
    // not writable: every run compiles
  }
}
