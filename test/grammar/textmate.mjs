// Loads the extension's TextMate grammars into vscode-textmate (the engine VS Code uses)
// for the grammar tests. Not a test file itself.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// vscode-textmate and vscode-oniguruma are the engine vscode-tmgrammar-test runs on;
// resolve them through it so that this works wherever npm placed them.
const fromHere = createRequire(import.meta.url);
const fromRunner = createRequire(fromHere.resolve('vscode-tmgrammar-test/package.json'));
const tm = fromRunner('vscode-textmate');
const onig = fromRunner('vscode-oniguruma');

export const GRAMMARS = {
  vta: { scopeName: 'source.vta', file: 'syntaxes/vta.tmLanguage.json' },
  vtasched: { scopeName: 'source.vtasched', file: 'syntaxes/vtasched.tmLanguage.json' },
};

let registry;
function getRegistry() {
  if (registry) return registry;
  const wasm = readFileSync(path.join(path.dirname(fromRunner.resolve('vscode-oniguruma')), 'onig.wasm'));
  const onigLib = onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
    createOnigScanner: (patterns) => new onig.OnigScanner(patterns),
    createOnigString: (s) => new onig.OnigString(s),
  }));
  const byScope = {};
  for (const g of Object.values(GRAMMARS)) {
    const file = path.join(root, g.file);
    byScope[g.scopeName] = tm.parseRawGrammar(readFileSync(file, 'utf8'), file);
  }
  registry = new tm.Registry({ onigLib, loadGrammar: async (scopeName) => byScope[scopeName] ?? null });
  return registry;
}

/** The grammar for a language id ('vta' or 'vtasched'). */
export async function loadGrammar(lang) {
  const g = await getRegistry().loadGrammar(GRAMMARS[lang].scopeName);
  if (!g) throw new Error(`grammar ${lang} did not load`);
  return g;
}

/**
 * Tokenizes `text` line by line, carrying the rule stack across lines as the editor does.
 * Returns one entry per line: { line, n, tokens: [{ text, start, end, scopes }] } and, as
 * `after`, the tokens of `probe` tokenized in the state the text leaves behind.
 */
export function tokenize(grammar, text, probe = '}') {
  let stack = tm.INITIAL;
  const lines = text.split(/\r?\n/).map((line, n) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    const tokens = r.tokens.map((t) => ({
      text: line.slice(t.startIndex, t.endIndex),
      start: t.startIndex,
      end: t.endIndex,
      scopes: t.scopes,
    }));
    return { line, n: n + 1, tokens };
  });
  const after = grammar
    .tokenizeLine(probe, stack)
    .tokens.map((t) => ({ text: probe.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  return { lines, after };
}

/** Problems a text that should be valid must not show: invalid scopes, text no rule recognised, unclosed blocks. */
export function problems(grammar, text, lang) {
  const rootScope = GRAMMARS[lang].scopeName;
  const out = [];
  const { lines, after } = tokenize(grammar, text);
  for (const { line, n, tokens } of lines) {
    for (const t of tokens) {
      const bad = t.scopes.filter((s) => s.startsWith('invalid'));
      if (bad.length)
        out.push(`line ${n} col ${t.start + 1}: ${JSON.stringify(t.text)} is ${bad.join(' ')}\n    ${line}`);
      const innermost = t.scopes[t.scopes.length - 1];
      if (t.text.trim() && (innermost === rootScope || innermost.startsWith('meta.'))) {
        out.push(
          `line ${n} col ${t.start + 1}: ${JSON.stringify(t.text.trim())} has no token scope (${t.scopes.join(' ')})\n    ${line}`,
        );
      }
    }
  }
  const closer = after.find((t) => t.text === '}');
  if (!closer || !closer.scopes.some((s) => s.startsWith('invalid.illegal.stray-bracket'))) {
    out.push(`a block is still open at the end of the text (a "}" after it is ${closer?.scopes.join(' ')})`);
  }
  return out;
}
