/**
 * The feature table (server/lsp/features.ts) through the real server: every request it
 * lists is announced at initialize and answered for a `.vta` and a `.vtasched`
 * document; where the language has the feature the answer says something, where it
 * has not (`none`) the answer is the feature's empty one. A feature added to the table
 * is covered here for both languages without a new line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import { FEATURES, LANGUAGES, none, type Feature } from '../../server/lsp/features';
import { posOf, serverForFile } from './lsp-harness';

const lsp = serverForFile();

const dir = mkdtempSync(join(tmpdir(), 'vta-lsp-features-'));
const vta = {
  uri: pathToFileURL(join(dir, 'features.vta')).href,
  // No `finish` (a quick fix inserts one), a kernel over several lines (folding), a name
  // used twice (navigation), spaces the formatter removes, an include (a link).
  text:
    'target default\ninclude "inc.vta"\n\ndata a : inp[16]\ndata b : wgt[1]\n\nkernel k {\n  uop dst=0 src=0 wgt=0\n}\n\n' +
    '  load inp sram=0 dram=a y=1 x=16\n  load wgt sram=0 dram=b y=1 x=1\n  push ld->ex\n  load uop k\n  pop  ld->ex\n  gemm   k  reset\n',
};
const sched = {
  uri: pathToFileURL(join(dir, 'features.vtasched')).href,
  // One layer that lowers (its estimate is an inlay hint), one over its INP buffer (a quick fix).
  text:
    'target default\n\nconv2d small {\n  input  = 1x16x8x8\n  filter = 16x16x3x3\n  pad    = 1\n  tile   b=1 h=8 w=8 ci=16 co=16\n}\n\n' +
    'conv2d big {\n  input  = 1x64x56x56\n  filter = 64x64x3x3\n  pad    = 1\n  tile   b=1 h=56 w=56 ci=64 co=64\n}\n',
};

/** The params of each feature for one document: on a name where a position matters. */
function paramsFor(
  feature: Feature,
  doc: { uri: string; text: string },
  diagnostics: unknown[],
): Record<string, unknown> {
  const isVta = doc === vta;
  const textDocument = { uri: doc.uri };
  const position = isVta ? posOf(doc.text, 'k', 2) : posOf(doc.text, 'small');
  const whole = { start: { line: 0, character: 0 }, end: { line: doc.text.split('\n').length, character: 0 } };
  switch (feature) {
    case 'hover':
      return { textDocument, position: isVta ? posOf(doc.text, 'load inp', 0, 3) : position };
    case 'completion':
      return { textDocument, position: { line: 2, character: 0 } };
    case 'signatureHelp':
      return { textDocument, position: isVta ? posOf(doc.text, 'load inp ', 0, 'load inp '.length) : position };
    case 'references':
      return { textDocument, position, context: { includeDeclaration: true } };
    case 'rename':
      return { textDocument, position, newName: 'renamed' };
    case 'inlayHint':
      return { textDocument, range: whole };
    case 'codeAction':
      return { textDocument, range: whole, context: { diagnostics } };
    case 'formatting':
      return { textDocument, options: { tabSize: 2, insertSpaces: true } };
    default:
      return { textDocument, position };
  }
}

const said = (x: unknown): boolean =>
  x !== null &&
  x !== undefined &&
  (Array.isArray(x)
    ? x.length > 0
    : typeof x === 'object' && (!('data' in x) || (x as { data: unknown[] }).data.length > 0));

before(async () => {
  writeFileSync(join(dir, 'inc.vta'), 'const N = 1\n');
  await lsp().open(vta.uri, vta.text);
  await lsp().open(sched.uri, sched.text);
  // Both tiers published (the cheap one, then the expensive one): the program's findings, the layers' estimates.
  for (const doc of [vta, sched])
    await lsp().diagnostics(
      doc.uri,
      () => (lsp().published.get(doc.uri) ?? []).filter((x) => x.version === 1).length >= 2,
      60_000,
    );
});

test('every feature of the table is announced at initialize', () => {
  const { capabilities } = lsp();
  const capability: Record<Feature, string> = {
    hover: 'hoverProvider',
    completion: 'completionProvider',
    signatureHelp: 'signatureHelpProvider',
    definition: 'definitionProvider',
    references: 'referencesProvider',
    documentHighlight: 'documentHighlightProvider',
    prepareRename: 'renameProvider',
    rename: 'renameProvider',
    documentSymbol: 'documentSymbolProvider',
    foldingRange: 'foldingRangeProvider',
    semanticTokens: 'semanticTokensProvider',
    inlayHint: 'inlayHintProvider',
    codeAction: 'codeActionProvider',
    formatting: 'documentFormattingProvider',
    documentLink: 'documentLinkProvider',
    codeLens: 'codeLensProvider',
  };
  for (const f of Object.keys(FEATURES) as Feature[])
    assert.ok(capabilities[capability[f]], `${f}: ${capability[f]} announced`);
});

for (const [language, doc] of [
  ['vta', vta],
  ['vtasched', sched],
] as const) {
  test(`every request of the table answers for a .${language} document`, async () => {
    const published = lsp().published.get(doc.uri)?.at(-1)?.diagnostics ?? [];
    const provided = Object.keys(FEATURES).filter((f) => LANGUAGES[language].features[f as Feature] !== none);
    // The two languages share most features; each has some of its own.
    assert.ok(provided.length >= (language === 'vta' ? Object.keys(FEATURES).length : 8), provided.join());
    for (const f of Object.keys(FEATURES) as Feature[]) {
      const answer = await lsp().request(FEATURES[f].method, paramsFor(f, doc, published));
      if (LANGUAGES[language].features[f] === none)
        assert.deepEqual(answer, FEATURES[f].empty, `${language} ${f}: the empty answer`);
      else assert.ok(said(answer), `${language} ${f}: ${JSON.stringify(answer)?.slice(0, 300)}`);
    }
  });
}
