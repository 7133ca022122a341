/**
 * The language server as a first-time user meets it, over stdio: hovers that lead with
 * what matters, push/pop hovers that name the instruction carrying the flag, spaced
 * inlay hints, an Outline with the three modules, quick fixes offered once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serverForFile, posOf, type LspDiagnostic } from './lsp-harness';

const lsp = serverForFile();

type Hover = { contents: { value: string } };
type Symbol = { name: string; detail: string; range: LspDiagnostic['range']; children?: Symbol[] };

describe('vta lsp --stdio: what a user sees', () => {
  test('a GEMM hover shows the SRAM rows and the tokens before the bit table', async () => {
    const { uri, text } = lsp().openFile('examples/gemm-block.vta');
    const v = (
      await lsp().request<Hover>('textDocument/hover', {
        textDocument: { uri },
        position: posOf(text, 'gemm blk outer=4', 0, 1),
      })
    ).contents.value;
    const rows = v.indexOf('SRAM rows:');
    const tokens = v.indexOf('Tokens (in text order)');
    const table = v.indexOf('| field | value | bits |');
    assert.ok(rows > 0 && tokens > rows && table > tokens, v);
    assert.ok(v.indexOf('Encoding:') > tokens, 'the encoding follows the useful part');
  });

  test('push and pop hovers name the instruction that carries the flag', async () => {
    const { uri, text } = lsp().openFile('examples/gemm-block.vta');
    const push = (
      await lsp().request<Hover>('textDocument/hover', {
        textDocument: { uri },
        position: posOf(text, 'push ld->ex', 0, 1),
      })
    ).contents.value;
    const loadLine = text.split('\n').findIndex((l) => /^\s*load wgt/.test(l)) + 1;
    assert.match(
      push,
      new RegExp(
        `Carried by \\*\\*LOAD\\*\\* #1 \\(line ${loadLine}\\): \`load wgt [^\`]*\`, which sets \`push_next_dep\``,
      ),
    );
    const pop = (
      await lsp().request<Hover>('textDocument/hover', {
        textDocument: { uri },
        position: posOf(text, 'pop  ld->ex', 0, 1),
      })
    ).contents.value;
    assert.match(pop, /Carried by \*\*GEMM\*\* #\d+ \(line \d+\): `gemm blk reset`, which sets `pop_prev_dep`/);
    // A push that no instruction can carry is carried by the nop the assembler inserts.
    const nopUri = 'file:///tmp/vta-lsp-ux-nop.vta';
    const nopText = 'target default\npush ld->ex\npop ld->ex\nfinish\n';
    await lsp().open(nopUri, nopText);
    await lsp().diagnostics(nopUri, () => true);
    const nop = (
      await lsp().request<Hover>('textDocument/hover', {
        textDocument: { uri: nopUri },
        position: { line: 1, character: 1 },
      })
    ).contents.value;
    assert.match(nop, /Carried by a `nop ld` the assembler inserted, which sets `push_next_dep`/);
  });

  test('inlay hints start with a space', async () => {
    const { uri, text } = lsp().openFile('examples/gemv-two-threads.vta');
    const hints = await lsp().request<Array<{ position: { line: number; character: number }; label: string }>>(
      'textDocument/inlayHint',
      { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 80, character: 0 } } },
    );
    assert.ok(hints.length >= 8, JSON.stringify(hints));
    const lines = text.split('\n');
    for (const h of hints) {
      assert.match(h.label, /^ \S/, JSON.stringify(h));
      // Placed at the end of the statement, not at the start of the next line.
      assert.ok(
        h.position.character > 0 && lines[h.position.line]!.slice(0, h.position.character).trim().length > 0,
        JSON.stringify(h),
      );
    }
  });

  test('the Outline lists the three modules with their instruction lines, and the labels', async () => {
    const uri = 'file:///tmp/vta-lsp-ux-outline.vta';
    const text = [
      'target default',
      'data x : inp[16]',
      'data y : out[16]',
      'kernel k { uop dst=0 src=0 }',
      'start:',
      '  load inp sram=0 dram=x y=1 x=1',
      '  push ld->ex',
      'compute:',
      '  pop ld->ex',
      '  load uop k',
      '  alu add k imm=1',
      '  push ex->st',
      'for i in 0..2 {',
      '  alu max k imm=0',
      '}',
      '  pop ex->st',
      '  store out sram=0 dram=y y=1 x=1',
      '  finish',
      '',
    ].join('\n');
    await lsp().open(uri, text);
    await lsp().diagnostics(uri, () => true);
    const syms = await lsp().request<Symbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const names = syms.map((s) => s.name);
    assert.ok(names.includes('start') && names.includes('compute'), names.join());
    const mod = (n: string) => syms.find((s) => s.name === n)!;
    assert.deepEqual(
      ['load module', 'compute module', 'store module'].map((n) => mod(n).detail),
      ['1 instruction', '5 instructions from 4 lines', '1 instruction'],
    );
    assert.deepEqual(
      mod('compute module').children!.map((c) => c.name),
      ['load uop', 'alu add', 'alu max', 'finish'],
    );
    assert.deepEqual(
      mod('store module').children!.map((c) => [c.name, c.range.start.line]),
      [['store out', 16]],
    );
    assert.equal(mod('load module').children![0]!.detail, 'start:');
  });

  test('a pop both unbalanced and deadlocked offers "remove this pop" once, for both findings', async () => {
    const uri = 'file:///tmp/vta-lsp-ux-dedupe.vta';
    const text = [
      'target default',
      'data x : inp[16]',
      '',
      '    load inp sram=0 dram=x y=1 x=1',
      '    push ld->ex',
      '    pop ld->ex',
      '    nop ex',
      '    pop ld->ex',
      '    finish',
      '',
    ].join('\n');
    await lsp().open(uri, text);
    const p = await lsp().diagnostics(uri, (x) => x.diagnostics.some((d) => d.code === 'vta.tokens.deadlock'), 30_000);
    const here = p.diagnostics.filter((d) => d.range.start.line === 7);
    assert.deepEqual(here.map((d) => d.code).sort(), ['vta.tokens.balance', 'vta.tokens.deadlock']);
    const actions = await lsp().request<
      Array<{
        title: string;
        diagnostics: LspDiagnostic[];
        edit: { changes: Record<string, Array<{ newText: string }>> };
      }>
    >('textDocument/codeAction', {
      textDocument: { uri },
      range: here[0]!.range,
      context: { diagnostics: here },
    });
    const removes = actions.filter((a) => a.title === 'remove this pop ld->ex');
    assert.equal(removes.length, 1, actions.map((a) => a.title).join(' | '));
    assert.equal(removes[0]!.diagnostics.length, 2);
    // The push the deadlock needs comes with the nop that carries it, at the program's indentation.
    const push = actions.find((a) => a.title.startsWith('push ld->ex'))!;
    assert.equal(push.edit.changes[uri]![0]!.newText, '    nop ld\n    push ld->ex\n');
  });
});
