/**
 * Lowered schedules compute their layers: each random layer is lowered, assembled,
 * checked (no error or warning, tokens and hazards included), run in the functional
 * simulator, and its output compared with a plain convolution over the same input and
 * weights, read back from the program's DRAM image.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { lintSchedule } from '../../core/schedule';
import { assembleText, memoryHost } from '../../core/asm';
import { loweredSize, lowerSchedule, regionTokens } from '../../core/schedule';
import { checkProgram } from '../../core/analysis/check';
import { checkLoweredLayers } from '../../core/schedule/lowered-checks';
import { DEFAULT_CONFIG_KEYS, defaultTarget } from '../../core/isa';
import { parseSchedule } from '../../core/schedule';
import type { Program } from '../../core/program/program';
import { simulate } from '../../core/sim';

interface Conv {
  n: number;
  c: number;
  h: number;
  w: number;
  o: number;
  kh: number;
  kw: number;
  pad: number;
  stride: number;
  groups: number;
  epilogue: Array<[string, number]>;
}

function tensor(p: Program, name: string): Int8Array {
  const t = p.layout.tensors.find((x) => x.name === name)!;
  return new Int8Array(p.dram.buffer, p.dram.byteOffset + t.byteOffset, t.count * t.elemBytes);
}

/** The layer computed directly: int32 sums that wrap, the epilogue, then the low 8 bits. */
function reference(L: Conv, x: Int8Array, wt: Int8Array, batch: number, bi: number, bo: number): Int8Array {
  const oh = Math.floor((L.h + 2 * L.pad - L.kh) / L.stride) + 1;
  const ow = Math.floor((L.w + 2 * L.pad - L.kw) / L.stride) + 1;
  const ig = L.c / L.groups;
  const og = L.o / L.groups;
  const inAt = (n: number, c: number, y: number, xx: number) =>
    x[
      ((((Math.floor(n / batch) * (L.c / bi) + Math.floor(c / bi)) * L.h + y) * L.w + xx) * batch + (n % batch)) * bi +
        (c % bi)
    ]!;
  const wAt = (o: number, i: number, ky: number, kx: number) =>
    wt[
      ((((Math.floor(o / bo) * (ig / bi) + Math.floor(i / bi)) * L.kh + ky) * L.kw + kx) * bo + (o % bo)) * bi +
        (i % bi)
    ]!;
  const out = new Int8Array(L.n * L.o * oh * ow);
  for (let n = 0; n < L.n; n++)
    for (let o = 0; o < L.o; o++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          const g = Math.floor(o / og);
          let acc = 0;
          for (let i = 0; i < ig; i++)
            for (let ky = 0; ky < L.kh; ky++)
              for (let kx = 0; kx < L.kw; kx++) {
                const iy = y * L.stride - L.pad + ky;
                const ix = xx * L.stride - L.pad + kx;
                if (iy < 0 || ix < 0 || iy >= L.h || ix >= L.w) continue;
                acc = (acc + inAt(n, g * ig + i, iy, ix) * wAt(o, i, ky, kx)) | 0;
              }
          for (const [op, v] of L.epilogue) {
            acc =
              op === 'min'
                ? Math.min(acc, v)
                : op === 'max'
                  ? Math.max(acc, v)
                  : op === 'add'
                    ? (acc + v) | 0
                    : op === 'mul'
                      ? Math.imul(acc, v)
                      : acc >> v;
          }
          const e = ((Math.floor(n / batch) * (L.o / bo) + Math.floor(o / bo)) * oh + y) * ow + xx;
          out[(e * batch + (n % batch)) * bo + (o % bo)] = acc; // Int8Array keeps the low 8 bits
        }
  return out;
}

