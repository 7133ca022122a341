// Each example's result against a plain computation of what the program means
// (convolution, matrix-vector product, …), not against another ISA interpreter.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { assembleText } from '../../core/asm';
import { simulate } from '../../core/sim';

function run(file: string) {
  const p = assembleText(readFileSync(file, 'utf8'), { file }).program!;
  const r = simulate(p);
  assert.equal(r.status, 'finished', r.error?.message);
  const tensor = (name: string, from: Uint8Array) => {
    const t = p.layout.tensors.find((x) => x.name === name)!;
    return from.subarray(t.byteOffset, t.byteOffset + t.count * t.elemBytes);
  };
  return {
    p,
    before: (n: string) => new Int8Array(tensor(n, p.dram).slice().buffer),
    after: (n: string) => new Int8Array(tensor(n, r.dram).slice().buffer),
    before32: (n: string) => new Int32Array(tensor(n, p.dram).slice().buffer),
  };
}

const int8 = (v: number) => ((v & 0xff) << 24) >> 24;
const relu = (v: number) => Math.max(v, 0);

test('gemm-block.vta: y = int8((relu(act · wᵀ)) >> 4)', () => {
  const { before, after } = run('examples/gemm-block.vta');
  const act = before('act'); // [k][i]
  const w = before('w'); // [k][o][i]
  const want: number[] = [];
  for (let o = 0; o < 16; o++) {
    let s = 0;
    for (let k = 0; k < 4; k++) for (let i = 0; i < 16; i++) s += act[k * 16 + i]! * w[k * 256 + o * 16 + i]!;
    want.push(int8(relu(s) >> 4));
  }
  assert.deepEqual([...after('y')], want);
});

test('gemv-two-threads.vta: the matrix-vector product, ReLU, >> 6', () => {
  const { before, after } = run('examples/gemv-two-threads.vta');
  const x = before('x'); // 16 blocks × 16 input channels
  const w = before('w'); // (j·16 + k) blocks of [o][i]
  const want: number[] = [];
  for (let j = 0; j < 4; j++) {
    for (let o = 0; o < 16; o++) {
      let s = 0;
      for (let k = 0; k < 16; k++)
        for (let i = 0; i < 16; i++) s += x[k * 16 + i]! * w[(j * 16 + k) * 256 + o * 16 + i]!;
      want.push(int8(relu(s) >> 6));
    }
  }
  assert.deepEqual([...after('y')], want);
});

test('conv3x3.vta: direct 3×3 convolution with zero padding, then ReLU and >> 5', () => {
  const { before, after } = run('examples/conv3x3.vta');
  const x = before('x'); // [h][w][c], 6×6×16
  const k = before('k'); // [kh·3 + kw][o][i]
  const H = 6;
  const W = 6;
  const at = (h: number, w: number, c: number) => (h < 0 || w < 0 || h >= H || w >= W ? 0 : x[(h * W + w) * 16 + c]!);
  const want: number[] = [];
  for (let h = 0; h < H; h++) {
    for (let w = 0; w < W; w++) {
      for (let o = 0; o < 16; o++) {
        let s = 0;
        for (let kh = 0; kh < 3; kh++)
          for (let kw = 0; kw < 3; kw++)
            for (let i = 0; i < 16; i++) s += at(h + kh - 1, w + kw - 1, i) * k[(kh * 3 + kw) * 256 + o * 16 + i]!;
        want.push(int8(relu(s) >> 5));
      }
    }
  }
  assert.deepEqual([...after('y')], want);
});

test('elementwise.vta: clip(((a + b) · 3) >> 2, −128, 127) with int32 wrap-around', () => {
  const { before32, after } = run('examples/elementwise.vta');
  const a = before32('a');
  const b = before32('b');
  const want = [...a].map((v, n) => {
    const sum = (v + b[n]!) | 0;
    const scaled = Math.imul(sum, 3) >> 2;
    return int8(Math.min(Math.max(scaled, -128), 127));
  });
  assert.deepEqual([...after('y')], want);
});
