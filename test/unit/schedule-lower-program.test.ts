/**
 * The lowering builds a Program directly; `.vta` text is printed from the same stream
 * only for a reader. These tests hold the two paths identical: the printed text,
 * assembled, gives the same instruction bytes (tokens folded the same way), the same
 * labels, kernel placements and DRAM bytes, the same findings of every program check,
 * and the same timing-model cycles as the direct program and `estimateLayer`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { assembleText, memoryHost } from '../../core/asm';
import { checkProgram } from '../../core/analysis/check';
import { DEFAULT_CONFIG_KEYS, encodeProgram } from '../../core/isa';
import type { Program } from '../../core/program/program';
import {
  estimateLayer,
  layerStream,
  lintSchedule,
  loweredProgram,
  lowerScheduleStream,
  parseSchedule,
  printLowered,
} from '../../core/schedule';
import { simulate } from '../../core/sim';

const hexOf = (p: Program) =>
  Buffer.from(
    encodeProgram(
      p.target,
      p.insns.map((i) => i.insn),
    ),
  ).toString('hex');

/** Everything of two programs that the assembler decides, compared. */
function assertSamePrograms(direct: Program, asm: Program, what: string, data: boolean) {
  assert.equal(direct.insns.length, asm.insns.length, what);
  assert.equal(hexOf(direct), hexOf(asm), `instruction bytes differ: ${what}`);
  assert.deepEqual(
    direct.insns.map((i) => [i.module, i.origin, i.label, i.kernel]),
    asm.insns.map((i) => [i.module, i.origin, i.label, i.kernel]),
    what,
  );
  assert.deepEqual(
    direct.layout.tensors.map((t) => [t.name, t.mem, t.count, t.byteOffset, t.elemBytes]),
    asm.layout.tensors.map((t) => [t.name, t.mem, t.count, t.byteOffset, t.elemBytes]),
    what,
  );
  assert.deepEqual(
    direct.layout.kernels.map((k) => [k.name, k.uops, k.byteOffset]),
    asm.layout.kernels.map((k) => [k.name, k.uops, k.byteOffset]),
    what,
  );
  assert.equal(direct.layout.bytes, asm.layout.bytes, what);
  if (data) assert.ok(Buffer.from(direct.dram).equals(Buffer.from(asm.dram)), `DRAM bytes differ: ${what}`);
  else {
    // Without data only the micro-kernels are written; the tensors stay zero.
    assert.equal(direct.dram.length, asm.dram.length, what);
    for (const k of asm.layout.kernels) {
      const [a, b] = [k.byteOffset, k.byteOffset + 4 * k.uops];
      assert.ok(
        Buffer.from(direct.dram.subarray(a, b)).equals(Buffer.from(asm.dram.subarray(a, b))),
        `kernel ${k.name}: ${what}`,
      );
    }
  }
}

