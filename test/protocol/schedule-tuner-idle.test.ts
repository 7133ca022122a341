/**
 * The schedule tuner's worker (the real bundled dist/server/tune-worker.js) stops once
 * idle and starts again on the next request: it holds tens of MB of the language
 * server's memory, and tunings come in bursts.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { lintSchedule, parseSchedule } from '../../core/schedule';
import { ScheduleTuner } from '../../server/lsp/schedule-tuner';
import { ROOT, ensureBuilt } from './lsp-harness';

const layerOf = (text: string) => {
  const lint = lintSchedule(parseSchedule(text), { file: '/t.vtasched' });
  return { layer: lint.layers[0]!.layer, target: lint.target! };
};

test('an idle tuning worker is stopped, and a new tuning starts one again', { timeout: 120_000 }, async () => {
  ensureBuilt();
  let ready = () => {};
  const tuner = new ScheduleTuner(() => ready(), resolve(ROOT, 'dist/server/tune-worker.js'), 100);
  // The tuner's worker never keeps a process alive: the test does while it waits.
  const alive = setInterval(() => {}, 1000);
  const tuned = (l: ReturnType<typeof layerOf>) =>
    new Promise<void>((r) => {
      ready = r;
      assert.equal(tuner.tuning(l.layer, l.target), undefined);
      assert.ok(tuner.loaded, 'a worker runs the tuning');
    });
  try {
    const a = layerOf('dense fc {\n  input  = 1x64\n  weight = 32x64\n}\n');
    await tuned(a);
    assert.ok(tuner.tuning(a.layer, a.target)?.top.length, 'the tuning is kept');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(tuner.loaded, false, 'stopped 100 ms after its last tuning');
    const b = layerOf('dense fc {\n  input  = 1x128\n  weight = 64x128\n}\n');
    await tuned(b);
    assert.ok(tuner.tuning(b.layer, b.target)?.top.length);
  } finally {
    clearInterval(alive);
    tuner.dispose();
  }
});
