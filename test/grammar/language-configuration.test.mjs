// The language configurations: comment token, bracket pairs, folding markers, indentation
// rules and word pattern, checked the way VS Code uses them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { root } from './textmate.mjs';

const load = (lang) => JSON.parse(readFileSync(path.join(root, 'language-configuration', `${lang}.json`), 'utf8'));
const LANGS = ['vta', 'vtasched'];

/**
 * Folding ranges from the markers alone, as VS Code's indentation range provider pairs them:
 * lines are read bottom-up, an end marker is pushed, a start marker takes the nearest end
 * below it. Returns the ranges (0-based [start, end]) and the markers left unpaired.
 */
function markerFolds(text, markers) {
  const start = new RegExp(markers.start);
  const end = new RegExp(markers.end);
  const both = new RegExp(`(${start.source})|(?:${end.source})`, start.flags);
  const lines = text.split('\n');
  const ends = [];
  const ranges = [];
  let unpairedStarts = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = lines[i].match(both);
    if (!m) continue;
    if (m[1]) {
      if (ends.length) ranges.unshift([i, ends.pop()]);
      else unpairedStarts++;
    } else {
      ends.push(i);
    }
  }
  return { ranges: ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]), unpairedStarts, unpairedEnds: ends.length };
}

const words = (conf, line) => line.match(new RegExp(conf.wordPattern, 'g')) ?? [];

for (const lang of LANGS) {
  test(`${lang}: comments, brackets, auto-closing and surrounding pairs`, () => {
    const c = load(lang);
    assert.equal(c.comments.lineComment, ';');
    assert.deepEqual(c.brackets, [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
    ]);
    const autoClosed = c.autoClosingPairs.map((p) => p.open + p.close);
    assert.deepEqual(autoClosed, ['{}', '[]', '()', '""']);
    for (const p of c.autoClosingPairs) assert.deepEqual(p.notIn, ['string', 'comment']);
    assert.deepEqual(
      c.surroundingPairs.map((p) => p.join('')),
      ['{}', '[]', '()', '""'],
    );
  });

  test(`${lang}: every example's folding markers pair up`, () => {
    const c = load(lang);
    const dir = path.join(root, 'examples');
    const all = (d) =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? all(path.join(d, e.name)) : [path.join(d, e.name)],
      );
    const files = all(dir).filter((f) => f.endsWith(`.${lang}`));
    assert.ok(files.length > 0);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const { ranges, unpairedStarts, unpairedEnds } = markerFolds(text, c.folding.markers);
      assert.equal(unpairedStarts, 0, `${f}: a block start without an end`);
      assert.equal(unpairedEnds, 0, `${f}: a block end without a start`);
      // As many folds as lines ending in "{" (no example puts an else on a closing line).
      const opens = text.split('\n').filter((l) => /\{\s*(;.*)?$/.test(l)).length;
      assert.equal(ranges.length, opens, f);
    }
  });
}

test('vta: folding covers blocks, nests, keeps if/else together and ignores braces in comments and strings', () => {
  const c = load('vta');
  const text = [
    'kernel k(a) {', //           0
    '  for c in 0..4 {', //       1
    '    uop dst=c src=c', //     2
    '  }', //                     3
    '  if a > 0 {     ; x', //    4
    '    uop dst=0 src=0', //     5
    '  } else {', //              6
    '    uop dst=1 src=1 }', //   7
    '}  // end', //               8
    'kernel one { uop dst=0 src=0 }', // 9
    '; a { in a comment', //      10
    'include "a{b"', //           11
    '; region setup', //          12
    'const A = 1', //             13
    '; endregion', //             14
  ].join('\n');
  const { ranges, unpairedStarts, unpairedEnds } = markerFolds(text, c.folding.markers);
  assert.deepEqual(ranges, [
    [0, 8],
    [1, 3],
    [4, 7],
    [12, 14],
  ]);
  assert.equal(unpairedStarts, 0);
  assert.equal(unpairedEnds, 0);
});