function lowerAndRun(text: string, host = memoryHost({})) {
  const sched = parseSchedule(text);
  const lint = lintSchedule(sched, { host, file: '/w/x.vtasched' });
  assert.deepEqual(
    lint.diagnostics.filter((d) => d.severity === 'error'),
    [],
    text,
  );
  const lowered = lowerSchedule(sched, lint, { file: 'x.vtasched' });
  assert.deepEqual(lowered.diagnostics, [], text);
  const asm = assembleText(lowered.text!, { file: '/w/lowered.vta', host });
  const findings = checkProgram(asm.program!, 'lowered.vta', asm.diagnostics).filter((d) => d.severity !== 'info');
  assert.deepEqual(
    findings.map((d) => `${d.range.start.line + 1}: ${d.code} ${d.message}`),
    [],
    text,
  );
  const run = simulate(asm.program!, {});
  assert.equal(run.status, 'finished', run.error?.message);
  // The tokens order every access that matters: another interleaving of the modules gives the same DRAM.
  const shuffled = simulate(asm.program!, { interleaving: { seed: 7 } });
  assert.equal(shuffled.status, 'finished', shuffled.error?.message);
  assert.ok(
    Buffer.from(shuffled.dram).equals(Buffer.from(run.dram)),
    `another interleaving changed the result\n${text}`,
  );
  return { program: { ...asm.program!, dram: run.dram } as Program, lint, lowered };
}

const layerArb = fc
  .record({
    nB: fc.integer({ min: 1, max: 2 }),
    cB: fc.integer({ min: 1, max: 3 }),
    oB: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 7 }),
    w: fc.integer({ min: 1, max: 7 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    pad: fc.integer({ min: 0, max: 2 }),
    stride: fc.integer({ min: 1, max: 2 }),
    grouped: fc.boolean(),
    picks: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
    epilogue: fc.subarray([
      ['shr', 3],
      ['max', 0],
      ['min', 100],
      ['add', -5],
      ['mul', 3],
    ] as Array<[string, number]>),
  })
  .map((p) => {
    const groups = p.grouped && p.cB % 2 === 0 && p.oB % 2 === 0 ? 2 : 1;
    const pad = Math.min(p.pad, p.kh - 1, p.kw - 1);
    const h = Math.max(p.h, p.kh);
    const w = Math.max(p.w, p.kw);
    const L: Conv = {
      n: p.nB,
      c: p.cB * 16,
      h,
      w,
      o: p.oB * 16,
      kh: p.kh,
      kw: p.kw,
      pad,
      stride: p.stride,
      groups,
      epilogue: p.epilogue,
    };
    const oh = Math.floor((h + 2 * pad - p.kh) / p.stride) + 1;
    const ow = Math.floor((w + 2 * pad - p.kw) / p.stride) + 1;
    const divs = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
    const pick = (xs: number[], i: number) => xs[p.picks[i]! % xs.length]!;
    const tile = {
      b: pick(divs(L.n), 0),
      h: pick(divs(oh), 1),
      w: pick(divs(ow), 2),
      ci: 16 * pick(divs(p.cB / groups), 3),
      co: 16 * pick(divs(p.oB / groups), 4),
    };
    // Output-channel threads over the whole axis, across groups (as TVM's group_conv2d_packed splits it).
    const threads = { oc: pick(divs(L.o / tile.co), 5), h: pick(divs(oh / tile.h), 6) };
    return { L, tile, threads };
  });

const epilogueText = (e: Array<[string, number]>) =>
  e.length ? `  epilogue ${e.map(([o, v]) => `${o} ${v}`).join(', ')}\n` : '';

test('lowered conv2d layers compute the convolution: 80 random layers, functional simulation against a direct computation', () => {
  const t = defaultTarget();
  fc.assert(
    fc.property(layerArb, ({ L, tile, threads }) => {
      const text =
        `target default\nconv2d l {\n  input = ${L.n}x${L.c}x${L.h}x${L.w}\n  filter = ${L.o}x${L.c / L.groups}x${L.kh}x${L.kw}\n  pad = ${L.pad}\n  stride = ${L.stride}\n  groups = ${L.groups}\n` +
        `  tile b=${tile.b} h=${tile.h} w=${tile.w} ci=${tile.ci} co=${tile.co}\n  threads oc=${threads.oc} h=${threads.h}\n${epilogueText(L.epilogue)}}\n`;
      const { program, lint, lowered } = lowerAndRun(text);
      // The size the editor budgets by is the program's, nops for extra pops aside.
      assert.equal(
        loweredSize(lint, 'l'),
        program.insns.length - (lowered.text!.match(/^ {2}nop {2}ld$/gm)?.length ?? 0),
      );
      const want = reference(L, tensor(program, 'l_in'), tensor(program, 'l_wgt'), t.batch, t.blockIn, t.blockOut);
      assert.deepEqual(tensor(program, 'l_out'), want, text);
    }),
    { numRuns: 80, seed: 0x10e5 },
  );
});

