// Bundles every entry point with esbuild: Node bundles for the CLI, the language
// server, the debug adapter and the extension; browser bundles for the webviews.
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cachedEntries, cliCommandEntries, cliDispatcherEntry } from './build-cli.mjs';

const watch = process.argv.includes('--watch');
const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'warning' };
const browser = { bundle: true, platform: 'browser', format: 'iife', target: 'chrome120', sourcemap: true, logLevel: 'warning' };
// The bundles skip Chevrotain's grammar validations, which the tests run from sources
// (core/lang/grammar-checks.ts): building the lexers and parsers is most of a start-up.
for (const o of [node, browser]) o.define = { VTA_GRAMMAR_CHECKED: 'true' };

const entries = [
  // The CLI's commands, one bundle each (see build-cli.mjs); its dispatcher is built after them.
  ...cliCommandEntries(node),
  // vta explore evaluates designs on worker threads running this.
  { ...node, entryPoints: ['server/cli/explore-worker.ts'], outfile: 'dist/cli/explore-worker.js' },
  // The servers load through V8's code cache (lsp.js and dap.js are small loaders).
  ...cachedEntries(node, 'server/lsp/main.ts', 'dist/server/lsp.js'),
  // The language server's expensive tier runs here, in a worker thread it can stop.
  { ...node, entryPoints: ['server/lsp/check-worker.ts'], outfile: 'dist/server/check-worker.js' },
  // Its schedule tuner (hover's fastest schedules, "Use the fastest schedule") too.
  { ...node, entryPoints: ['server/lsp/tune-worker.ts'], outfile: 'dist/server/tune-worker.js' },
  ...cachedEntries(node, 'server/dap/main.ts', 'dist/server/dap.js'),
  { ...node, entryPoints: ['client/extension.ts'], outfile: 'dist/client/extension.js', external: ['vscode'] },
  { ...browser, entryPoints: ['webviews/simulator/main.ts'], outfile: 'dist/webviews/simulator.js' },
  { ...browser, entryPoints: ['webviews/simulator/worker.ts'], outfile: 'dist/webviews/sim-worker.js' },
  { ...browser, entryPoints: ['webviews/estimate/main.ts'], outfile: 'dist/webviews/estimate.js' },
  { ...browser, entryPoints: ['webviews/explore/main.ts'], outfile: 'dist/webviews/explore.js' },
];

mkdirSync('dist', { recursive: true });
// The package is ESM for development; the bundles are CommonJS, as VS Code loads them.
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
const present = entries.filter((e) => e.stdin || existsSync(e.entryPoints[0]));
await Promise.all(present.map((e) => build(e)));
const dispatcher = cliDispatcherEntry(node);
await build(dispatcher);
if (!watch) console.log(`built ${[dispatcher, ...present].map((e) => e.outfile).join(', ')}`);
