// TextMate grammar tests: scope assertions with vscode-tmgrammar-test, then the
// node tests over examples, language configuration and snippets.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const files = readdirSync('test/grammar')
  .filter((f) => /\.test\.(vta|vtasched)$/.test(f))
  .map((f) => `test/grammar/${f}`);
const scopes = spawnSync(
  process.execPath,
  [
    'node_modules/vscode-tmgrammar-test/dist/unit.js',
    '-g',
    'syntaxes/vta.tmLanguage.json',
    '-g',
    'syntaxes/vtasched.tmLanguage.json',
    ...files,
  ],
  { stdio: 'inherit' },
);
const nodeTests = readdirSync('test/grammar')
  .filter((f) => f.endsWith('.test.mjs'))
  .map((f) => `test/grammar/${f}`);
const rest = spawnSync(process.execPath, ['--test', ...nodeTests], { stdio: 'inherit' });
process.exit(scopes.status || rest.status || 0);
