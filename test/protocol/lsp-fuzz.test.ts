/**
 * Seeded fuzzing of the bundled language server over stdio, as a careless editor would
 * drive it: random incremental edits to the examples (and an untitled buffer and the
 * schedule), every request interleaved at random positions, some of them malformed.
 *
 * Holds: every request is answered within 5 s, well-formed ones with a result (never
 * an error), malformed ones with a result or InvalidParams; every range in an answer
 * or a publication is well-formed; every version gets diagnostics; the server logs no
 * error; closing and reopening a document gives the diagnostics of the incremental
 * edits. The regression tests below it hold the inputs issue 20 found.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { serverForFile, ROOT, uriOf, type LspDiagnostic } from './lsp-harness';
import {
  FUZZ_SEED,
  NASTY_INTS,
  Rng,
  SOURCE_FRAGMENTS,
  SOURCE_NUMBERS,
  fuzzFailure,
  within,
} from '../support/fuzz-corpus';
import { generateProgram } from '../../bench/asm-bench';

const EDITS = 900;
const INVALID_PARAMS = -32602;

const lsp = serverForFile();

type Pos = { line: number; character: number };
type Range = LspDiagnostic['range'];

const isUint = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 2 ** 31;
const goodPos = (p: Pos | undefined) => !!p && isUint(p.line) && isUint(p.character);
const goodRange = (r: Range | undefined) =>
  !!r &&
  goodPos(r.start) &&
  goodPos(r.end) &&
  (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));

/** Every `range`-like field in an answer is well-formed; returns the first bad one. */
function badRange(x: unknown, depth = 0): string | undefined {
  if (!x || typeof x !== 'object' || depth > 12) return undefined;
  if (Array.isArray(x)) {
    for (const y of x) {
      const b = badRange(y, depth + 1);
      if (b) return b;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(x)) {
    if (
      /^(range|selectionRange|targetRange|targetSelectionRange)$/.test(k) &&
      v &&
      typeof v === 'object' &&
      !goodRange(v as Range)
    )
      return `${k} ${JSON.stringify(v)}`;
    if (k === 'position' && v && typeof v === 'object' && !goodPos(v as Pos)) return `position ${JSON.stringify(v)}`;
    const b = typeof v === 'object' ? badRange(v, depth + 1) : undefined;
    if (b) return b;
  }
  return undefined;
}

interface Doc {
  uri: string;
  sched: boolean;
  mirror: TextDocument;
}

/** Publications of one version of a document so far. */
const publications = (uri: string, version: number) =>
  (lsp().published.get(uri) ?? []).filter((p) => p.version === version).length;

/** Waits until a version has `n` publications (the first tier, then every check), or fails naming it. */
function published(uri: string, version: number, n: number, ms: number): Promise<void> {
  return within(
    new Promise<void>((res) => {
      const poll = setInterval(() => {
        if (publications(uri, version) < n) return;
        clearInterval(poll);
        res();
      }, 10);
    }),
    ms,
    `diagnostics of ${uri} v${version} (${n} publication${n > 1 ? 's' : ''})`,
  );
}

describe(`lsp fuzz (seed ${FUZZ_SEED})`, () => {
  test(`${EDITS} random edits with every request interleaved, some malformed`, async () => {
    const rng = new Rng(FUZZ_SEED);
    const sources = [
      'examples/gemm-block.vta',
      'examples/elementwise.vta',
      'examples/defects/out-of-bounds.vta',
      'examples/resnet18.vtasched',
    ];
    const docs: Doc[] = sources.map((rel) => {
      const uri = uriOf(rel);
      return {
        uri,
        sched: rel.endsWith('.vtasched'),
        mirror: TextDocument.create(uri, 'vta', 1, readFileSync(resolve(ROOT, rel), 'utf8')),
      };
    });
    docs.push({
      uri: 'untitled:Untitled-fuzz',
      sched: false,
      mirror: TextDocument.create('untitled:Untitled-fuzz', 'vta', 1, ''),
    });
    const corpusLines = docs.flatMap((d) => d.mirror.getText().split('\n'));
    for (const d of docs) await lsp().open(d.uri, d.mirror.getText(), d.sched ? 'vtasched' : 'vta');
    const problems: string[] = [];

    const randomPos = (d: Doc): Pos => {
      if (rng.chance(0.08)) return { line: d.mirror.lineCount + rng.int(0, 50), character: rng.int(0, 5000) };
      const off = rng.int(0, d.mirror.getText().length);
      return d.mirror.positionAt(off);
    };
    const randomRange = (d: Doc): Range => {
      const a = randomPos(d);
      const b = randomPos(d);
      return a.line < b.line || (a.line === b.line && a.character <= b.character)
        ? { start: a, end: b }
        : { start: b, end: a };
    };

    const edit = async (d: Doc) => {
      const text = d.mirror.getText();
      const at = rng.int(0, text.length);
      let change: { range: Range; text: string };
      const k = rng.int(0, 9);
      if (k <= 3)
        change = {
          range: { start: d.mirror.positionAt(at), end: d.mirror.positionAt(at) },
          text: rng.pick(rng.chance(0.8) ? SOURCE_FRAGMENTS : SOURCE_NUMBERS),
        };
      else if (k <= 5)
        change = {
          range: {
            start: d.mirror.positionAt(at),
            end: d.mirror.positionAt(Math.min(text.length, at + rng.int(1, 40))),
          },
          text: '',
        };
      else if (k === 6) {
        const line = d.mirror.positionAt(at).line;
        change = {
          range: { start: { line, character: 0 }, end: { line, character: 0 } },
          text: `${rng.pick(corpusLines)}\n`,
        };
      } else if (k === 7) {
        const m = /\d+/.exec(text.slice(at));
        const s = m ? at + m.index : at;
        change = {
          range: { start: d.mirror.positionAt(s), end: d.mirror.positionAt(s + (m?.[0].length ?? 0)) },
          text: String(rng.pick([0, 1, 2, 3, 7, 15, 16, 63, 64, 255, 1024])),
        };
      } else if (k === 8)
        change = {
          range: { start: d.mirror.positionAt(at), end: d.mirror.positionAt(at) },
          text: '('.repeat(rng.int(1, 30)) + '1' + ')'.repeat(rng.int(0, 30)),
        };
      else
        change = {
          range: { start: { line: 0, character: 0 }, end: d.mirror.positionAt(text.length) },
          text: rng.chance(0.5) ? readFileSync(resolve(ROOT, sources[0]!), 'utf8') : '',
        };
      const version = d.mirror.version + 1;
      TextDocument.update(d.mirror, [change], version);
      await lsp().change(d.uri, [change]);
    };

    const METHODS = [
      'textDocument/hover',
      'textDocument/completion',
      'textDocument/signatureHelp',
      'textDocument/definition',
      'textDocument/references',
      'textDocument/documentHighlight',
      'textDocument/prepareRename',
      'textDocument/rename',
      'textDocument/documentSymbol',
      'textDocument/foldingRange',
      'textDocument/semanticTokens/full',
      'textDocument/inlayHint',
      'textDocument/codeAction',
      'textDocument/formatting',
      'textDocument/documentLink',
      'textDocument/codeLens',
      'workspace/symbol',
    ];
    /** Params of a method: well-formed, or (malformed) with one field broken. */
    const paramsOf = (m: string, d: Doc, malformed: boolean): unknown => {
      const p: Record<string, unknown> = { textDocument: { uri: d.uri } };
      if (/hover|completion|signature|definition|references|Highlight|Rename|rename/.test(m)) p.position = randomPos(d);
      if (/references/.test(m)) p.context = { includeDeclaration: rng.chance(0.5) };
      if (/rename$/.test(m)) p.newName = rng.pick(['renamed', 'x1', '', '1bad', 'a b']);
      if (/inlayHint|codeAction/.test(m)) p.range = randomRange(d);
      if (/codeAction/.test(m)) {
        // Diagnostic data the server did not write (issue 20: `f.edits is not iterable`) is well-formed params all the same.
        const data = rng.pick<unknown>([
          undefined,
          { fixes: 5 },
          { fixes: [{ title: 'x', edits: 'no' }] },
          { fixes: [null] },
          'text',
          [1, 2],
          { fixes: [{ title: 't', edits: [{ file: 1, range: null, newText: 2 }] }] },
        ]);
        p.context = {
          diagnostics: [{ range: randomRange(d), message: 'm', code: rng.pick(['vta.finish.missing', 'x', 7]), data }],
        };
      }
      if (/formatting/.test(m)) p.options = { tabSize: 2, insertSpaces: true };
      if (m === 'workspace/symbol') return { query: rng.pick(['', 'a', 'act', 'zz']) };
      if (!malformed) return p;
      const bad = rng.int(0, 6);
      if (bad === 0) return rng.pick([null, 5, 'params', []]);
      if (bad === 1) return { ...p, textDocument: rng.pick([undefined, null, { uri: 5 }, 'uri']) };
      if (bad === 2) return { ...p, position: { line: rng.pick(NASTY_INTS), character: rng.pick([0, ...NASTY_INTS]) } };
      if (bad === 3) return { ...p, range: { start: { line: 5, character: 0 }, end: { line: 1, character: 0 } } };
      if (bad === 4)
        return { ...p, position: undefined, range: undefined, context: rng.pick([undefined, 5, { diagnostics: 'x' }]) };
      return {
        ...p,
        range: { start: { line: rng.pick(NASTY_INTS), character: 0 }, end: { line: 2 ** 53, character: 2 ** 53 } },
      };
    };

    const count = { answered: 0, invalidParams: 0 };
    const request = async (d: Doc) => {
      const m = rng.pick(METHODS);
      const malformed = rng.chance(0.2);
      const params = paramsOf(m, d, malformed);
      const what = `${m} ${JSON.stringify(params)?.slice(0, 300)} on ${d.uri} v${d.mirror.version}`;
      try {
        const res = await within(lsp().request(m, params), 5000, what);
        count.answered++;
        const bad = badRange(res);
        if (bad) problems.push(`${what}: answered with a bad ${bad}`);
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code === undefined) throw e; // a hang
        if (!malformed || code !== INVALID_PARAMS) problems.push(`${what}: error ${code} ${(e as Error).message}`);
        count.invalidParams++;
      }
    };

    for (let n = 0; n < EDITS; n++) {
      const d = rng.pick(docs);
      await edit(d);
      if (rng.chance(0.35)) await request(rng.pick(docs));
      // Back-pressure, as an editor gets it: a few versions in flight at most.
      if (d.mirror.version > 5) await published(d.uri, d.mirror.version - 4, 1, 5000);
      if (problems.length) break;
    }
    // Every version of every document gets its diagnostics, each with well-formed ranges.
    for (const d of docs) {
      for (let v = 1; v <= d.mirror.version; v++) await published(d.uri, v, 1, 10_000);
      for (const p of lsp().published.get(d.uri) ?? []) {
        for (const g of p.diagnostics)
          if (!goodRange(g.range))
            problems.push(`diagnostic with a bad range for ${d.uri} v${p.version}: ${JSON.stringify(g)}`);
      }
    }
    assert.equal(lsp().exited, false, fuzzFailure(`the server exited: ${lsp().stderr.slice(-2000)}`).message);
    assert.deepEqual(problems.slice(0, 10), [], fuzzFailure(problems.slice(0, 10).join('\n')).message);
    const errors = lsp().logs.filter((l) => /Error|failed|\n\s+at /.test(l) && !/stopped the checks/.test(l));
    assert.deepEqual(
      errors.slice(0, 5),
      [],
      fuzzFailure(`the server logged errors:\n${errors.slice(0, 5).join('\n')}`).message,
    );

    // (The run did what it says: requests answered, malformed ones refused.)
    assert.ok(count.answered > EDITS / 5 && count.invalidParams > EDITS / 50, JSON.stringify(count));

    // The server's text is ours: reopening gives the diagnostics of the incremental edits.
    const norm = (ds: LspDiagnostic[]) =>
      JSON.stringify(
        ds.map((g) => [g.range, g.code, g.message]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
      );
    const last = (uri: string, version: number) =>
      lsp()
        .published.get(uri)!
        .filter((p) => p.version === version)
        .at(-1)!.diagnostics;
    for (const d of docs.filter((x) => !x.sched)) {
      await published(d.uri, d.mirror.version, 2, 20_000);
      const before = last(d.uri, d.mirror.version);
      await lsp().close(d.uri);
      const version = d.mirror.version + 100;
      await lsp().conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri: d.uri, languageId: 'vta', version, text: d.mirror.getText() },
      });
      await published(d.uri, version, 2, 20_000);
      assert.equal(
        norm(last(d.uri, version)),
        norm(before),
        fuzzFailure(`${d.uri}: reopened text gives other diagnostics`).message,
      );
    }
  });
});