test('on a 2x8x8 target (BATCH 2, BLOCK 8, VTA 0.0.1) lowered layers compute the convolution: 40 random layers', () => {
  // A smaller weight buffer keeps the micro-op within 32 bits (11 + 11 + 10).
  const keys = { ...DEFAULT_CONFIG_KEYS, HW_VER: '0.0.1', LOG_BATCH: 1, LOG_BLOCK: 3, LOG_WGT_BUFF_SIZE: 16 };
  const host = memoryHost({ '/w/small.json': JSON.stringify(keys) });
  fc.assert(
    fc.property(layerArb, ({ L: base, tile: t0, threads }) => {
      // The same shapes in blocks of 8 channels and 2 batch rows; no mul on 0.0.1.
      const L: Conv = {
        ...base,
        n: base.n * 2,
        c: base.c / 2,
        o: base.o / 2,
        epilogue: base.epilogue.filter(([op]) => op !== 'mul'),
      };
      const tile = { ...t0, b: t0.b * 2, ci: t0.ci / 2, co: t0.co / 2 };
      const text =
        `target "small.json"\nconv2d l {\n  input = ${L.n}x${L.c}x${L.h}x${L.w}\n  filter = ${L.o}x${L.c / L.groups}x${L.kh}x${L.kw}\n  pad = ${L.pad}\n  stride = ${L.stride}\n  groups = ${L.groups}\n` +
        `  tile b=${tile.b} h=${tile.h} w=${tile.w} ci=${tile.ci} co=${tile.co}\n  threads oc=${threads.oc} h=${threads.h}\n${epilogueText(L.epilogue)}}\n`;
      const { program } = lowerAndRun(text, host);
      assert.equal(program.target.batch, 2);
      assert.equal(program.target.blockIn, 8);
      const want = reference(L, tensor(program, 'l_in'), tensor(program, 'l_wgt'), 2, 8, 8);
      assert.deepEqual(tensor(program, 'l_out'), want, text);
    }),
    { numRuns: 40, seed: 0x2b8 },
  );
});

test("on a 1x32x32 target (LOG_BLOCK 5, the ISA doc's example) lowered layers compute the convolution: 20 random layers", () => {
  const host = memoryHost({ '/w/b32.json': JSON.stringify({ ...DEFAULT_CONFIG_KEYS, LOG_BLOCK: 5 }) });
  fc.assert(
    fc.property(layerArb, ({ L: base, tile: t0, threads }) => {
      const L: Conv = { ...base, c: base.c * 2, o: base.o * 2 };
      const tile = { ...t0, ci: t0.ci * 2, co: t0.co * 2 };
      const text =
        `target "b32.json"\nconv2d l {\n  input = ${L.n}x${L.c}x${L.h}x${L.w}\n  filter = ${L.o}x${L.c / L.groups}x${L.kh}x${L.kw}\n  pad = ${L.pad}\n  stride = ${L.stride}\n  groups = ${L.groups}\n` +
        `  tile b=${tile.b} h=${tile.h} w=${tile.w} ci=${tile.ci} co=${tile.co}\n  threads oc=${threads.oc} h=${threads.h}\n${epilogueText(L.epilogue)}}\n`;
      const { program } = lowerAndRun(text, host);
      assert.equal(program.target.blockIn, 32);
      assert.deepEqual(
        tensor(program, 'l_out'),
        reference(L, tensor(program, 'l_in'), tensor(program, 'l_wgt'), 1, 32, 32),
        text,
      );
    }),
    { numRuns: 20, seed: 0x32 },
  );
});

