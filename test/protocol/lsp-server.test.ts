/**
 * Protocol tests of the language server: the bundled `vta lsp --stdio` process,
 * driven over JSON-RPC as an editor drives it.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { assembleText } from '../../core/asm';
import { EDITOR_MAX_INSTRUCTIONS } from '../../core/asm/limits';
import { encodeProgram } from '../../core/isa';
import { nodeHost } from '../../server/node-host';
import { ensureBuilt, LspClient, posOf, ROOT, uriOf, type LspDiagnostic } from './lsp-harness';
import { randomProgram, Rng } from '../support/random-program';
import { generateProgram } from '../../bench/asm-bench';

let client: LspClient;
let capabilities: Record<string, unknown>;

const GEMM = 'examples/gemm-block.vta';
const OOB = 'examples/defects/out-of-bounds.vta';

before(async () => {
  ensureBuilt();
  client = new LspClient();
  capabilities = (await client.initialize()).capabilities;
});

after(async () => {
  await client?.shutdown();
});

type Range = LspDiagnostic['range'];

function applyEdits(text: string, edits: Array<{ range: Range; newText: string }>): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => {
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i]!.length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

function bytesOf(text: string, file: string): string {
  const r = assembleText(text, { file, host: nodeHost });
  assert.ok(r.program, `${file} assembles`);
  const insns = encodeProgram(
    r.program.target,
    r.program.insns.map((p) => p.insn),
  );
  return Buffer.from(insns).toString('hex') + '|' + Buffer.from(r.program.dram).toString('hex');
}

describe('vta lsp --stdio', () => {
  test('initialize announces every feature', () => {
    for (const cap of [
      'hoverProvider',
      'completionProvider',
      'signatureHelpProvider',
      'definitionProvider',
      'referencesProvider',
      'renameProvider',
      'documentHighlightProvider',
      'documentSymbolProvider',
      'workspaceSymbolProvider',
      'foldingRangeProvider',
      'semanticTokensProvider',
      'inlayHintProvider',
      'codeActionProvider',
      'documentFormattingProvider',
      'documentLinkProvider',
      'codeLensProvider',
    ])
      assert.ok(capabilities[cap], `${cap} missing`);
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
  });

  test('every shared .vta example opens without errors', async () => {
    const files = readdirSync(`${ROOT}/examples`).filter((f) => f.endsWith('.vta'));
    assert.ok(files.length >= 4);
    for (const f of files) client.openFile(`examples/${f}`);
    for (const f of files) {
      const p = await client.settled(uriOf(`examples/${f}`));
      const errors = p.diagnostics.filter((d) => d.severity === 1);
      assert.deepEqual(errors, [], `${f}: ${JSON.stringify(errors)}`);
    }
  });

  test('defect examples: diagnostics at the right lines', async () => {
    const expect: Record<string, Array<[string, number]>> = {
      'out-of-bounds.vta': [
        ['vta.bounds.inp', 11],
        ['vta.bounds.wgt', 18],
      ],
      'deadlock.vta': [['vta.tokens.deadlock', 18]],
      'finish-too-early.vta': [['vta.finish.order', 22]],
      'missing-war-token.vta': [['vta.hazard.war', 18]],
    };
    for (const f of Object.keys(expect)) client.openFile(`examples/defects/${f}`);
    for (const [f, want] of Object.entries(expect)) {
      const p = await client.diagnostics(uriOf(`examples/defects/${f}`), (x) =>
        want.every(([code]) => x.diagnostics.some((d) => d.code === code)),
      );
      for (const [code, line] of want) {
        const d = p.diagnostics.find((x) => x.code === code)!;
        assert.equal(d.range.start.line, line, `${f} ${code}`);
        assert.equal(d.severity, 1);
      }
    }
    const oob = (await client.settled(uriOf(OOB))).diagnostics.filter((d) => String(d.code).startsWith('vta.bounds'));
    assert.deepEqual(
      oob.map((d) => [d.code, d.range.start.line + 1]),
      [
        ['vta.bounds.inp', 12],
        ['vta.bounds.wgt', 19],
      ],
    );
    assert.match(oob[0]!.message, /2040\.\.2055/);
  });

  test('hover on an instruction shows its decoded fields, encoding, rows and tokens', async () => {
    const { uri, text } = client.openFile(GEMM);
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'gemm blk outer=4', 0, 1),
    });
    const v = h.contents.value;
    assert.match(v, /GEMM/);
    assert.match(v, /`iter_out` \| 4 \|/);
    assert.match(v, /`src_factor_out` \| 1 \|/);
    assert.match(v, /Encoding: `([0-9a-f]{2} ){15}[0-9a-f]{2}`/);
    assert.match(v, /GEMM reads WGT rows: WGT 0\.\.3/);
    assert.match(v, /Tokens \(in text order\) before: ld->ex 0/);
    const key = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'src_out=1', 0, 1),
    });
    assert.match(key.contents.value, /Source row step per outer iteration/);
    const target = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'target default', 0, 8),
    });
    assert.match(target.contents.value, /\| INP \| 2048 \|/);
    const name = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'dram=act', 0, 6),
    });
    assert.match(name.contents.value, /data act/);
  });

  test('completion: mnemonics, operand keys, ALU ops, queues, kernels', async () => {
    const uri = 'file:///tmp/vta-lsp-completion.vta';
    const text =
      'kernel blk { uop dst=0 src=0 wgt=0 }\ndata w : wgt[1]\n  load wgt sram=0 \n  alu \n  push \n  gemm \n\n  load inp \ntarget \n';
    await client.open(uri, text);
    const labels = async (line: number, character: number) =>
      (
        await client.request<Array<{ label: string }>>('textDocument/completion', {
          textDocument: { uri },
          position: { line, character },
        })
      ).map((i) => i.label);
    const keys = await labels(2, 18);
    assert.ok(
      keys.includes('dram=') && keys.includes('x=') && keys.includes('pad=') && !keys.includes('sram='),
      keys.join(' '),
    );
    assert.deepEqual((await labels(3, 6)).slice(0, 4), ['min', 'max', 'add', 'shr']);
    assert.deepEqual(await labels(4, 7), ['ld->ex', 'ex->ld', 'ex->st', 'st->ex']);
    assert.ok((await labels(5, 7)).includes('blk'));
    assert.ok((await labels(6, 0)).includes('load'));
    assert.ok((await labels(7, 7)).includes('inp'));
    assert.ok((await labels(8, 7)).includes('default'));
    const values = await labels(2, 16);
    assert.ok(values.includes('w'), values.join(' '));
    const sig = await client.request<{ signatures: Array<{ label: string }>; activeParameter?: number }>(
      'textDocument/signatureHelp',
      { textDocument: { uri }, position: { line: 2, character: 16 } },
    );
    assert.match(sig.signatures[0]!.label, /sram=E dram=E/);
    assert.equal(sig.activeParameter, 0);
  });

  test('definition, references, highlights and rename of a kernel, a loop variable and a parameter', async () => {
    const { uri, text } = client.openFile('examples/gemv-two-threads.vta');
    const useOfBlk = posOf(text, 'gemm blk', 0, 5);
    const def = await client.request<{ uri: string; range: Range }>('textDocument/definition', {
      textDocument: { uri },
      position: useOfBlk,
    });
    assert.equal(def.uri, uri);
    assert.deepEqual(def.range.start, posOf(text, 'kernel blk', 0, 7));
    const refs = await client.request<Array<{ range: Range }>>('textDocument/references', {
      textDocument: { uri },
      position: useOfBlk,
      context: { includeDeclaration: true },
    });
    const count = text.match(/\bblk\b/g)!.length;
    assert.equal(refs.length, count);
    const edit = await client.request<{ changes: Record<string, Array<{ range: Range; newText: string }>> }>(
      'textDocument/rename',
      { textDocument: { uri }, position: useOfBlk, newName: 'gemv_k' },
    );
    const renamed = applyEdits(text, edit.changes[uri]!);
    assert.equal(renamed.match(/\bblk\b/g), null);
    assert.equal(renamed.match(/\bgemv_k\b/g)!.length, count);
    assert.equal(
      bytesOf(renamed, `${ROOT}/examples/gemv-two-threads.vta`),
      bytesOf(text, `${ROOT}/examples/gemv-two-threads.vta`),
    );
    await assert.rejects(
      client.request('textDocument/rename', { textDocument: { uri }, position: useOfBlk, newName: 'load' }),
      /not a valid name/,
    );
    // A constant: every use, including inside data counts and kernel arguments.
    const kRefs = await client.request<Array<{ range: Range }>>('textDocument/references', {
      textDocument: { uri },
      position: posOf(text, 'const K', 0, 6),
      context: { includeDeclaration: false },
    });
    const kUses =
      text
        .split('\n')
        .map((l) => l.replace(/;.*$/, ''))
        .join('\n')
        .match(/\bK\b/g)!.length - 1;
    assert.equal(kRefs.length, kUses);
    // A loop variable resolves to its own `for`, a parameter to its kernel.
    const jUse = posOf(text, 'if j >= 2', 0, 3);
    const jDef = await client.request<{ range: Range }>('textDocument/definition', {
      textDocument: { uri },
      position: jUse,
    });
    assert.deepEqual(jDef.range.start, posOf(text, 'for j in', 0, 4));
    const rowUse = posOf(text, 'uop dst=row', 0, 8);
    const rowDef = await client.request<{ range: Range }>('textDocument/definition', {
      textDocument: { uri },
      position: rowUse,
    });
    assert.deepEqual(rowDef.range.start, posOf(text, 'blk(row', 0, 4));
    const hl = await client.request<Array<{ range: Range; kind: number }>>('textDocument/documentHighlight', {
      textDocument: { uri },
      position: rowUse,
    });
    assert.equal(hl.length, 2);
  });

  test('definition and rename across include, with the open document taking precedence over disk', async () => {
    const incUri = 'file:///tmp/vta-lsp-inc/defs.vta';
    const mainUri = 'file:///tmp/vta-lsp-inc/main.vta';
    await client.open(incUri, 'kernel shared { uop dst=0 src=0 }\nconst N = 1\n');
    const main = 'include "defs.vta"\n  load uop shared\n  alu max shared imm=N\n  finish\n';
    await client.open(mainUri, main);
    const p = await client.settled(mainUri);
    assert.deepEqual(
      p.diagnostics.filter((d) => d.severity === 1),
      [],
    );
    const def = await client.request<{ uri: string; range: Range }>('textDocument/definition', {
      textDocument: { uri: mainUri },
      position: { line: 1, character: 12 },
    });
    assert.equal(def.uri, incUri);
    assert.equal(def.range.start.line, 0);
    const edit = await client.request<{ changes: Record<string, unknown[]> }>('textDocument/rename', {
      textDocument: { uri: mainUri },
      position: { line: 2, character: 10 },
      newName: 'k2',
    });
    assert.equal(edit.changes[mainUri]!.length, 2);
    assert.equal(edit.changes[incUri]!.length, 1);
    const link = await client.request<Array<{ target: string; range: Range }>>('textDocument/documentLink', {
      textDocument: { uri: mainUri },
    });
    assert.equal(link[0]!.target, incUri);
    // Editing the included file re-checks the includer.
    await client.change(incUri, [{ text: 'const N = 1\n' }]);
    await client.diagnostics(mainUri, (x) => x.diagnostics.some((d) => d.severity === 1 && /shared/.test(d.message)));
    // An error inside the included file shows on the include line.
    await client.change(incUri, [{ text: 'kernel shared { uop dst=0 src=0 }\nconst N = = 1\n' }]);
    const inc = await client.diagnostics(mainUri, (x) => x.diagnostics.some((d) => d.code === 'vta.include.errors'));
    assert.equal(inc.diagnostics.find((d) => d.code === 'vta.include.errors')!.range.start.line, 0);
  });

  test('the checks read an unsaved include of an include (the workers get the open texts a document names, transitively)', async () => {
    const dir = 'file:///tmp/vta-lsp-inc2';
    // Neither include exists on disk: only the open documents hold them.
    await client.open(`${dir}/leaf.vta`, 'const N = 3\nkernel shared { uop dst=0 src=0 }\n');
    await client.open(`${dir}/mid.vta`, 'include "sub/../leaf.vta"\nconst M = N + 1\n');
    const mainUri = `${dir}/main.vta`;
    await client.open(mainUri, 'include "m\\id.vta"\n  load uop shared\n  alu max shared imm=M\n  finish\n');
    const p = await client.settled(mainUri);
    assert.deepEqual(
      p.diagnostics.filter((d) => d.severity === 1),
      [],
    );
    // An unsaved edit of the innermost file reaches the checks of the outermost.
    await client.change(`${dir}/leaf.vta`, [{ text: 'const N = 3\n' }]);
    await client.diagnostics(mainUri, (x) => x.diagnostics.some((d) => d.severity === 1 && /shared/.test(d.message)));
  });

  test('references and rename of a name in an included file reach every file that includes it, open or on disk', async () => {
    // Under the workspace root (the project), where the server looks for .vta files on disk.
    const dir = join(ROOT, 'test-output', `lsp-includers-${process.pid}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const lib = 'kernel shared { uop dst=0 src=0 }\nconst N = 1\n';
    writeFileSync(join(dir, 'lib.vta'), lib);
    writeFileSync(join(dir, 'a.vta'), 'include "lib.vta"\n  load uop shared\n  gemm shared\n  finish\n');
    writeFileSync(join(dir, 'mid.vta'), 'include "lib.vta"\nconst M = N + 1\n');
    writeFileSync(join(dir, 'c.vta'), 'include "mid.vta"\n  load uop shared\n  alu add shared imm=M\n  finish\n');
    // Same name, its own kernel: not the renamed one.
    writeFileSync(
      join(dir, 'other.vta'),
      'kernel shared { uop dst=1 src=1 }\n  load uop shared\n  gemm shared\n  finish\n',
    );
    try {
      const libUri = uriOf(`test-output/lsp-includers-${process.pid}/lib.vta`);
      const bUri = uriOf(`test-output/lsp-includers-${process.pid}/b.vta`);
      await client.open(libUri, lib);
      await client.open(bUri, 'include "lib.vta"\n  load uop shared\n  alu max shared imm=N\n  finish\n');
      const edit = await client.request<{ changes: Record<string, Array<{ range: Range; newText: string }>> }>(
        'textDocument/rename',
        { textDocument: { uri: libUri }, position: { line: 0, character: 8 }, newName: 'k2' },
      );
      const count = Object.fromEntries(
        Object.entries(edit.changes).map(([u, e]) => [u.slice(u.lastIndexOf('/') + 1), e.length]),
      );
      // lib.vta's definition; b.vta (open) and a.vta (disk) directly; c.vta through mid.vta. Not other.vta.
      assert.deepEqual(count, { 'lib.vta': 1, 'b.vta': 2, 'a.vta': 2, 'c.vta': 2 });
      assert.ok(
        Object.values(edit.changes)
          .flat()
          .every((e) => e.newText === 'k2'),
      );
      // The edits land on the name: applying them to a.vta renames both uses.
      const aEdits = edit.changes[uriOf(`test-output/lsp-includers-${process.pid}/a.vta`)]!;
      const aLines = readFileSync(join(dir, 'a.vta'), 'utf8').split('\n');
      for (const e of aEdits)
        assert.equal(aLines[e.range.start.line]!.slice(e.range.start.character, e.range.end.character), 'shared');
      // References from an includer find the uses in the other includers too.
      const refs = await client.request<Array<{ uri: string }>>('textDocument/references', {
        textDocument: { uri: bUri },
        position: { line: 2, character: 10 },
        context: { includeDeclaration: false },
      });
      assert.deepEqual(refs.map((r) => r.uri.slice(r.uri.lastIndexOf('/') + 1)).sort(), [
        'a.vta',
        'a.vta',
        'b.vta',
        'b.vta',
        'c.vta',
        'c.vta',
      ]);
      // A constant used through an intermediate include: N in mid.vta and b.vta.
      const nRefs = await client.request<Array<{ uri: string }>>('textDocument/references', {
        textDocument: { uri: libUri },
        position: { line: 1, character: 6 },
        context: { includeDeclaration: true },
      });
      assert.deepEqual(nRefs.map((r) => r.uri.slice(r.uri.lastIndexOf('/') + 1)).sort(), [
        'b.vta',
        'lib.vta',
        'mid.vta',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a newer version stops the running checks of the older one; the newer one is checked', async () => {
    // 120,000 instructions: the worker needs about a second to assemble and check them
    // (past the editor's default limit, which this test raises for itself).
    await client.conn.sendNotification('workspace/didChangeConfiguration', {
      settings: { vta: { diagnostics: { maxInstructions: 200_000 } } },
    });
    const big = generateProgram(120_000);
    const uri = 'file:///tmp/vta-lsp-big.vta';
    await client.open(uri, big);
    await client.diagnostics(uri, (x) => x.version === 1, 30_000); // the cheap tier
    // Past the 250 ms pause the expensive tier of version 1 has started in the worker.
    await new Promise((r) => setTimeout(r, 600));
    // Version 2 adds a pop that nothing pushes: a deadlock only the expensive tier finds.
    await client.change(uri, [{ text: big.replace(/\nfinish\n$/, '\npop ld->ex\nfinish\n') }]);
    const p = await client.diagnostics(
      uri,
      (x) => x.version === 2 && x.diagnostics.some((d) => d.code === 'vta.tokens.deadlock'),
      60_000,
    );
    assert.ok(p.diagnostics.some((d) => d.code === 'vta.tokens.deadlock'));
    // Stopped at a checkpoint (test/protocol/check-pool-cancel.test.ts), not by terminating its worker.
    assert.ok(!client.logs.some((l) => l.includes(`stopped the checks of ${uri}`)), client.logs.join('\n'));
    // Version 1's checks never published: only its cheap tier did.
    assert.equal(client.published.get(uri)!.filter((x) => x.version === 1).length, 1);
    await client.close(uri);
    await client.conn.sendNotification('workspace/didChangeConfiguration', {
      settings: { vta: { diagnostics: { maxInstructions: EDITOR_MAX_INSTRUCTIONS } } },
    });
  });

  test('document symbols, workspace symbols and folding', async () => {
    const { uri } = client.openFile('examples/conv3x3.vta');
    const syms = await client.request<Array<{ name: string; kind: number; children?: Array<{ name: string }> }>>(
      'textDocument/documentSymbol',
      { textDocument: { uri } },
    );
    const names = syms.map((s) => s.name);
    for (const n of ['H', 'W', 'P', 'x', 'k', 'y', 'zero_row', 'taps', 'pixel', 'for kh'])
      assert.ok(names.includes(n), `${n} in ${names.join(',')}`);
    assert.deepEqual(
      syms.find((s) => s.name === 'taps')!.children!.map((c) => c.name),
      ['kh'],
    );
    const ws = await client.request<Array<{ name: string; location: { uri: string } }>>('workspace/symbol', {
      query: 'zero',
    });
    assert.ok(ws.some((s) => s.name === 'zero_row' && s.location.uri === uri));
    // Files that are not open are found on disk (the workspace folder is the project).
    const disk = await client.request<Array<{ name: string; location: { uri: string; range: Range } }>>(
      'workspace/symbol',
      { query: 'act' },
    );
    const onDisk = disk.find((s) => s.location.uri === uriOf('test/grammar/declarations.test.vta'));
    assert.ok(onDisk, JSON.stringify(disk.map((s) => s.location.uri)));
    assert.equal(onDisk.location.range.start.line, 32);
    const folds = await client.request<Array<{ startLine: number; endLine: number; kind?: string }>>(
      'textDocument/foldingRange',
      { textDocument: { uri } },
    );
    assert.ok(
      folds.some((f) => f.startLine === 13 && f.endLine === 16),
      JSON.stringify(folds),
    ); // kernel taps
    assert.ok(folds.some((f) => f.startLine === 28 && f.endLine === 30)); // for kh
    assert.ok(folds.some((f) => f.kind === 'comment' && f.startLine === 0 && f.endLine === 1));
  });

  test('semantic tokens tell the ld, ex and st instructions apart', async () => {
    const { uri, text } = client.openFile(GEMM);
    const legend = (
      capabilities.semanticTokensProvider as { legend: { tokenTypes: string[]; tokenModifiers: string[] } }
    ).legend;
    const r = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const toks: Array<{ line: number; ch: number; len: number; type: string; mods: string[] }> = [];
    let line = 0;
    let ch = 0;
    for (let i = 0; i < r.data.length; i += 5) {
      const [dl, dc, len, t, m] = r.data.slice(i, i + 5) as [number, number, number, number, number];
      line += dl;
      ch = dl ? dc : ch + dc;
      toks.push({
        line,
        ch,
        len,
        type: legend.tokenTypes[t]!,
        mods: legend.tokenModifiers.filter((_, b) => m & (1 << b)),
      });
    }
    const at = (p: { line: number; character: number }) => toks.find((t) => t.line === p.line && t.ch === p.character);
    assert.deepEqual(at(posOf(text, 'load inp'))!.mods, ['ld']);
    assert.deepEqual(at(posOf(text, 'load uop'))!.mods, ['ex']);
    assert.deepEqual(at(posOf(text, 'store out'))!.mods, ['st']);
    assert.equal(at(posOf(text, 'blk {'))!.type, 'function');
    assert.ok(at(posOf(text, 'blk {'))!.mods.includes('declaration'));
    assert.equal(at(posOf(text, 'sram=0'))!.type, 'property');
    assert.equal(at(posOf(text, '; load module'))!.type, 'comment');
  });

  test('inlay hints: SRAM rows after loads and GEMMs, queue depth after push/pop', async () => {
    const { uri, text } = client.openFile(GEMM);
    const hints = await client.request<Array<{ position: { line: number; character: number }; label: string }>>(
      'textDocument/inlayHint',
      { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } } },
    );
    const on = (needle: string) =>
      hints.filter((h) => h.position.line === posOf(text, needle).line).map((h) => h.label.trim());
    assert.deepEqual(on('load inp'), ['→INP[0..3]']);
    assert.ok(
      on('gemm blk outer').some((l) => l.includes('←WGT[0..3]') && l.includes('→ACC[0]')),
      on('gemm blk outer').join(),
    );
    assert.deepEqual(on('push ld->ex'), ['ld->ex: 1']);
    assert.deepEqual(on('pop  ld->ex'), ['ld->ex: 0']);
  });

  test('code lens, document links and code actions', async () => {
    const { uri, text } = client.openFile(GEMM);
    const lenses = await client.request<Array<{ command: { command: string; arguments: unknown[] } }>>(
      'textDocument/codeLens',
      { textDocument: { uri } },
    );
    assert.deepEqual(
      lenses.map((l) => l.command.command),
      ['vta.simulate', 'vta.debug'],
    );
    assert.deepEqual(lenses[0]!.command.arguments, [uri]);
    const noFinish = 'file:///tmp/vta-lsp-nofinish.vta';
    const body = text.replace(/\n\s*finish\s*$/, '\n');
    await client.open(noFinish, body);
    const p = await client.diagnostics(noFinish, (x) => x.diagnostics.some((d) => d.code === 'vta.finish.missing'));
    const d = p.diagnostics.find((x) => x.code === 'vta.finish.missing')!;
    const actions = await client.request<
      Array<{ title: string; edit: { changes: Record<string, Array<{ range: Range; newText: string }>> } }>
    >('textDocument/codeAction', {
      textDocument: { uri: noFinish },
      range: d.range,
      context: { diagnostics: [d] },
    });
    const fix = actions.find((a) => /finish/.test(a.title))!;
    const fixed = applyEdits(body, fix.edit.changes[noFinish]!);
    const r = assembleText(fixed, { file: '/tmp/x.vta' });
    assert.equal(r.program!.insns.at(-1)!.insn.opcode, 3);
  });

  test('formatting is idempotent and keeps the assembled bytes', async () => {
    const files = [
      ...readdirSync(`${ROOT}/examples`)
        .filter((f) => f.endsWith('.vta'))
        .map((f) => `examples/${f}`),
      OOB,
    ];
    const messy =
      'target   default\n\ndata a : inp[4]=random(seed=1)\n   kernel k { uop dst=0   src=0 }\nload uop   k ; load it\n      gemm k  reset    ; zero\n\tfinish\n';
    const cases = files.map((f) => ({ path: `${ROOT}/${f}`, text: client.openFile(f).text, uri: uriOf(f) }));
    await client.open('file:///tmp/vta-lsp-messy.vta', messy);
    cases.push({ path: '/tmp/vta-lsp-messy.vta', text: messy, uri: 'file:///tmp/vta-lsp-messy.vta' });
    for (const c of cases) {
      const edits = await client.request<Array<{ range: Range; newText: string }>>('textDocument/formatting', {
        textDocument: { uri: c.uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      const once = applyEdits(c.text, edits);
      assert.equal(bytesOf(once, c.path), bytesOf(c.text, c.path), c.path);
      const again = 'file:///tmp/vta-lsp-format-again.vta';
      await client.open(again, once);
      const edits2 = await client.request<Array<{ range: Range; newText: string }>>('textDocument/formatting', {
        textDocument: { uri: again },
        options: { tabSize: 2, insertSpaces: true },
      });
      assert.equal(applyEdits(once, edits2), once, `${c.path} is not a fixed point`);
      await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: again } });
    }
    const messyOnce = applyEdits(
      messy,
      await client.request('textDocument/formatting', {
        textDocument: { uri: 'file:///tmp/vta-lsp-messy.vta' },
        options: { tabSize: 2, insertSpaces: true },
      }),
    );
    assert.equal(
      messyOnce,
      'target default\n\ndata a : inp[4] = random(seed=1)\nkernel k { uop dst=0 src=0 }\n  load uop k       ; load it\n  gemm k reset     ; zero\n  finish\n',
    );
  });

  test('formatting random programs with scrambled spacing: fixed point, same bytes', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const r = new Rng(seed * 7 + 3);
      // Scramble the whitespace: random runs of spaces/tabs wherever there was a space, random indentation.
      const text = randomProgram(seed)
        .split('\n')
        .map((l) => ' '.repeat(r.int(0, 5)) + l.trimStart().replace(/ +/g, () => r.pick([' ', '  ', '\t', '   \t '])))
        .join('\n');
      const uri = `file:///tmp/vta-lsp-random-${seed}.vta`;
      await client.open(uri, text);
      const edits = await client.request<Array<{ range: Range; newText: string }>>('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      const once = applyEdits(text, edits);
      assert.equal(bytesOf(once, '/tmp/r.vta'), bytesOf(text, '/tmp/r.vta'), `seed ${seed}`);
      assert.doesNotMatch(once.replace(/;.*$/gm, ''), /\t/);
      await client.change(uri, [{ text: once }]);
      const again = await client.request<unknown[]>('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 2, insertSpaces: true },
      });
      assert.deepEqual(again, [], `seed ${seed}: not a fixed point`);
      await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
  });

  test('incremental edits update diagnostics', async () => {
    const uri = 'file:///tmp/vta-lsp-incremental.vta';
    const text = 'data a : inp[16]\n  load inp sram=0 dram=a y=1 x=16\n  finish\n';
    await client.open(uri, text);
    await client.settled(uri);
    assert.deepEqual(
      client.published
        .get(uri)!
        .at(-1)!
        .diagnostics.filter((d) => String(d.code).startsWith('vta.bounds')),
      [],
    );
    // sram=0 → sram=2040: out of bounds.
    await client.change(uri, [
      { range: { start: { line: 1, character: 16 }, end: { line: 1, character: 17 } }, text: '2040' },
    ]);
    const p = await client.diagnostics(uri, (x) =>
      x.version === 3 ? false : x.diagnostics.some((d) => d.code === 'vta.bounds.inp'),
    );
    assert.equal(p.diagnostics.find((d) => d.code === 'vta.bounds.inp')!.range.start.line, 1);
    // A second edit (a syntax error) replaces them.
    await client.change(uri, [
      { range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } }, text: 'lod' },
    ]);
    await client.diagnostics(uri, (x) => x.version === 3 && x.diagnostics.some((d) => d.code === 'vta.syntax.error'));
  });

  test('a garbage document never crashes the server', async () => {
    const uri = 'file:///tmp/vta-lsp-garbage.vta';
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet =
      'load inp uop gemm alu push pop ->{}()[]=,.:;"@ 0x1 kernel for in if else \n\t\\/*+-<>!&|#data const include target 999999999999999999999';
    let garbage = '';
    for (let i = 0; i < 4000; i++) garbage += alphabet[Math.floor(rnd() * alphabet.length)];
    await client.open(uri, garbage);
    const methods: Array<[string, object]> = [
      ['textDocument/hover', { position: { line: 3, character: 4 } }],
      ['textDocument/completion', { position: { line: 5, character: 2 } }],
      ['textDocument/definition', { position: { line: 1, character: 1 } }],
      ['textDocument/documentSymbol', {}],
      ['textDocument/foldingRange', {}],
      ['textDocument/semanticTokens/full', {}],
      ['textDocument/inlayHint', { range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } } }],
      ['textDocument/formatting', { options: { tabSize: 2, insertSpaces: true } }],
      ['textDocument/documentLink', {}],
      ['textDocument/codeLens', {}],
      [
        'textDocument/codeAction',
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, context: { diagnostics: [] } },
      ],
    ];
    for (const [m, extra] of methods) await client.request(m, { textDocument: { uri }, ...extra });
    for (let i = 0; i < 20; i++) {
      const line = Math.floor(rnd() * 30);
      await client.change(uri, [
        {
          range: { start: { line, character: 0 }, end: { line, character: 0 } },
          text: garbage.slice(i * 50, i * 50 + 50),
        },
      ]);
    }
    await client.settled(uri);
    assert.equal(client.exited, false);
    const { uri: good, text } = client.openFile(GEMM);
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri: good },
      position: posOf(text, 'finish'),
    });
    assert.match(h.contents.value, /FINISH/);
  });

  test('.vtasched: outline, folding, key completion, hover with layer figures, syntax and lint diagnostics', async () => {
    const { uri, text } = client.openFile('test/fixtures/schedules/resnet18-untuned.vtasched');
    const syms = await client.request<Array<{ name: string; detail: string; children: Array<{ name: string }> }>>(
      'textDocument/documentSymbol',
      { textDocument: { uri } },
    );
    const c2 = syms.find((s) => s.name === 'c2')!;
    assert.equal(c2.detail, 'conv2d');
    assert.ok(c2.children.some((c) => c.name === 'tile'));
    const folds = await client.request<Array<{ startLine: number }>>('textDocument/foldingRange', {
      textDocument: { uri },
    });
    assert.ok(folds.some((f) => f.startLine === posOf(text, 'conv2d c2').line));
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'threads', 0, 1),
    });
    assert.match(h.contents.value, /Virtual threads/);
    // The layer's figures: on its header, and on its tile and threads lines.
    const head = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'conv2d c2', 0, 8),
    });
    assert.match(head.contents.value, /1x64x56x56 → 1x64x56x56/);
    assert.match(head.contents.value, /\| INP \| 576 \| 1,152 \| 2,048 \| 56% \|/);
    assert.match(head.contents.value, /\| UOP \| 518 \| 1,036 \| 8,192 \| 13% \|/);
    assert.match(h.contents.value, /\| WGT \| 72 \| 144 \| 1,024 \| 14% \|/);
    // The timing model's estimate of the lowered layer: in the hover, and as an inlay hint on each layer that fits.
    assert.match(
      head.contents.value,
      /\*\*Estimate\*\* \(the `sim` timing model, lowered to 3,083 instructions\): ≈ [\d,]+ cycles/,
    );
    // Inlay hints show what the debounced tier has computed so far: ask until all three are there.
    let hints: Array<{ position: { line: number }; label: string }> = [];
    for (let i = 0; i < 100 && hints.length < 3; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      hints = await client.request('textDocument/inlayHint', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
      });
    }
    assert.deepEqual(
      hints.map((x) => x.position.line),
      ['conv2d c2', 'conv2d c5', 'conv2d c11'].map((x) => posOf(text, x).line),
    );
    for (const x of hints) assert.match(x.label, /^ ≈ [\d,]+ cycles \(\d+ µs\), GEMM \d+%$/);
    // "Lower to .vta" above each layer that lints clean: the client's command, for that layer.
    const allLenses = await client.request<
      Array<{ range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }>
    >('textDocument/codeLens', { textDocument: { uri } });
    // Layers with errors get one lens that says why they cannot be simulated (it opens Problems).
    const why = allLenses.filter((x) => x.command.command === 'workbench.actions.view.problems');
    assert.deepEqual(
      why.map((x) => x.range.start.line),
      ['conv2d c3', 'conv2d c4', 'conv2d c8', 'dense fc'].map((x) => posOf(text, x).line),
    );
    assert.match(why[0]!.command.title, /^⚠ Cannot simulate: INP needs 3,480 of 2,048 rows/);
    assert.match(why[1]!.command.title, /^⚠ Cannot simulate: 2 errors, first: INP needs/);
    for (const x of why) assert.ok(x.command.title.length <= 160, x.command.title);
    const lenses = allLenses.filter((x) => !why.includes(x));
    assert.deepEqual(
      lenses.map((x) => [x.range.start.line, x.command.command, ...x.command.arguments]),
      ['c2', 'c5', 'c11'].flatMap((name) => [
        [posOf(text, `conv2d ${name}`).line, 'vta.simulateScheduleLayer', uri, name],
        [posOf(text, `conv2d ${name}`).line, 'vta.lowerSchedule', uri, name],
      ]),
    );
    // The schedule lint's findings: four layers of the shipped schedule do not fit.
    const lintCodes = await client.diagnostics(uri, (x) => x.diagnostics.length > 0);
    const lineAfter = (header: string, needle: string) =>
      posOf(text.slice(text.indexOf(header)), needle).line + posOf(text, header).line;
    assert.deepEqual(
      lintCodes.diagnostics.map((d) => `${d.range.start.line} ${d.code}`),
      [
        `${lineAfter('conv2d c3', 'tile')} vtasched.bounds.inp`,
        `${lineAfter('conv2d c4', 'tile')} vtasched.bounds.inp`,
        `${lineAfter('conv2d c4', 'tile')} vtasched.bounds.acc`,
        `${lineAfter('conv2d c8', 'tile')} vtasched.bounds.inp`,
        `${lineAfter('dense fc', 'co=64')} vtasched.tile`,
      ],
    );
    // A layer over its buffers gets a quick fix: the tile that fits and moves the fewest bytes.
    const c3 = lintCodes.diagnostics.find((d) => d.message.startsWith('c3: INP needs'))!;
    const actions = await client.request<
      Array<{
        title: string;
        kind: string;
        edit: { changes: Record<string, Array<{ range: Range; newText: string }>> };
      }>
    >('textDocument/codeAction', {
      textDocument: { uri },
      range: c3.range,
      context: { diagnostics: [c3] },
    });
    assert.deepEqual(
      actions.map((x) => [x.title, x.kind]),
      [['Use tile b=1 h=14 w=14 ci=16 co=64', 'quickfix']],
    );
    const tileLine = lineAfter('conv2d c3', 'tile');
    // Only the values are replaced: `tile   b=…` keeps its alignment with the lines above.
    assert.deepEqual(actions[0]!.edit.changes[uri], [
      {
        range: {
          start: { line: tileLine, character: 9 },
          end: { line: tileLine, character: text.split('\n')[tileLine]!.trimEnd().length },
        },
        newText: 'b=1 h=14 w=14 ci=16 co=64',
      },
    ]);
    const sem = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const legend = (capabilities.semanticTokensProvider as { legend: { tokenTypes: string[] } }).legend;
    const types = new Set<string>();
    for (let i = 3; i < sem.data.length; i += 5) types.add(legend.tokenTypes[sem.data[i]!]!);
    for (const t of ['keyword', 'function', 'property', 'number', 'comment', 'parameter'])
      assert.ok(types.has(t), `${t} in ${[...types].join()}`);
    const bad = 'file:///tmp/vta-lsp-bad.vtasched';
    await client.open(
      bad,
      'target default\nconv2d c {\n  input = 1x16x8x8\n  tile b=1 zz=2\n  bogus = 3\n  \n}\ndense {\n',
    );
    const p = await client.diagnostics(bad, (x) => x.diagnostics.length >= 3);
    const codes = p.diagnostics.map((d) => d.code);
    assert.ok(codes.includes('vtasched.syntax.error'), codes.join());
    assert.ok(codes.includes('vtasched.name.key'));
    assert.ok(codes.includes('vtasched.missing'));
    const items = await client.request<Array<{ label: string }>>('textDocument/completion', {
      textDocument: { uri: bad },
      position: { line: 5, character: 2 },
    });
    assert.ok(
      items.some((i) => i.label === 'filter') && items.some((i) => i.label === 'stride'),
      items.map((i) => i.label).join(),
    );
    const sub = await client.request<Array<{ label: string }>>('textDocument/completion', {
      textDocument: { uri: bad },
      position: { line: 3, character: 16 },
    });
    assert.ok(sub.some((i) => i.label === 'co='));
    // After `tile h=` in c2 (56 output rows, w=14 ci=64 co=32, 2 threads): the divisors of 56, fitting ones first.
    const typing = 'file:///tmp/vta-lsp-typing.vtasched';
    const c2Text = text.replace('tile   b=1 h=7 w=14 ci=64 co=32', 'tile   b=1 h= w=14 ci=64 co=32');
    await client.open(typing, c2Text);
    const at = posOf(c2Text, 'h= w=14', 0, 2);
    const values = await client.request<Array<{ label: string; detail: string; sortText: string }>>(
      'textDocument/completion',
      { textDocument: { uri: typing }, position: at },
    );
    const ordered = [...values]
      .sort((x, y) => x.sortText.localeCompare(y.sortText))
      .map((v) => `${v.label} ${v.detail}`);
    // h=8: a 10x16 window of 4 blocks = 640 rows, x2 threads = 1,280 of 2,048 (63%); h=14 needs 16x16x4x2 = 2,048 (100%);
    // h=56: 58x16x4x2 = 7,424 (363%).
    assert.deepEqual(
      ordered.map((v) => v.split(' ')[0]),
      ['1', '2', '4', '7', '8', '14', '28', '56'],
    );
    assert.ok(ordered.includes('8 fits: INP 63%, WGT 14%, ACC 22%, UOP 13%'), ordered.join('\n'));
    assert.ok(ordered.includes('14 fits: INP 100%, WGT 14%, ACC 38%, UOP 13%'), ordered.join('\n'));
    assert.ok(ordered.at(-1)!.startsWith('56 over: INP 363%'), ordered.join('\n'));
  });

  test(".vtasched networks: a code lens with the total that opens the estimate view, hovers with a line's share", async () => {
    const { uri, text } = client.openFile('examples/resnet18.vtasched');
    const netLine = posOf(text, 'network resnet18 {').line;
    // The lens shows the total once the expensive tier has estimated the layers.
    let lens: { command: { title: string; command: string; arguments: unknown[] } } | undefined;
    for (let i = 0; i < 200; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      const lenses = await client.request<
        Array<{ range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } }>
      >('textDocument/codeLens', { textDocument: { uri } });
      lens = lenses.find((x) => x.range.start.line === netLine);
      if (lens && /frames\/s/.test(lens.command.title)) break;
    }
    assert.ok(lens, 'no lens above the network');
    assert.match(
      lens.command.title,
      /^Σ resnet18: \d+\.\d\d ms on VTA \+ 109\.01 ms CPU \(assumed\) → \d+\.\d\d frames\/s$/,
    );
    assert.equal(lens.command.command, 'vta.showNetworkEstimate');
    const [lensUri, name, estimate] = lens.command.arguments as [
      string,
      string,
      { rows: Array<{ name: string; share?: number }>; vtaCycles: number },
    ];
    assert.deepEqual([lensUri, name], [uri, 'resnet18']);
    assert.equal(estimate.rows.length, 18);
    const c2 = estimate.rows.find((r) => r.name === 'c2')!;
    // A line's hover: its share of the network.
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'c2 repeat=4', 0, 1),
    });
    assert.match(
      h.contents.value,
      new RegExp(`^\`c2\` x 4: ${(c2.share! * 100).toFixed(1)}% of resnet18's VTA time — [\\d,]+ cycles`),
    );
    // The layer's own hover: its share of the network, over all its lines.
    const c5rows = estimate.rows.filter((r) => r.name === 'c5');
    const layerHover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'conv2d c5', 0, 8),
    });
    assert.match(
      layerHover.contents.value,
      new RegExp(
        `\\*\\*${(c5rows.reduce((x, r) => x + r.share!, 0) * 100).toFixed(1)}%\\*\\* of network \`resnet18\`'s VTA time \\(3 runs, `,
      ),
    );
    const cpu = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'cpu fc', 0, 5),
    });
    assert.match(cpu.contents.value, /^\*\*cpu\*\* `fc` runs on the CPU: 2\.05 ms, as the schedule assumes/);
    const head = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: posOf(text, 'network resnet18 {', 0, 9),
    });
    assert.match(head.contents.value, /^\*\*network\*\* `resnet18`: 18 lines\.\n\nΣ resnet18: /);
    const syms = await client.request<Array<{ name: string; detail: string; children: Array<{ name: string }> }>>(
      'textDocument/documentSymbol',
      { textDocument: { uri } },
    );
    assert.deepEqual(
      syms
        .find((x) => x.detail === 'network')!
        .children.slice(0, 3)
        .map((c) => c.name),
      ['conv1', 'maxpool', 'c2'],
    );
    // Completion in a network: the file's layers and cpu at a line's start, then the line's keys.
    const lineStart = { line: posOf(text, 'c2 repeat=4').line, character: 2 };
    const first = await client.request<Array<{ label: string }>>('textDocument/completion', {
      textDocument: { uri },
      position: lineStart,
    });
    assert.deepEqual(
      first.map((i) => i.label),
      ['c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11', 'cpu'],
    );
    const after = await client.request<Array<{ label: string }>>('textDocument/completion', {
      textDocument: { uri },
      position: { line: posOf(text, 'cpu maxpool').line, character: 14 },
    });
    assert.deepEqual(
      after.map((i) => i.label),
      ['us=', 'repeat='],
    );
  });

  test("the bundled server also speaks node-ipc (VS Code's transport)", async () => {
    const child = fork(`${ROOT}/dist/server/lsp.js`, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    conn.listen();
    try {
      const published = new Promise<{ diagnostics: LspDiagnostic[] }>((res) =>
        conn.onNotification('textDocument/publishDiagnostics', (p: { diagnostics: LspDiagnostic[] }) => {
          if (p.diagnostics.some((d) => d.code === 'vta.finish.missing')) res(p);
        }),
      );
      const init = (await conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
      })) as { capabilities: { hoverProvider?: boolean } };
      assert.equal(init.capabilities.hoverProvider, true);
      await conn.sendNotification('initialized', {});
      await conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri: 'file:///tmp/vta-ipc.vta', languageId: 'vta', version: 1, text: '  nop ex\n' },
      });
      const p = await published;
      assert.equal(p.diagnostics.find((d) => d.code === 'vta.finish.missing')!.range.start.line, 0);
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
    } finally {
      conn.dispose();
      if (child.exitCode === null) child.kill();
    }
  });
});
