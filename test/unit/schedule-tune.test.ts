/**
 * Auto-scheduling: the pruned search returns what running the timing model on every
 * clean schedule would; the lower bound never exceeds the model; every candidate lints
 * clean as written back into the file; `vta tune -o` changes only knob values.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintSchedule, parseSchedule, type LayerFigures } from '../../core/schedule';
import { applyEdits, knobEdits } from '../../core/schedule/knob-edits';
import { cleanSchedules, cyclesLowerBound, tuneLayer } from '../../core/schedule/tune';
import { timingModelEstimate } from '../../core/schedule/tune-estimator';

const SOURCE = `target default

; two small layers
conv2d small {
  input  = 1x32x8x8
  filter = 32x32x3x3
  pad    = 1
  tile   b=1 h=4 w=8 ci=16 co=16   ; a first guess
  threads oc=2
  epilogue shr 8, max 0
}

dense fc {
  input  = 1x64
  weight = 48x64
  tile   b=1 ci=32 co=16
}
`;

function linted(text = SOURCE) {
  const ast = parseSchedule(text);
  const lint = lintSchedule(ast);
  assert.ok(lint.target);
  return { ast, lint, target: lint.target };
}

test('tune: the pruned search finds the same five fastest schedules as the model run on every candidate', () => {
  const { lint, target } = linted();
  for (const f of lint.layers) {
    const all = cleanSchedules(f.layer, target)
      .map((c) => ({ c, e: timingModelEstimate(c, target) }))
      .filter((x): x is { c: LayerFigures; e: NonNullable<typeof x.e> } => x.e !== undefined)
      .map((x) => x.e.cycles)
      .sort((a, b) => a - b);
    const r = tuneLayer(f.layer, target, timingModelEstimate);
    assert.equal(r.candidates, cleanSchedules(f.layer, target).length);
    assert.deepEqual(
      r.top.map((s) => s.cycles),
      all.slice(0, 5),
      f.layer.name,
    );
    assert.ok(r.baseline && r.best && r.best.cycles <= r.baseline.cycles);
    assert.ok(r.estimated <= r.candidates + 1);
  }
});

const MORE = `target default

conv2d grouped {
  input  = 1x64x8x8
  filter = 64x16x3x3
  groups = 4
  pad    = 1
  stride = 2
  epilogue shr 4
}

conv2d_transpose up {
  input  = 1x32x4x4
  filter = 32x16x4x4
  pad    = 1
  stride = 2
}
`;

test('tune: the lower bound never exceeds the timing model (convolutions, dense, groups, transposed)', () => {
  const { lint, target } = linted(SOURCE + MORE.replace('target default', ''));
  assert.deepEqual(
    lint.layers.map((f) => f.layer.name),
    ['small', 'fc', 'grouped', 'up'],
  );
  for (const f of lint.layers) {
    const all = cleanSchedules(f.layer, target);
    assert.ok(all.length > 0, f.layer.name);
    for (const c of all) {
      const e = timingModelEstimate(c, target);
      assert.ok(e, `${f.layer.name} ${JSON.stringify(c.layer.tile)} estimates`);
      assert.ok(
        cyclesLowerBound(c, target) <= e.cycles,
        `${JSON.stringify(c.layer.tile)} ${JSON.stringify(c.layer.threads)}: bound ${cyclesLowerBound(c, target)} > ${e.cycles}`,
      );
    }
  }
});

test('tune: every candidate, written back into the file, lints clean', () => {
  const { lint, target } = linted();
  const f = lint.layers[0]!;
  const cands = cleanSchedules(f.layer, target);
  assert.ok(cands.length > 20);
  for (const c of cands) {
    const text = applyEdits(SOURCE, knobEdits(f.layer, { tile: c.layer.tile, threads: c.layer.threads }));
    const again = lintSchedule(parseSchedule(text));
    assert.deepEqual(
      again.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
      [],
      text,
    );
    const back = again.layers[0]!.layer;
    assert.deepEqual([back.tile, back.threads], [c.layer.tile, c.layer.threads]);
  }
});

test('knob edits replace only the values that change and keep spacing and comments', () => {
  const { lint } = linted();
  const l = lint.layers[0]!.layer;
  const text = applyEdits(
    SOURCE,
    knobEdits(l, { tile: { b: 1, h: 8, w: 8, ci: 16, co: 16 }, threads: { oc: 1, h: 2 } }),
  );
  assert.match(text, /\n {2}tile {3}b=1 h=8 w=8 ci=16 co=16 {3}; a first guess\n/);
  assert.match(text, /\n {2}threads oc=1 h=2\n/);
  assert.equal(text.replace(/\n {2}tile.*\n {2}threads.*\n/, ''), SOURCE.replace(/\n {2}tile.*\n {2}threads.*\n/, ''));
  // No tile line: one is added after the header when the knobs differ from the defaults.
  const bare = SOURCE.replace('  tile   b=1 ci=32 co=16\n', '');
  const fcLayer = lintSchedule(parseSchedule(bare)).layers[1]!.layer;
  const added = applyEdits(
    bare,
    knobEdits(fcLayer, { tile: { b: 1, h: 1, w: 1, ci: 32, co: 16 }, threads: { oc: 1, h: 1 } }),
  );
  assert.match(added, /dense fc \{\n {2}tile b=1 ci=32 co=16\n/);
});

test('vta tune: JSON in the documented shape, and -o writes the fastest knobs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-tune-'));
  const src = join(dir, 'two.vtasched');
  writeFileSync(src, SOURCE);
  const out = join(dir, 'tuned.vtasched');
  const r = spawnSync(process.execPath, ['bin/vta.cjs', 'tune', src, '--format', 'json', '-o', out], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as Array<{
    layer: string;
    candidates: number;
    baseline: { cycles: number } | null;
    best: {
      tile: Record<string, number>;
      threads: Record<string, number>;
      cycles: number;
      microseconds: number;
      gemmUtilisation: number;
    };
    top: unknown[];
  }>;
  assert.deepEqual(
    rows.map((x) => x.layer),
    ['small', 'fc'],
  );
  for (const x of rows) {
    assert.deepEqual(Object.keys(x.best.tile).sort(), ['b', 'ci', 'co', 'h', 'w']);
    assert.ok(x.top.length >= 1 && x.top.length <= 5);
    assert.ok(x.baseline && x.best.cycles <= x.baseline.cycles);
  }
  const written = lintSchedule(parseSchedule(readFileSync(out, 'utf8')));
  assert.deepEqual(
    written.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  for (const x of rows) {
    const l = written.layers.find((f) => f.layer.name === x.layer)!.layer;
    assert.deepEqual(
      { b: l.tile.b, ci: l.tile.ci, co: l.tile.co, oc: l.threads.oc },
      { b: x.best.tile.b, ci: x.best.tile.ci, co: x.best.tile.co, oc: x.best.threads.oc },
    );
  }
  const bad = spawnSync(process.execPath, ['bin/vta.cjs', 'tune', src, '--layer', 'nosuch'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /no layer named 'nosuch'.*small, fc/);
});