const layerArb = fc
  .record({
    nB: fc.integer({ min: 1, max: 2 }),
    cB: fc.integer({ min: 1, max: 4 }),
    oB: fc.integer({ min: 1, max: 4 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    pad: fc.integer({ min: 0, max: 2 }),
    stride: fc.integer({ min: 1, max: 2 }),
    grouped: fc.boolean(),
    kind: fc.constantFrom('conv2d', 'dense', 'conv2d_transpose'),
    picks: fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
    epilogue: fc.subarray(['shr 3', 'max 0', 'min 100', 'add -5']),
  })
  .map((p) => {
    const divs = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
    const pick = (xs: number[], i: number) => xs[p.picks[i]! % xs.length]!;
    const epilogue = p.epilogue.length ? `  epilogue ${p.epilogue.join(', ')}\n` : '';
    if (p.kind === 'conv2d_transpose') {
      const pad = Math.min(p.pad, p.kh - 1, p.kw - 1);
      const s = p.stride;
      // Inputs of an even size keep the output a multiple of the stride.
      const [h, w] = [2 * Math.ceil(p.h / 2), 2 * Math.ceil(p.w / 2)];
      const [oh, ow] = [(h - 1) * s - 2 * pad + p.kh, (w - 1) * s - 2 * pad + p.kw];
      const hs = divs(oh).filter((d) => d % s === 0);
      const ws = divs(ow).filter((d) => d % s === 0);
      if (hs.length && ws.length) {
        const tile = { h: pick(hs, 1), w: pick(ws, 2), ci: pick(divs(p.cB), 3), co: pick(divs(p.oB), 4) };
        return (
          `conv2d_transpose l {\n  input = ${p.nB}x${p.cB * 16}x${h}x${w}\n  filter = ${p.cB * 16}x${p.oB * 16}x${p.kh}x${p.kw}\n  pad = ${pad}\n  stride = ${s}\n` +
          `  tile b=${pick(divs(p.nB), 0)} h=${tile.h} w=${tile.w} ci=${tile.ci * 16} co=${tile.co * 16}\n  threads oc=${pick(divs(p.oB / tile.co), 5)} h=${pick(divs(oh / tile.h), 6)}\n${epilogue}}\n`
        );
      }
    }
    if (p.kind === 'dense') {
      const co = pick(divs(p.oB), 4);
      return `dense l {\n  input = ${p.nB}x${p.cB * 16}\n  weight = ${p.oB * 16}x${p.cB * 16}\n  tile b=${pick(divs(p.nB), 0)} ci=${16 * pick(divs(p.cB), 3)} co=${16 * co}\n  threads oc=${pick(divs(p.oB / co), 5)}\n${epilogue}}\n`;
    }
    const groups = p.grouped && p.cB % 2 === 0 && p.oB % 2 === 0 ? 2 : 1;
    const pad = Math.min(p.pad, p.kh - 1, p.kw - 1);
    const h = Math.max(p.h, p.kh);
    const w = Math.max(p.w, p.kw);
    const oh = Math.floor((h + 2 * pad - p.kh) / p.stride) + 1;
    const ow = Math.floor((w + 2 * pad - p.kw) / p.stride) + 1;
    const tile = {
      b: pick(divs(p.nB), 0),
      h: pick(divs(oh), 1),
      w: pick(divs(ow), 2),
      ci: pick(divs(p.cB / groups), 3),
      co: pick(divs(p.oB / groups), 4),
    };
    const threads = { oc: pick(divs(p.oB / tile.co), 5), h: pick(divs(oh / tile.h), 6) }; // across groups
    return (
      `conv2d l {\n  input = ${p.nB}x${p.cB * 16}x${h}x${w}\n  filter = ${p.oB * 16}x${(p.cB * 16) / groups}x${p.kh}x${p.kw}\n  pad = ${pad}\n  stride = ${p.stride}\n  groups = ${groups}\n` +
      `  tile b=${tile.b} h=${tile.h} w=${tile.w} ci=${tile.ci * 16} co=${tile.co * 16}\n  threads oc=${threads.oc} h=${threads.h}\n${epilogue}}\n`
    );
  });

/** Lowers `text` (target line included) both ways and compares; returns both programs. */
function bothWays(text: string, values: 'random' | 'zeros', host = memoryHost({})) {
  const sched = parseSchedule(text);
  const lint = lintSchedule(sched, { host, file: '/w/x.vtasched' });
  assert.deepEqual(
    lint.diagnostics.filter((d) => d.severity === 'error'),
    [],
    text,
  );
  const r = lowerScheduleStream(sched, lint, { file: 'x.vtasched', values });
  assert.ok(r.stream, text);
  const printed = printLowered(r.stream);
  const asm = assembleText(printed, { file: '/w/x.vta', host });
  assert.deepEqual(
    asm.diagnostics.filter((d) => d.severity !== 'info').map((d) => d.message),
    [],
    printed,
  );
  const direct = loweredProgram(r.stream, lint.target!, { data: values === 'random' });
  assert.deepEqual(direct.diagnostics, []);
  assertSamePrograms(direct.program, asm.program!, text, true);
  return { direct: direct.program, asm: asm.program!, lint, printed, stream: r.stream };
}

test('random layers: the printed text assembles to the direct program, bytes and DRAM alike, with and without values', () => {
  fc.assert(
    fc.property(layerArb, fc.boolean(), (layer, random) => {
      bothWays(`target default\n${layer}`, random ? 'random' : 'zeros');
    }),
    { numRuns: 120, seed: 0x15 },
  );
});

test('a two-layer file, and a 2x8x8 target: the two paths agree', () => {
  const two =
    'target default\n' +
    'dense fc {\n  input = 2x64\n  weight = 48x64\n  tile b=1 ci=32 co=16\n  threads oc=3\n  epilogue shr 2, min 90\n}\n' +
    'conv2d c {\n  input = 1x32x6x6\n  filter = 32x32x3x3\n  pad = 1\n  tile h=3 w=6 ci=16 co=16\n  threads oc=2\n  epilogue max 0\n}\n';
  const { direct } = bothWays(two, 'random');
  assert.deepEqual(
    direct.layout.tensors.map((t) => t.name),
    ['fc_in', 'fc_wgt', 'fc_out', 'c_in', 'c_wgt', 'c_out'],
  );
  const host = memoryHost({
    '/w/small.json': JSON.stringify({
      ...DEFAULT_CONFIG_KEYS,
      HW_VER: '0.0.1',
      LOG_BATCH: 1,
      LOG_BLOCK: 3,
      LOG_WGT_BUFF_SIZE: 16,
    }),
  });
  bothWays(
    'target "small.json"\nconv2d s {\n  input = 2x16x5x5\n  filter = 16x16x3x3\n  pad = 1\n  tile b=2 h=5 w=5 ci=8 co=8\n  threads oc=2\n  epilogue shr 1\n}\n',
    'random',
    host,
  );
});

test('without values: the direct program writes only the kernels, and a timing run gives the cycles of the assembled text', () => {
  fc.assert(
    fc.property(layerArb, (layer) => {
      const text = `target default\n${layer}`;
      const { asm, lint, stream } = bothWays(text, 'zeros');
      const lean = loweredProgram(stream, lint.target!, { data: false }).program;
      assertSamePrograms(lean, asm, text, false);
      const full = simulate(asm, { mode: 'timing', trace: false });
      assert.equal(full.status, 'finished');
      const fast = estimateLayer(lint.layers[0]!.layer, lint.target!);
      assert.ok(!('errors' in fast), text);
      assert.equal(fast.cycles, full.time, text);
      assert.equal(fast.instructions, asm.insns.length);
      assert.equal(fast.dramReadBytes, full.summary.dram.readBytes);
      assert.equal(fast.dramWriteBytes, full.summary.dram.writeBytes);
      assert.equal(fast.gemmUtilisation, full.summary.gemm.utilisation);
    }),
    { numRuns: 40, seed: 0x51 },
  );
});

test('the program checks find the same on the direct program as on the assembled text', () => {
  // A layer lowered alone (what the editor's tier checks), and one with tokens that need nops.
  for (const layer of [
    'conv2d c {\n  input = 1x32x8x8\n  filter = 32x32x3x3\n  pad = 1\n  tile h=2 w=8 ci=16 co=16\n  threads oc=2 h=2\n  epilogue shr 3\n}\n',
    'conv2d d {\n  input = 1x48x4x4\n  filter = 64x48x1x1\n  tile h=1 w=4 ci=16 co=16\n  threads oc=4 h=1\n}\n',
  ]) {
    const { direct, asm } = bothWays(`target default\n${layer}`, 'zeros');
    const codes = (p: Program) => checkProgram(p, 'x.vta').map((d) => `${d.severity} ${d.code} ${d.instruction ?? ''}`);
    assert.deepEqual(codes(direct), codes(asm), layer);
  }
});

test("estimateLayer: the shipped layers as the full path estimates them; knobs that do not fit give the lint's errors", () => {
  const sched = parseSchedule(readFileSync(join(import.meta.dirname, '../../examples/resnet18.vtasched'), 'utf8'));
  const lint = lintSchedule(sched);
  const t = lint.target!;
  let compared = 0;
  for (const f of lint.layers) {
    const est = estimateLayer(f.layer, t);
    if ('errors' in est) continue; // a layer whose knobs do not fit: the lint reports it
    const text = printLowered(layerStream(f, t, { file: 'r.vtasched' }));
    const asm = assembleText(text, { file: 'r.vta' });
    const run = simulate(asm.program!, { mode: 'timing', trace: false });
    assert.equal(est.cycles, run.time, f.layer.name);
    assert.equal(est.microseconds, run.summary.microseconds);
    assert.ok(['compute', 'dram', 'latency'].includes(est.bound));
    compared++;
  }
  assert.ok(compared >= 2, `only ${compared} shipped layers estimated`);
  const c2 = lint.layers.find((f) => f.layer.name === 'c2')!.layer;
  const bad = estimateLayer(c2, t, { tile: { h: 5 } });
  assert.ok(
    'errors' in bad && /tile h=5 does not divide the output rows \(56\)/.test(bad.errors[0]!),
    JSON.stringify(bad),
  );
  // The knobs change the estimate, and the layer itself is left as it was.
  const a = estimateLayer(c2, t, { tile: { h: 7, w: 14 }, threads: { oc: 1 } });
  const b = estimateLayer(c2, t, { tile: { h: 7, w: 14 }, threads: { oc: 2 } });
  assert.ok(!('errors' in a) && !('errors' in b));
  assert.notEqual(a.cycles, b.cycles);
  assert.equal(c2.threads.oc, 2);
  assert.deepEqual(estimateLayer(c2, t, { tile: { h: 7, w: 14 }, threads: { oc: 2 } }), b);
});