/** A transposed convolution as TVM computes it: a stride-1 convolution over the input dilated by the stride and padded by K-1-pad. */
function referenceTranspose(L: Conv, x: Int8Array, wt: Int8Array, batch: number, bi: number, bo: number): Int8Array {
  const s = L.stride;
  const oh = (L.h - 1) * s - 2 * L.pad + L.kh;
  const ow = (L.w - 1) * s - 2 * L.pad + L.kw;
  const [bt, bl] = [L.kh - 1 - L.pad, L.kw - 1 - L.pad];
  const inAt = (n: number, c: number, y: number, xx: number) =>
    x[
      ((((Math.floor(n / batch) * (L.c / bi) + Math.floor(c / bi)) * L.h + y) * L.w + xx) * batch + (n % batch)) * bi +
        (c % bi)
    ]!;
  // The weights as TVM packs them: O x I blocks.
  const wAt = (o: number, i: number, ky: number, kx: number) =>
    wt[
      ((((Math.floor(o / bo) * (L.c / bi) + Math.floor(i / bi)) * L.kh + ky) * L.kw + kx) * bo + (o % bo)) * bi +
        (i % bi)
    ]!;
  const out = new Int8Array(L.n * L.o * oh * ow);
  for (let n = 0; n < L.n; n++)
    for (let o = 0; o < L.o; o++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          let acc = 0;
          for (let ky = 0; ky < L.kh; ky++)
            for (let kx = 0; kx < L.kw; kx++) {
              const [py, px] = [y + ky - bt, xx + kx - bl]; // in the dilated, padded input
              if (py % s !== 0 || px % s !== 0) continue;
              const [iy, ix] = [py / s, px / s];
              if (iy < 0 || ix < 0 || iy >= L.h || ix >= L.w) continue;
              for (let i = 0; i < L.c; i++) acc = (acc + inAt(n, i, iy, ix) * wAt(o, i, ky, kx)) | 0;
            }
          for (const [op, v] of L.epilogue) {
            acc =
              op === 'min'
                ? Math.min(acc, v)
                : op === 'max'
                  ? Math.max(acc, v)
                  : op === 'add'
                    ? (acc + v) | 0
                    : op === 'mul'
                      ? Math.imul(acc, v)
                      : acc >> v;
          }
          const e = ((Math.floor(n / batch) * (L.o / bo) + Math.floor(o / bo)) * oh + y) * ow + xx;
          out[(e * batch + (n % batch)) * bo + (o % bo)] = acc;
        }
  return out;
}

