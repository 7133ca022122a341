/**
 * The editor's tuning of schedule layers, through the real language server: the layer's
 * hover lists its five fastest schedules once the worker has ranked them, and "Use the
 * fastest schedule" writes those knobs in place (the result lints clean).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { lintSchedule, parseSchedule } from '../../core/schedule';
import { applyEdits } from '../../core/schedule/knob-edits';
import { ensureBuilt, LspClient } from './lsp-harness';

const uri = 'file:///tmp/vta-lsp-tuning.vtasched';
const text = `target default

conv2d layer {
  input  = 1x32x8x8
  filter = 32x32x3x3
  pad    = 1
  tile   b=1 h=2 w=8 ci=16 co=16   ; small tiles
  threads oc=1
}
`;

let client: LspClient;
before(async () => {
  ensureBuilt();
  client = new LspClient();
  await client.initialize();
  await client.open(uri, text);
});
after(async () => client.shutdown());

test('hover on a layer lists its five fastest schedules; the code action writes the fastest', async () => {
  const header = { line: 2, character: 9 };
  let value = '';
  for (let i = 0; i < 150 && !value.includes('| 5 |'); i++) {
    const h = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: header,
    });
    value = h.contents.value;
    if (!value.includes('| 5 |')) {
      assert.match(value, /Fastest schedules\*\*: the timing model is ranking/);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  assert.match(
    value,
    /\*\*Fastest schedules\*\* \(timing model; \d+ schedules lint clean, \d+ simulated; this layer's own knobs: [\d,]+ cycles\)/,
  );
  const cycles = [...value.matchAll(/^\| \d \| `tile [^`]+` \| `threads [^`]+` \| ([\d,]+) \|/gm)].map((m) =>
    Number(m[1]!.replace(/,/g, '')),
  );
  assert.equal(cycles.length, 5);
  assert.deepEqual(
    cycles,
    [...cycles].sort((a, b) => a - b),
  );

  const actions = await client.request<
    Array<{ title: string; kind: string; edit: { changes: Record<string, Array<{ range: never; newText: string }>> } }>
  >('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 5, character: 2 }, end: { line: 5, character: 2 } },
    context: { diagnostics: [] },
  });
  const use = actions.find((a) => a.title.startsWith('Use the fastest schedule'));
  assert.ok(use, JSON.stringify(actions.map((a) => a.title)));
  assert.equal(use.kind, 'refactor.rewrite');
  const tuned = applyEdits(text, use.edit.changes[uri]!);
  assert.match(tuned, /\n {2}tile {3}b=1 h=\d+ w=\d+ ci=\d+ co=\d+ {3}; small tiles\n/);
  const lint = lintSchedule(parseSchedule(tuned));
  assert.deepEqual(
    lint.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const l = lint.layers[0]!.layer;
  assert.ok(
    use.title.includes(`tile b=${l.tile.b} h=${l.tile.h} w=${l.tile.w} ci=${l.tile.ci} co=${l.tile.co}`),
    use.title,
  );
  assert.match(use.title, new RegExp(`\\(${cycles[0]!.toLocaleString('en-US')} cycles`));
  // Outside any layer: no such action.
  const none = await client.request<Array<{ title: string }>>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [] },
  });
  assert.ok(!none.some((a) => a.title.startsWith('Use the fastest')));
});