test('vta: gemv-two-threads folds the loop and both ifs', () => {
  const c = load('vta');
  const lines = readFileSync(path.join(root, 'examples', 'gemv-two-threads.vta'), 'utf8').split('\n');
  const at = (s, from = 0) => lines.findIndex((l, i) => i >= from && l.startsWith(s));
  const loop = at('for j in 0..CO {');
  const if1 = at('  if j >= 2 {');
  const if2 = at('  if j + 2 < CO {');
  const expected = [
    [loop, at('}', loop)],
    [if1, at('  }', if1)],
    [if2, at('  }', if2)],
  ];
  assert.ok(expected.flat().every((n) => n > 0));
  assert.deepEqual(markerFolds(lines.join('\n'), c.folding.markers).ranges, expected);
});

test('vtasched: each layer folds', () => {
  const c = load('vtasched');
  const text = [
    'conv2d c2 {',
    '  input = 1x64x56x56',
    '}',
    'dense fc { input = 1x512 }',
    'dense fc2 {  ; last',
    '  input = 1x512',
    '}',
  ].join('\n');
  assert.deepEqual(markerFolds(text, c.folding.markers).ranges, [
    [0, 2],
    [4, 6],
  ]);
});

for (const lang of LANGS) {
  test(`${lang}: indentation rules`, () => {
    const { increaseIndentPattern: inc, decreaseIndentPattern: dec } = load(lang).indentationRules;
    const increases = (l) => new RegExp(inc).test(l);
    const decreases = (l) => new RegExp(dec).test(l);
    for (const l of [
      'for j in 0..CO {',
      'kernel taps(kh) {   ; comment',
      '  } else {',
      'conv2d c2 {',
      'if j >= 2 { // why',
    ]) {
      assert.ok(increases(l), `should indent after: ${l}`);
    }
    for (const l of ['kernel blk { uop dst=0 src=0 wgt=0 }', '; a comment {', 'include "a{"', '  gemm k', '}']) {
      assert.ok(!increases(l), `should not indent after: ${l}`);
    }
    for (const l of ['}', '  }', '  } else {']) assert.ok(decreases(l), `should outdent: ${l}`);
    for (const l of ['  uop dst=0 src=0 }', 'kernel k {', '  gemm k'])
      assert.ok(!decreases(l), `should not outdent: ${l}`);
  });
}

test('vta: word pattern keeps queue names, operand keys and numbers whole', () => {
  const c = load('vta');
  assert.deepEqual(words(c, '  pop  ld->ex ; st->ex'), ['pop', 'ld->ex', 'st->ex']);
  assert.deepEqual(words(c, '  push ex->ld'), ['push', 'ex->ld']);
  assert.deepEqual(words(c, '  gemm blk(j, 2) outer=4 dst_out=1 src_in=0x1F_ff'), [
    'gemm',
    'blk',
    'j',
    '2',
    'outer',
    '4',
    'dst_out',
    '1',
    'src_in',
    '0x1F_ff',
  ]);
  assert.deepEqual(words(c, 'data t : acc8[4] @ 64'), ['data', 't', 'acc8', '4', '64']);
  assert.deepEqual(words(c, '  gemm uop=0..4 reset'), ['gemm', 'uop', '0', '4', 'reset']);
  assert.deepEqual(words(c, 'x->y a-b'), ['x', 'y', 'a', 'b']);
});

test('vtasched: word pattern keeps shapes and operator names whole', () => {
  const c = load('vtasched');
  assert.deepEqual(words(c, '  input  = 1x64x56x56'), ['input', '1x64x56x56']);
  assert.deepEqual(words(c, 'conv2d_transpose up {'), ['conv2d_transpose', 'up']);
  assert.deepEqual(words(c, '  tile b=1 ci=64'), ['tile', 'b', '1', 'ci', '64']);
});