test('lowered conv2d_transpose layers compute the transposed convolution: 50 random layers (strides 1-3, kernels 1-4)', () => {
  const t = defaultTarget();
  const arb = fc
    .record({
      nB: fc.integer({ min: 1, max: 2 }),
      cB: fc.integer({ min: 1, max: 3 }),
      oB: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 1, max: 5 }),
      w: fc.integer({ min: 1, max: 5 }),
      kh: fc.integer({ min: 1, max: 4 }),
      kw: fc.integer({ min: 1, max: 4 }),
      pad: fc.nat(3),
      stride: fc.integer({ min: 1, max: 3 }),
      picks: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
      epilogue: fc.subarray([
        ['shr', 2],
        ['max', 0],
        ['min', 90],
        ['add', 3],
      ] as Array<[string, number]>),
    })
    .map((p) => {
      const pad = Math.min(p.pad, p.kh - 1, p.kw - 1);
      const L: Conv = {
        n: p.nB,
        c: p.cB * 16,
        h: p.h,
        w: p.w,
        o: p.oB * 16,
        kh: p.kh,
        kw: p.kw,
        pad,
        stride: p.stride,
        groups: 1,
        epilogue: p.epilogue,
      };
      const oh = (p.h - 1) * p.stride - 2 * pad + p.kh;
      const ow = (p.w - 1) * p.stride - 2 * pad + p.kw;
      const divs = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
      const pick = (xs: number[], i: number) => xs[p.picks[i]! % xs.length]!;
      const hs = divs(oh).filter((d) => d % p.stride === 0);
      const ws = divs(ow).filter((d) => d % p.stride === 0);
      if (!hs.length || !ws.length) return undefined; // no tile starts on the stride
      const tile = {
        b: pick(divs(L.n), 0),
        h: pick(hs, 1),
        w: pick(ws, 2),
        ci: 16 * pick(divs(p.cB), 3),
        co: 16 * pick(divs(p.oB), 4),
      };
      const threads = { oc: pick(divs(L.o / tile.co), 5), h: pick(divs(oh / tile.h), 6) };
      return { L, tile, threads };
    })
    .filter((x): x is NonNullable<typeof x> => x !== undefined);
  fc.assert(
    fc.property(arb, ({ L, tile, threads }) => {
      const text =
        `target default\nconv2d_transpose l {\n  input = ${L.n}x${L.c}x${L.h}x${L.w}\n  filter = ${L.c}x${L.o}x${L.kh}x${L.kw}\n  pad = ${L.pad}\n  stride = ${L.stride}\n` +
        `  tile b=${tile.b} h=${tile.h} w=${tile.w} ci=${tile.ci} co=${tile.co}\n  threads oc=${threads.oc} h=${threads.h}\n${epilogueText(L.epilogue)}}\n`;
      const { program, lint } = lowerAndRun(text);
      const f = lint.layers[0]!;
      // The micro-ops loaded are the footprint the lint reports, and the GEMM iterations run its count.
      const uopRows = program.insns
        .filter((i) => i.insn.opcode === 0 && i.insn.memory_type === 0)
        .reduce((a, i) => a + i.insn.x_size, 0);
      assert.equal(uopRows, f.buffers.find((b) => b.buffer === 'UOP')!.total, text);
      assert.deepEqual(
        tensor(program, 'l_out'),
        referenceTranspose(L, tensor(program, 'l_in'), tensor(program, 'l_wgt'), t.batch, t.blockIn, t.blockOut),
        text,
      );
    }),
    { numRuns: 50, seed: 0x7a5 },
  );
});

test("DCGAN's transposed layers as TVM tuned them (4x4, stride 2, pad 1) lint clean, lower, check and compute", () => {
  const t = defaultTarget();
  // Smaller channel counts than DCGAN's (1024 -> 512) so that the functional run stays short; the knobs are the tuned ones.
  const text =
    'target default\n' +
    'conv2d_transpose g1 {\n  input = 1x64x4x4\n  filter = 64x32x4x4\n  pad = 1\n  stride = 2\n  tile h=8 w=8 ci=16 co=16\n  threads oc=2\n  epilogue shr 6\n}\n' +
    'conv2d_transpose g3 {\n  input = 1x32x16x16\n  filter = 32x32x4x4\n  pad = 1\n  stride = 2\n  tile h=16 w=32 ci=16 co=32\n  threads h=2\n  epilogue shr 6, max 0\n}\n';
  const { program, lowered } = lowerAndRun(text);
  assert.deepEqual(lowered.layers, ['g1', 'g3']);
  const g1: Conv = {
    n: 1,
    c: 64,
    h: 4,
    w: 4,
    o: 32,
    kh: 4,
    kw: 4,
    pad: 1,
    stride: 2,
    groups: 1,
    epilogue: [['shr', 6]],
  };
  assert.deepEqual(
    tensor(program, 'g1_out'),
    referenceTranspose(g1, tensor(program, 'g1_in'), tensor(program, 'g1_wgt'), t.batch, t.blockIn, t.blockOut),
  );
  const g3: Conv = {
    n: 1,
    c: 32,
    h: 16,
    w: 16,
    o: 32,
    kh: 4,
    kw: 4,
    pad: 1,
    stride: 2,
    groups: 1,
    epilogue: [
      ['shr', 6],
      ['max', 0],
    ],
  };
  assert.deepEqual(
    tensor(program, 'g3_out'),
    referenceTranspose(g3, tensor(program, 'g3_in'), tensor(program, 'g3_wgt'), t.batch, t.blockIn, t.blockOut),
  );
  // DCGAN's own shapes and tuned knobs lint clean and are estimated.
  const full = parseSchedule(
    'target default\nconv2d_transpose d1 {\n  input = 1x1024x4x4\n  filter = 1024x512x4x4\n  pad = 1\n  stride = 2\n  tile h=8 w=8 ci=16 co=256\n  threads oc=2\n}\n',
  );
  const lint = lintSchedule(full);
  assert.deepEqual(lint.diagnostics, []);
  assert.deepEqual(checkLoweredLayers(full, lint, { file: 'd.vtasched' }).diagnostics, []);
});

