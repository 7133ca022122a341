import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loopRows } from '../../core/analysis/access';
import { Rng } from '../support/random-program';

/** The rows {idx[u] + i·fo + j·fi} below depth as sorted half-open intervals, by listing them all. */
function bruteRows(idx: number[], io: number, fo: number, ii: number, fi: number, depth: number): number[] {
  const set = new Set<number>();
  for (const b of idx)
    for (let i = 0; i < io; i++)
      for (let j = 0; j < ii; j++) if (b + i * fo + j * fi < depth) set.add(b + i * fo + j * fi);
  const vals = [...set].sort((a, b) => a - b);
  const rows: number[] = [];
  for (const v of vals) {
    if (rows.length && rows[rows.length - 1] === v) rows[rows.length - 1] = v + 1;
    else rows.push(v, v + 1);
  }
  return rows;
}

test('GEMM/ALU rows are exact for every loop shape, the consecutive shortcuts included', () => {
  const r = new Rng(5);
  for (let k = 0; k < 5000; k++) {
    const idx = Array.from({ length: r.int(1, 3) }, () => r.int(0, 40));
    const io = r.int(0, 6),
      ii = r.int(0, 6);
    // Factors 0 and 1 and the row-major case (fo = ii) are the shortcuts; others go the long way.
    const fo = r.pick([0, 1, ii, r.int(0, 9)]),
      fi = r.pick([0, 1, r.int(0, 9)]);
    const depth = r.int(1, 64);
    const got = loopRows(idx, io, fo, ii, fi, depth, 'acc', true, 'test');
    const what = JSON.stringify({ idx, io, fo, ii, fi, depth });
    assert.deepEqual(got.rows, bruteRows(idx, io, fo, ii, fi, depth), what);
    if (io > 0 && ii > 0) assert.equal(got.max, Math.max(...idx) + (io - 1) * fo + (ii - 1) * fi, what);
  }
});

test('GEMM/ALU rows stay exact on the bitset path (many micro-ops, both loops moving)', () => {
  const r = new Rng(7);
  for (let k = 0; k < 300; k++) {
    const idx = Array.from({ length: r.int(1, 90) }, () => r.int(0, 700));
    const io = r.int(1, 80),
      ii = r.int(1, 80);
    const fo = r.int(1, 40),
      fi = r.int(1, 9);
    const depth = r.pick([64, 100, 1000, 2048]);
    const got = loopRows(idx, io, fo, ii, fi, depth, 'acc', true, 'test');
    const what = JSON.stringify({ idx, io, fo, ii, fi, depth });
    assert.equal(got.approx, undefined, what);
    assert.deepEqual(got.rows, bruteRows(idx, io, fo, ii, fi, depth), what);
  }
});

test('GEMM/ALU row work depends on the buffer, not on the loop counts', () => {
  // 8,192 micro-ops over 16,383 × 16,383 iterations: listing the rows would take 2^41 steps.
  const idx = Array.from({ length: 8192 }, (_, u) => (u * 7) % 2048);
  const work = { units: 0 };
  const got = loopRows(idx, 16383, 3, 16383, 5, 2048, 'acc', true, 'test', work);
  assert.deepEqual(got.rows, [0, 2048]);
  assert.equal(got.max, 2047 + 16382 * 3 + 16382 * 5);
  assert.ok(work.units < 1 << 20, `work ${work.units}`);
});
