/**
 * What the checks workers see and when they answer (issue 20): a schedule's layers are
 * lowered and checked in a worker that reads the open documents (an unsaved
 * vta_config.json), not the disk; a version closed while its checks run is still
 * answered; semantic tokens stay inside their lines whatever the line ends.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { serverForFile, type Published } from './lsp-harness';
import { docDefaultConfigJson } from '../support/isa-doc';

const lsp = serverForFile();

/** A vta_config.json for a board (the default sizes; the board sets the clock and the bus). */
/** The document's default vta_config.json with another TARGET. */
const config = (target: string) => JSON.stringify({ ...docDefaultConfigJson(), TARGET: target }, null, 2);

type Hint = { label: string };

/** The schedule's inlay hints (the layers' estimates) once `ok` holds, polled while the worker lowers. */
async function hintsWhen(uri: string, ok: (h: Hint[]) => boolean, what: string): Promise<Hint[]> {
  const deadline = Date.now() + 20_000;
  let hints: Hint[] = [];
  while (Date.now() < deadline) {
    hints = await lsp().request<Hint[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    });
    if (ok(hints)) return hints;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what}: hints ${JSON.stringify(hints)}; server log: ${lsp().logs.join('\n')}`);
}

describe('checks workers', () => {
  test('a layer is lowered with the target of an open, unsaved vta_config.json, and again when it is edited', async () => {
    // Nothing is written: the config exists only in the editor.
    const dir = mkdtempSync(join(tmpdir(), 'vta-unsaved-'));
    const cfg = pathToFileURL(join(dir, 'cfg.json')).href;
    const sched = pathToFileURL(join(dir, 'net.vtasched')).href;
    await lsp().open(cfg, config('pynq'), 'json');
    await lsp().open(
      sched,
      'target "cfg.json"\ndense fc {\n  input  = 1x64\n  weight = 32x64\n  epilogue shr 8, min 127\n}\n',
    );
    const first = await hintsWhen(sched, (h) => h.length === 1, 'the layer lowered with the unsaved config');
    assert.match(first[0]!.label, /cycles \(\d+ µs\)/);
    // The lint (the server's thread) reads the same config: no finding about the target.
    const lint = await lsp().diagnostics(sched, (p) => p.version === 1);
    assert.deepEqual(
      lint.diagnostics.map((d) => d.code),
      [],
    );

    // An edit of the config, still unsaved (ultra96: a faster clock and a wider bus) lowers the layer again.
    await lsp().change(cfg, [{ text: config('ultra96') }]);
    const second = await hintsWhen(
      sched,
      (h) => h.length === 1 && h[0]!.label !== first[0]!.label,
      'the layer lowered again after the config edit',
    );
    assert.match(second[0]!.label, /cycles \(\d+ µs\)/);
    await lsp().close(sched);
    await lsp().close(cfg);
  });

  test('a document closed and opened again keeps its line table: a client mirroring it with the same library stays in step', async () => {
    const uri = 'file:///tmp/vta-lone-cr.vta';
    // The client's copy, kept as vscode-languageserver-textdocument keeps it (the fuzz driver and other harnesses do).
    let mirror = TextDocument.create(uri, 'vta', 1, '  nop ld\n  finish\n');
    await lsp().open(uri, mirror.getText());
    const edit = async (at: { line: number; character: number }, text: string) => {
      const c = { range: { start: at, end: at }, text };
      mirror = TextDocument.update(mirror, [c], mirror.version + 1);
      await lsp().change(uri, [c]);
    };
    // A CR typed before a LF: the library's incremental table now counts a line more than a fresh one.
    await edit({ line: 0, character: 8 }, '\r');
    assert.equal(mirror.lineCount, TextDocument.create(uri, 'vta', 1, mirror.getText()).lineCount + 1);
    await lsp().close(uri);
    await lsp().open(uri, mirror.getText());
    // '@' before `finish`, at the position the client's table gives.
    await edit(mirror.positionAt(mirror.getText().indexOf('finish')), '@');
    assert.equal(mirror.getText(), '  nop ld\r\n  @finish\n');
    const key = (p: Published) => JSON.stringify(p.diagnostics.map((d) => [d.range, d.code, d.message]));
    const incremental = await lsp().diagnostics(uri, (p) => p.version === 2 && p.diagnostics.length > 0);
    // The same text opened fresh: the server's text was the client's.
    const fresh = 'file:///tmp/vta-lone-cr-fresh.vta';
    await lsp().open(fresh, mirror.getText());
    const reopened = await lsp().diagnostics(fresh, (p) => p.version === 1);
    assert.ok(reopened.diagnostics.some((d) => d.range.start.line === 1 && d.range.start.character === 2));
    assert.equal(key(incremental), key(reopened));
    await lsp().close(uri);
    await lsp().close(fresh);
  });

  test('a change whose position lost its NaN to JSON (null) does what it did to the sender mirror', async () => {
    const uri = 'file:///tmp/vta-null-position.vta';
    let mirror = TextDocument.create(uri, 'vta', 1, '  nop ld\n  finish\n');
    await lsp().open(uri, mirror.getText());
    // A client that computed a position from a missing offset: NaN, sent as null.
    const at = { line: 1, character: Number.NaN };
    mirror = TextDocument.update(mirror, [{ range: { start: at, end: at }, text: '@' }], 2);
    await lsp().change(uri, [{ range: { start: at, end: at }, text: '@' }]);
    const p = await lsp().diagnostics(uri, (x) => x.version === 2 && x.diagnostics.length > 0);
    const i = mirror.getText().indexOf('@');
    assert.deepEqual(p.diagnostics[0]!.range.start, { line: 0, character: i });
    await lsp().close(uri);
  });
});
