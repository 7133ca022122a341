/**
 * The language server's hover over a hex instruction word in a `.vta` comment: the
 * bundled server over JSON-RPC.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverForFile, posOf } from './lsp-harness';

const lsp = serverForFile();

test('hovering a 32-hex-digit word in a comment shows its decoding; elsewhere the usual hover', async () => {
  const uri = 'untitled:hex-notes.vta';
  const text = [
    'target default',
    '; testbench word 3: 000000010001000400000001000001a0',
    '; kernel uop[0] = 0x00000801',
    '  finish',
    '',
  ].join('\n');
  await lsp().open(uri, text);
  type H = { contents: { value: string }; range?: { start: { character: number }; end: { character: number } } } | null;
  const h = await lsp().request<H>('textDocument/hover', {
    textDocument: { uri },
    position: posOf(text, '00010004', 0, 2),
  });
  assert.ok(h);
  assert.match(h.contents.value, /LOAD ACC \(compute module\)/);
  assert.match(h.contents.value, /26-57 {2}dram_base {7}64/);
  assert.match(h.contents.value, /\.vta: load acc sram=0 dram=64 y=4 x=1/);
  assert.equal(h.range!.end.character - h.range!.start.character, 32);
  const u = await lsp().request<H>('textDocument/hover', {
    textDocument: { uri },
    position: posOf(text, '00000801', 0, 3),
  });
  assert.match(u!.contents.value, /micro-op[\s\S]*dst_idx +1/);
  const finish = await lsp().request<H>('textDocument/hover', {
    textDocument: { uri },
    position: posOf(text, 'finish', 0, 2),
  });
  assert.ok(finish && !/compute module\)\*\*/.test(finish.contents.value));
});
