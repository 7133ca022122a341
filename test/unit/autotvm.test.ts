/**
 * AutoTVM logs in and out: records read into workloads and knobs, unmappable lines
 * reported with their line numbers, one schedule per model whose layers lint, and
 * export giving back the workload and knobs of every imported line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configKeysOfModel, deriveTarget, DEFAULT_CONFIG_KEYS, modelStringOf } from '../../core/isa';
import {
  configIndex,
  exportAutotvm,
  importAutotvm,
  lintSchedule,
  parseAutotvmLog,
  parseSchedule,
  workloadOf,
  type AutotvmRecord,
} from '../../core/schedule';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG, M1, M4 } from '../fixtures/autotvm/log';

test('model strings: TARGET, BATCH x BLOCK, widths and buffer sizes; not a model string is said so', () => {
  const k = configKeysOfModel(M4);
  assert.ok('keys' in k);
  assert.deepEqual(k.keys, {
    ...DEFAULT_CONFIG_KEYS,
    TARGET: 'pynq',
    LOG_BATCH: 2,
    LOG_BLOCK: 3,
    LOG_UOP_BUFF_SIZE: 15,
    LOG_INP_BUFF_SIZE: 16,
    LOG_WGT_BUFF_SIZE: 16,
    LOG_ACC_BUFF_SIZE: 18,
  });
  const t = deriveTarget(M4, k.keys);
  assert.equal(modelStringOf(t), M4);
  assert.match(
    (configKeysOfModel('pynq_3x16_i8w8a32_15_15_18_17') as { message: string }).message,
    /BATCH 3 is not a power of two/,
  );
  assert.match((configKeysOfModel('pynq') as { message: string }).message, /not a VTA model string/);
  // A model string is a target in a schedule (and in a .vta program).
  const lint = lintSchedule(parseSchedule(`target ${M1}\ndense fc {\n  input = 1x16\n  weight = 16x16\n}\n`));
  assert.deepEqual(lint.diagnostics, []);
  assert.equal(lint.target!.board.clockMHz, 100);
  assert.equal(lint.target!.keys.TARGET, 'pynq');
});

test('reading a log: every VTA task mapped; other lines reported with their line numbers', () => {
  const log = parseAutotvmLog(LOG);
  assert.deepEqual(
    log.records.map((r) => r.line),
    [2, 3, 4, 5, 7, 8, 9, 11],
  );
  assert.deepEqual(
    log.problems.map((p) => p.line),
    [12, 14, 15, 16, 17],
  );
  const why = Object.fromEntries(log.problems.map((p) => [p.line, p.message]));
  assert.match(why[12]!, /data's packed inner dimensions 1x16 are not the target's BATCH x BLOCK_IN 4x8/);
  assert.match(why[14]!, /not a VTA record: target 'llvm -device=arm_cpu/);
  assert.match(why[15]!, /not JSON/);
  assert.match(why[16]!, /padding \[1,1,0,0\] is not symmetric/);
  assert.match(why[17]!, /task conv3d_packed\.vta is not one of/);
  const [c9, c4] = log.records as [AutotvmRecord, AutotvmRecord];
  assert.deepEqual(c9.workload, {
    op: 'conv2d',
    batch: 1,
    inChannels: 256,
    inH: 14,
    inW: 14,
    outChannels: 512,
    kh: 3,
    kw: 3,
    padH: 1,
    padW: 1,
    strideH: 2,
    strideW: 2,
    groups: 1,
  });
  assert.deepEqual(c9.tile, { b: 1, h: 7, w: 7, ci: 16, co: 256 });
  assert.deepEqual(c9.threads, { oc: 2, h: 1 });
  assert.equal(c9.seconds, 0.004);
  assert.deepEqual(c4.tile, { b: 1, h: 7, w: 28, ci: 16, co: 64 });
  assert.deepEqual(c4.threads, { oc: 1, h: 2 });
  const byLine = (n: number) => log.records.find((r) => r.line === n)!;
  assert.deepEqual(
    { ...byLine(7).workload, tile: byLine(7).tile },
    {
      op: 'conv2d',
      batch: 1,
      inChannels: 32,
      inH: 112,
      inW: 112,
      outChannels: 32,
      kh: 3,
      kw: 3,
      padH: 1,
      padW: 1,
      strideH: 1,
      strideW: 1,
      groups: 2,
      tile: { b: 1, h: 14, w: 56, ci: 16, co: 16 },
    },
  );
  assert.deepEqual(byLine(8).workload, {
    op: 'conv2d_transpose',
    batch: 1,
    inChannels: 1024,
    inH: 4,
    inW: 4,
    outChannels: 512,
    kh: 4,
    kw: 4,
    padH: 1,
    padW: 1,
    strideH: 2,
    strideW: 2,
    groups: 1,
  });
  assert.deepEqual(
    [byLine(9).workload.inChannels, byLine(9).workload.outChannels, byLine(9).tile.ci, byLine(9).tile.co],
    [256, 128, 256, 16],
  );
  assert.deepEqual(
    [
      byLine(11).workload.batch,
      byLine(11).workload.inChannels,
      byLine(11).tile.h,
      byLine(11).tile.ci,
      byLine(11).tile.co,
    ],
    [4, 64, 2, 8, 64],
  );
});

test("TVM's config index: knobs in definition order, the first fastest; a split's choices are the divisors of its axis", () => {
  const log = parseAutotvmLog(LOG);
  const t = (model: string) =>
    deriveTarget(model, (configKeysOfModel(model) as { keys: Parameters<typeof deriveTarget>[1] }).keys);
  for (const line of [2, 7]) {
    const r = log.records.find((x) => x.line === line)!;
    assert.equal(
      configIndex(r.workload, r.knobs, t(r.model)),
      (r.json.config as { index: number }).index,
      `line ${line}`,
    );
  }
  const r = log.records[0]!;
  assert.equal(configIndex(r.workload, { ...r.knobs, tile_co: [1, 5] }, t(r.model)), undefined); // 5 does not divide 32 blocks
  assert.throws(
    () =>
      workloadOf(
        'conv2d_packed.vta',
        [
          ['TENSOR', [1, 4, 8, 8, 1, 16], 'int8'],
          ['TENSOR', [1, 2, 3, 3, 16, 16], 'int8'],
          [1, 1],
          [1, 1],
        ],
        t(M1),
      ),
    /kernel has 32 input channels, data 64/,
  );
});

test('import: one schedule per model, a layer per distinct workload and knobs, the record in a comment; the layers lint', () => {
  const log = parseAutotvmLog(LOG);
  const out = importAutotvm(log, 'my.log');
  assert.deepEqual(
    out.map((s) => s.model),
    [M1, M4],
  );
  const one = out[0]!;
  assert.deepEqual(
    one.layers.map((l) => [l.name, l.record.line]),
    [
      ['conv2d_1x256x14x14_512x256x3x3_s2', 2],
      ['conv2d_1x256x14x14_512x256x3x3_s2_alt2', 4],
      ['conv2d_1x64x56x56_128x64x1x1_s2', 3],
      ['conv2d_1x32x112x112_32x16x3x3_s1_g2', 7],
      ['conv2d_transpose_1x1024x4x4_512x1024x4x4_s2_p1', 8],
      ['dense_1x256_128', 9],
    ],
  );
  assert.match(one.text, new RegExp(`^target ${M1}$`, 'm'));
  assert.match(
    one.text,
    /^; conv2d_packed\.vta, line 3: measured 1\.300 ms\n; also line 5 \(same workload and knobs, measured 1\.400 ms\)$/m,
  );
  assert.match(
    one.text,
    /^; the same workload as conv2d_1x256x14x14_512x256x3x3_s2 with other knobs: ApplyHistoryBest takes the fastest record/m,
  );
  assert.match(one.text, /^; autotvm \{"input": \["ext_dev -device=vta -keys=cpu -model=pynq_1x16/m);
  const ast = parseSchedule(one.text);
  assert.deepEqual(ast.errors, []);
  const lint = lintSchedule(ast);
  // Every layer lints clean: convolutions, the group convolution, the transposed one, dense.
  assert.deepEqual(
    lint.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.equal(lint.layers.length, 6);
  const four = lintSchedule(parseSchedule(out[1]!.text));
  assert.deepEqual(
    four.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual(four.layers[0]!.layer.tile, { b: 4, h: 2, w: 56, ci: 8, co: 64 });
});

test('import then export: the workload and knobs of every imported line, and an edited layer gets a new index and cost', () => {
  const log = parseAutotvmLog(LOG);
  const all = new Map<string, string>();
  for (const s of importAutotvm(log, 'my.log')) {
    const ast = parseSchedule(s.text);
    const lint = lintSchedule(ast);
    const exported = exportAutotvm(ast, lint.target!, { now: 1, estimateSeconds: () => 0.5 });
    assert.deepEqual(exported.problems, []);
    for (const line of exported.lines) {
      const j = JSON.parse(line) as { input: unknown[]; config: { entity: unknown } };
      all.set(JSON.stringify([j.input, j.config.entity]), line);
    }
    // Unchanged layers keep their record whole (input, index, result).
    for (const l of s.layers)
      assert.ok(
        exported.lines.some((x) => JSON.stringify(JSON.parse(x)) === JSON.stringify(l.record.json)),
        l.name,
      );
  }
  for (const r of log.records) {
    const j = JSON.parse(r.text) as { input: unknown[]; config: { entity: unknown } };
    assert.ok(all.has(JSON.stringify([j.input, j.config.entity])), `line ${r.line} not reproduced`);
  }
  // Re-read, the exported lines give the same workloads and knobs.
  const again = parseAutotvmLog([...all.values()].join('\n'));
  assert.deepEqual(again.problems, []);
  const key = (r: AutotvmRecord) => JSON.stringify([r.model, r.workload, r.tile, r.threads]);
  assert.deepEqual(new Set(again.records.map(key)), new Set(log.records.map(key)));

  // A layer tuned here: the knobs are its own, with TVM's index, the estimate as its cost.
  const s = importAutotvm(log, 'my.log')[0]!;
  const edited = s.text.replace(
    'tile   b=1 h=7 w=7 ci=16 co=256\n  threads oc=2 h=1',
    'tile   b=1 h=7 w=7 ci=32 co=128\n  threads oc=2 h=1',
  );
  const ast = parseSchedule(edited);
  const out = exportAutotvm(ast, lintSchedule(ast).target!, {
    now: 42,
    estimateSeconds: (n) => (n === 'conv2d_1x256x14x14_512x256x3x3_s2' ? 0.0031 : undefined),
  });
  const rec = JSON.parse(out.lines[0]!) as { config: { index: number; entity: unknown[] }; result: unknown[] };
  assert.deepEqual(rec.config.entity, [
    ['tile_b', 'sp', [1, 1]],
    ['tile_h', 'sp', [1, 7]],
    ['tile_w', 'sp', [1, 7]],
    ['tile_ci', 'sp', [8, 2]],
    ['tile_co', 'sp', [4, 8]],
    ['oc_nthread', 'ot', 2],
    ['h_nthread', 'ot', 1],
  ]);
  // tile_h 1 of 2 choices, tile_w 1 of 2, tile_ci 1 (inner 2) of 5, tile_co 3 (inner 8) of 6, oc 1 of 2.
  assert.equal(rec.config.index, 1 + 1 * 2 + 1 * 4 + 3 * 20 + 1 * 120);
  assert.deepEqual(rec.result, [[0.0031], 0, 0, 42]);
});

test("export without an import comment: TVM's packed arguments; shapes that are not whole blocks are refused", () => {
  const text = `target ${M1}\nconv2d a {\n  input = 1x32x8x8\n  filter = 64x16x3x3\n  pad = 1\n  groups = 2\n  tile b=1 h=4 w=8 ci=16 co=16\n}\ndense b {\n  input = 1x20\n  weight = 16x20\n}\n`;
  const ast = parseSchedule(text);
  const out = exportAutotvm(ast, lintSchedule(ast).target!, { now: 1 });
  assert.deepEqual(
    out.problems.map((p) => [p.layer, p.line]),
    [['b', 9]],
  );
  assert.match(out.problems[0]!.message, /input channels \(BLOCK_IN\): 20 is not a multiple of 16/);
  const rec = JSON.parse(out.lines[0]!) as { input: unknown[]; result: unknown[] };
  assert.deepEqual(rec.input, [
    `ext_dev -device=vta -keys=cpu -model=${M1}`,
    'group_conv2d_packed.vta',
    [
      ['TENSOR', [1, 2, 8, 8, 1, 16], 'int8'],
      ['TENSOR', [4, 1, 3, 3, 16, 16], 'int8'],
      [1, 1],
      [1, 1, 1, 1],
      [1, 1],
      2,
      'int32',
    ],
    {},
  ]);
  assert.deepEqual(rec.result, [[1], 0, 0, 1]); // not estimated: any measured record wins
});

test("the shipped ResNet-18 exported: each layer's config index is the one its tophub record has (named in its comment)", () => {
  const text = readFileSync(join(import.meta.dirname, '../../examples/resnet18.vtasched'), 'utf8');
  const ast = parseSchedule(text);
  const out = exportAutotvm(ast, lintSchedule(ast).target!, { now: 1 });
  assert.deepEqual(out.problems, []);
  const recorded = [...text.matchAll(/tophub: config (\d+),/g)].map((m) => Number(m[1]));
  assert.equal(recorded.length, 10);
  assert.deepEqual(
    out.lines.map((l) => (JSON.parse(l) as { config: { index: number } }).config.index),
    recorded,
  );
});