test("group convolution: virtual threads across groups, as TVM's group_conv2d_packed splits the whole output-channel axis", () => {
  const t = defaultTarget();
  // MobileNet-G's shapes in miniature: one block per group, so a thread per group.
  const text =
    'target default\nconv2d g {\n  input = 1x64x8x8\n  filter = 64x16x3x3\n  pad = 1\n  groups = 4\n  tile h=4 w=8 ci=16 co=16\n  threads oc=2 h=2\n  epilogue shr 4\n}\n';
  const { program, lint } = lowerAndRun(text);
  assert.equal(lint.layers[0]!.tiles.co, 1); // one channel tile per group: the threads span groups
  const L: Conv = {
    n: 1,
    c: 64,
    h: 8,
    w: 8,
    o: 64,
    kh: 3,
    kw: 3,
    pad: 1,
    stride: 1,
    groups: 4,
    epilogue: [['shr', 4]],
  };
  assert.deepEqual(
    tensor(program, 'g_out'),
    reference(L, tensor(program, 'g_in'), tensor(program, 'g_wgt'), t.batch, t.blockIn, t.blockOut),
  );
  // The tuned MobileNet-G layers (from TVM's pre-tuned log) lint clean, with the thread counts TVM ran.
  for (const [shape, groups, stride, tile, threads] of [
    ['1x32x112x112', 2, 1, 'h=14 w=56 ci=16 co=16', 'oc=2'],
    ['1x64x112x112', 4, 2, 'h=4 w=56 ci=16 co=16', 'h=2'],
    ['1x1024x7x7', 64, 1, 'h=7 w=7 ci=16 co=16', 'oc=2'],
  ] as const) {
    const c = Number(shape.split('x')[1]);
    const sched = parseSchedule(
      `target default\nconv2d m {\n  input = ${shape}\n  filter = ${c}x${c / groups}x3x3\n  pad = 1\n  stride = ${stride}\n  groups = ${groups}\n  tile b=1 ${tile}\n  threads ${threads}\n}\n`,
    );
    assert.deepEqual(
      lintSchedule(sched).diagnostics.map((d) => d.message),
      [],
      shape,
    );
  }
});

test('lowered dense layers and a two-layer file compute their layers', () => {
  const t = defaultTarget();
  const text =
    'target default\n' +
    'dense fc {\n  input = 2x64\n  weight = 48x64\n  tile b=1 ci=32 co=16\n  threads oc=3\n  epilogue shr 2, min 90\n}\n' +
    'conv2d c {\n  input = 1x32x6x6\n  filter = 32x32x3x3\n  pad = 1\n  tile h=3 w=6 ci=16 co=16\n  threads oc=2\n  epilogue max 0\n}\n';
  const { program, lowered } = lowerAndRun(text);
  assert.deepEqual(lowered.layers, ['fc', 'c']);
  const fcL: Conv = {
    n: 2,
    c: 64,
    h: 1,
    w: 1,
    o: 48,
    kh: 1,
    kw: 1,
    pad: 0,
    stride: 1,
    groups: 1,
    epilogue: [
      ['shr', 2],
      ['min', 90],
    ],
  };
  assert.deepEqual(
    tensor(program, 'fc_out'),
    reference(fcL, tensor(program, 'fc_in'), tensor(program, 'fc_wgt'), t.batch, t.blockIn, t.blockOut),
  );
  const cL: Conv = {
    n: 1,
    c: 32,
    h: 6,
    w: 6,
    o: 32,
    kh: 3,
    kw: 3,
    pad: 1,
    stride: 1,
    groups: 1,
    epilogue: [['max', 0]],
  };
  assert.deepEqual(
    tensor(program, 'c_out'),
    reference(cL, tensor(program, 'c_in'), tensor(program, 'c_wgt'), t.batch, t.blockIn, t.blockOut),
  );
});

