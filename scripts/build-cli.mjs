// The `vta` command as bundles that load only what a command needs.
//
// Each file in server/cli/commands/ is bundled alone into dist/cli/vta-FILE.js. The
// dispatcher, server/cli/main.ts, is bundled into dist/cli/vta.js with every import of
// a command file replaced by a stand-in command: its name, summary and help, read from
// the command's bundle at build time, and a run() that loads that bundle then. So
// `vta --help` and `vta NAME --help` load no command, and `vta NAME` loads one. The
// sources are unchanged: run from sources (tsx), main.ts imports the commands as written.
//
// The dispatcher loads a command's bundle with V8's code cache (server/cli/cached-require.ts).
//
// server/cli/command.ts (UsageError and the option helpers) is one shared bundle,
// dist/cli/vta-command.js, so a UsageError thrown by a command is an instance of the
// class the dispatcher checks.
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';

const CLI = resolve('server/cli');
const SHARED = resolve(CLI, 'command.ts');
const COMMANDS = resolve(CLI, 'commands');
const OUT = 'dist/cli';
const bundleName = (file) => `vta-${basename(file, '.ts')}.js`;

/** Imports of server/cli/command.ts become `require('./vta-command.js')`. */
const sharedCommandModule = {
  name: 'vta-shared-command-module',
  setup(b) {
    b.onResolve({ filter: /(^|\/)command$/ }, (args) => {
      if (resolve(args.resolveDir, args.path) + '.ts' !== SHARED || args.importer === SHARED) return undefined;
      return { path: './vta-command.js', external: true };
    });
  },
};

function commandFiles() {
  return readdirSync(COMMANDS)
    .filter((f) => f.endsWith('.ts'))
    .sort();
}

/** esbuild options for the shared module and each command's bundle. */
export function cliCommandEntries(node) {
  return [
    { ...node, entryPoints: ['server/cli/command.ts'], outfile: `${OUT}/vta-command.js` },
    ...commandFiles().map((f) => ({
      ...node,
      entryPoints: [`server/cli/commands/${f}`],
      outfile: `${OUT}/${bundleName(f)}`,
      plugins: [sharedCommandModule],
    })),
  ];
}

/** The exported commands of each built command bundle: file → [{ exportName, name, summary, help }]. */
function describeCommands() {
  const require = createRequire(import.meta.url);
  const out = new Map();
  for (const f of commandFiles()) {
    const path = resolve(OUT, bundleName(f));
    delete require.cache[path];
    const mod = require(path);
    const commands = Object.entries(mod)
      .filter(
        ([, v]) => v && typeof v.name === 'string' && typeof v.summary === 'string' && typeof v.run === 'function',
      )
      .map(([exportName, v]) => ({ exportName, name: v.name, summary: v.summary, help: v.help }));
    out.set(resolve(COMMANDS, f), commands);
  }
  return out;
}

/** A module standing in for a command file: the same exports, loading the bundle on run(). */
function standIn(file, commands) {
  const lines = [
    "import { cachedRequire } from './cached-require';",
    `function load() { return cachedRequire(require('node:path').join(__dirname, ${JSON.stringify(bundleName(file))})); }`,
  ];
  for (const c of commands) {
    const { exportName, ...text } = c;
    lines.push(
      `export const ${exportName} = { ...${JSON.stringify(text)}, run: (args, io) => load().${exportName}.run(args, io) };`,
    );
  }
  return lines.join('\n');
}

/**
 * A bundle loaded through V8's code cache: `entry` is bundled into NAME-bundle.js and
 * `outfile` (NAME.js, the path editors start) is a small bundle that loads it with
 * cachedRequire. Both sit in the same folder, so the bundle's own __dirname lookups
 * (worker scripts beside it) are unchanged.
 */
export function cachedEntries(node, entry, outfile) {
  const bundle = outfile.replace(/\.js$/, '-bundle.js');
  const loader =
    `import { cachedRequire } from './cached-require';\n` +
    `cachedRequire(require('node:path').join(__dirname, ${JSON.stringify(basename(bundle))}));\n`;
  return [
    { ...node, entryPoints: [entry], outfile: bundle },
    {
      ...node,
      stdin: { contents: loader, resolveDir: CLI, loader: 'ts', sourcefile: `${basename(outfile)} (loader)` },
      outfile,
    },
  ];
}

/** esbuild options for the dispatcher; call after the command bundles are built. */
export function cliDispatcherEntry(node) {
  const described = describeCommands();
  const lazyCommands = {
    name: 'vta-lazy-commands',
    setup(b) {
      b.onResolve({ filter: /(^|\/)commands\/[^/]+$/ }, (args) => {
        const path = resolve(args.resolveDir, args.path) + '.ts';
        return described.has(path) ? { path, namespace: 'vta-command' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'vta-command' }, (args) => ({
        contents: standIn(basename(args.path), described.get(args.path)),
        loader: 'js',
        resolveDir: CLI,
      }));
    },
  };
  return {
    ...node,
    entryPoints: ['server/cli/main.ts'],
    outfile: `${OUT}/vta.js`,
    plugins: [sharedCommandModule, lazyCommands],
  };
}