describe('language server: the inputs issue 20 found', () => {
  test('a code action whose diagnostic data the server did not write gets the fixes it can find, no error', async () => {
    const uri = 'file:///tmp/vta-lsp-foreign-data.vta';
    const text = 'target default\n  nop ld\n';
    await lsp().open(uri, text);
    const logged = lsp().logs.length;
    const range = { start: { line: 1, character: 2 }, end: { line: 1, character: 8 } };
    for (const data of [
      { fixes: 5 },
      { fixes: [{ title: 'x', edits: 'no' }] },
      { fixes: [null] },
      'text',
      { fixes: [{ title: 't', edits: [{ file: 1, range: null, newText: 2 }] }] },
    ]) {
      const actions = await lsp().request<Array<{ title: string }>>('textDocument/codeAction', {
        textDocument: { uri },
        range,
        context: { diagnostics: [{ range, message: 'm', code: 'vta.x', data }] },
      });
      // Only the server's own fix (no `finish`) is offered.
      assert.deepEqual(
        actions.map((a) => a.title),
        ['Insert `finish` at the end of the program'],
        JSON.stringify(data),
      );
    }
    assert.deepEqual(
      lsp()
        .logs.slice(logged)
        .filter((l) => /Error|failed/.test(l)),
      [],
    );
    await lsp().close(uri);
  });

  test('malformed params get InvalidParams; positions past the end get an empty answer', async () => {
    const uri = 'file:///tmp/vta-lsp-params.vta';
    await lsp().open(uri, 'target default\n  nop ld\n  finish\n');
    const code = async (method: string, params: unknown) => {
      try {
        await lsp().request(method, params);
        return 0;
      } catch (e) {
        return (e as { code: number }).code;
      }
    };
    assert.equal(
      await code('textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 0 } }),
      INVALID_PARAMS,
    );
    assert.equal(
      await code('textDocument/hover', { textDocument: { uri }, position: { line: 2 ** 53, character: 0 } }),
      INVALID_PARAMS,
    );
    assert.equal(
      await code('textDocument/hover', { textDocument: { uri }, position: { line: 1.5, character: 0 } }),
      INVALID_PARAMS,
    );
    assert.equal(
      await code('textDocument/inlayHint', {
        textDocument: { uri },
        range: { start: { line: 3, character: 0 }, end: { line: 1, character: 0 } },
      }),
      INVALID_PARAMS,
    );
    assert.equal(
      await code('textDocument/references', { textDocument: { uri }, position: { line: 1, character: 3 } }),
      INVALID_PARAMS,
    );
    assert.equal(
      await code('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: 'x' },
      }),
      INVALID_PARAMS,
    );
    assert.equal(await code('textDocument/documentSymbol', null), INVALID_PARAMS);
    assert.equal(await code('textDocument/documentSymbol', { textDocument: { uri: 5 } }), INVALID_PARAMS);
    assert.equal(
      await lsp().request('textDocument/hover', {
        textDocument: { uri },
        position: { line: 2 ** 31 - 1, character: 2 ** 31 - 1 },
      }),
      null,
    );
    assert.deepEqual(
      await lsp().request('textDocument/inlayHint', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 2 ** 31 - 1, character: 0 } },
      }),
      [],
    );
    await lsp().close(uri);
  });

  test('checks run off the server thread: a document being checked does not hold up requests on another', async () => {
    // 150,000 instructions: seconds of assembly and checks in the worker.
    const big = generateProgram(150_000);
    const uri = 'file:///tmp/vta-lsp-busy.vta';
    const small = 'file:///tmp/vta-lsp-small.vta';
    await lsp().open(small, 'target default\n  nop ld\n  finish\n');
    await lsp().diagnostics(small, (p) => p.version === 1);
    await lsp().open(uri, big);
    const symbols = await lsp().request<Array<{ name: string }>>('textDocument/documentSymbol', {
      textDocument: { uri: small },
    });
    assert.ok(Array.isArray(symbols));
    // The answer came before the big document's first diagnostics, which the checks worker publishes.
    assert.equal(lsp().published.get(uri), undefined, 'the request waited for the checks of another document');
    await lsp().diagnostics(uri, (p) => p.version === 1, 60_000);
    await lsp().close(uri);
    await lsp().close(small);
  });

  test('a one-line load whose checks walk 4 billion micro-ops: requests answer meanwhile, the version gets diagnostics', async () => {
    const uri = 'file:///tmp/vta-lsp-huge-load.vta';
    await lsp().open(uri, 'target default\n  load uop sram=0 dram=0 x=65535 y=65535\n  finish\n');
    const symbols = await lsp().request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(Array.isArray(symbols));
    const hints = await lsp().request<unknown[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } },
    });
    assert.ok(Array.isArray(hints));
    // Its findings, or (while the checks' work grows with the sizes) a note that they were cut short.
    const p = await lsp().diagnostics(uri, (x) => x.version === 1, 20_000);
    assert.ok(p.diagnostics.length > 0);
    await lsp().close(uri);
  });

  test('every version gets diagnostics, also those a newer version superseded before they were checked', async () => {
    const uri = 'file:///tmp/vta-lsp-versions.vta';
    await lsp().open(uri, 'target default\n  nop ld\n  finish\n');
    for (let i = 0; i < 8; i++)
      await lsp().change(uri, [
        { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '  nop ex\n' },
      ]);
    for (let v = 1; v <= 9; v++) await published(uri, v, 1, 20_000);
    // The newest version is checked for real: 9 `nop` lines, no finding.
    await published(uri, 9, 2, 20_000);
    assert.deepEqual((lsp().published.get(uri) ?? []).filter((p) => p.version === 9).at(-1)!.diagnostics, []);
    await lsp().close(uri);
  });
});