test("dense with virtual threads, as TVM's dense_packed runs an LSTM cell: every 2nd output-channel tile per thread", () => {
  const t = defaultTarget();
  // The LSTM cell of TVM's pre-tuned log (256 -> 128) with the threads its schedule space offers.
  for (const [tile, oc] of [
    ['ci=256 co=16', 2],
    ['ci=128 co=32', 4],
    ['ci=256 co=64', 2],
  ] as const) {
    const text = `target default\ndense lstm {\n  input = 1x256\n  weight = 128x256\n  tile b=1 ${tile}\n  threads oc=${oc}\n  epilogue shr 5\n}\n`;
    const { program, lint } = lowerAndRun(text);
    assert.equal(lint.layers[0]!.buffers.find((b) => b.buffer === 'WGT')!.total % oc, 0);
    const L: Conv = {
      n: 1,
      c: 256,
      h: 1,
      w: 1,
      o: 128,
      kh: 1,
      kw: 1,
      pad: 0,
      stride: 1,
      groups: 1,
      epilogue: [['shr', 5]],
    };
    assert.deepEqual(
      tensor(program, 'lstm_out'),
      reference(L, tensor(program, 'lstm_in'), tensor(program, 'lstm_wgt'), t.batch, t.blockIn, t.blockOut),
      text,
    );
  }
});

test('the shipped schedule: the layers that fit lower to a clean program; the others are named with their first error', () => {
  const file = join(import.meta.dirname, '../fixtures/schedules/resnet18-untuned.vtasched');
  const sched = parseSchedule(readFileSync(file, 'utf8'));
  const lint = lintSchedule(sched);
  const r = lowerSchedule(sched, lint, { file: 'resnet18.vtasched' });
  assert.deepEqual(r.layers, ['c2', 'c5', 'c11']);
  assert.deepEqual(
    r.diagnostics.map((d) => d.message.split(':')[0]),
    ['c3', 'c4', 'c8', 'fc'],
  );
  assert.ok(r.diagnostics.every((d) => d.code === 'vtasched.lower' && /not lowered: it has \d error/.test(d.message)));
  const one = lowerSchedule(sched, lint, { file: 'resnet18.vtasched', layer: 'c2' });
  const asm = assembleText(one.text!, { file: 'c2.vta' });
  assert.deepEqual(
    checkProgram(asm.program!, 'c2.vta', asm.diagnostics).filter((d) => d.severity !== 'info'),
    [],
  );
  // The micro-op rows the program loads are the footprint the lint reports.
  const c2 = lint.layers.find((f) => f.layer.name === 'c2')!;
  const uopRows = asm
    .program!.insns.filter((i) => i.insn.opcode === 0 && i.insn.memory_type === 0)
    .reduce((s, i) => s + i.insn.x_size, 0);
  assert.equal(uopRows, c2.buffers.find((b) => b.buffer === 'UOP')!.total);
  assert.match(
    lowerSchedule(sched, lint, { file: 'r', layer: 'nope' }).diagnostics[0]!.message,
    /no layer named 'nope': the file has c2, c3/,
  );
});

test('the lowered checks of the shipped schedule: no findings, an estimate per clean layer at or above the GEMM bound', () => {
  const sched = parseSchedule(
    readFileSync(join(import.meta.dirname, '../fixtures/schedules/resnet18-untuned.vtasched'), 'utf8'),
  );
  const lint = lintSchedule(sched);
  const r = checkLoweredLayers(sched, lint, { file: 'resnet18.vtasched' });
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(
    r.estimates.map((e) => e.name),
    ['c2', 'c5', 'c11'],
  );
  for (const e of r.estimates) {
    const f = lint.layers.find((x) => x.layer.name === e.name)!;
    assert.ok(e.cycles >= f.gemmIterations, `${e.name}: ${e.cycles} cycles < ${f.gemmIterations} GEMM iterations`);
    assert.ok(e.gemmUtilisation > 0.5 && e.gemmUtilisation <= 1, `${e.name}: ${e.gemmUtilisation}`);
    // Every input window and weight tile is read once per step, and each output once.
    assert.equal(e.dramWriteBytes, f.traffic.output);
    // Reads: the input windows without their padding, the weights, and the micro-kernels once.
    const uop = f.buffers.find((b) => b.buffer === 'UOP')!.total * 4;
    assert.equal(e.dramReadBytes, f.traffic.input + f.traffic.weight + uop, e.name);
  }
  const small = checkLoweredLayers(sched, lint, { file: 'r', maxInstructions: 3000 });
  assert.deepEqual(
    small.skipped.map((x) => x.name),
    ['c2', 'c11'],
  ); // 3,083 and 5,427 instructions; c5 has 2,891
  assert.deepEqual(
    small.estimates.map((x) => x.name),
    ['c5'],
  );
});

test('valid layers with one knob changed at random: lint, lowering and the lowered checks never throw; what lowers checks clean', () => {
  const fields = ['n', 'c', 'h', 'w', 'o', 'kh', 'pad', 'stride', 'tb', 'th', 'tw', 'tci', 'tco', 'oc', 'hh'] as const;
  let lowered = 0;
  fc.assert(
    fc.property(
      layerArb,
      fc.option(
        fc.record({
          field: fc.constantFrom(...fields),
          value: fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(16, 32, 48)),
        }),
      ),
      ({ L, tile, threads }, change) => {
        const v: Record<(typeof fields)[number], number> = {
          n: L.n,
          c: L.c,
          h: L.h,
          w: L.w,
          o: L.o,
          kh: L.kh,
          pad: L.pad,
          stride: L.stride,
          tb: tile.b,
          th: tile.h,
          tw: tile.w,
          tci: tile.ci,
          tco: tile.co,
          oc: threads.oc,
          hh: threads.h,
        };
        if (change) v[change.field] = change.value;
        const text =
          `target default\nconv2d l {\n  input = ${v.n}x${v.c}x${v.h}x${v.w}\n  filter = ${v.o}x${v.c}x${v.kh}x${L.kw}\n  pad = ${v.pad}\n  stride = ${v.stride}\n` +
          `  tile b=${v.tb} h=${v.th} w=${v.tw} ci=${v.tci} co=${v.tco}\n  threads oc=${v.oc} h=${v.hh}\n${epilogueText(L.epilogue)}}\n`;
        const sched = parseSchedule(text);
        const lint = lintSchedule(sched);
        const r = lowerSchedule(sched, lint, { file: 'f.vtasched', maxInstructions: 20_000 });
        if (!r.text) return;
        lowered++;
        assert.deepEqual(
          checkLoweredLayers(sched, lint, { file: 'f.vtasched', maxInstructions: 20_000 }).diagnostics,
          [],
          text,
        );
      },
    ),
    { numRuns: 200, seed: 99 },
  );
  assert.ok(lowered >= 40, `only ${lowered} of 200 lowered: the test would say little`);
});

test('region tokens: every load waits for the last compute of its region, and pushes match pops', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }), (regions) => {
      const { pops, push } = regionTokens(regions);
      const pushers = push.flatMap((p, s) => (p ? [s] : []));
      assert.equal(
        pops.reduce((a, b) => a + b, 0),
        pushers.length,
      );
      let popped = 0;
      regions.forEach((region, s) => {
        popped += pops[s]!;
        const lastUser = regions.lastIndexOf(region, s - 1);
        // The n-th pop takes the n-th push: the compute of step pushers[popped - 1] is done.
        if (s > 0 && lastUser >= 0) assert.ok(popped > 0 && pushers[popped - 1]! >= lastUser, `step ${s}`);
        if (popped > 0) assert.ok(pushers[popped - 1]! < s, `step ${s} waits only for earlier computes`);
      });
    }),
    { numRuns: 500, seed: 3 },
  );
});
