/**
 * The hardware sweep: space files read with clear errors, the resource rule on the
 * stock design, a front where no feasible design beats another on both axes, shards
 * that merge into the very output of one run, and the best design's layers lowered,
 * checked clean and simulated to the cycles the sweep ranked them by.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG_KEYS, shippedTarget } from '../../core/isa';
import { lintSchedule, parseSchedule } from '../../core/schedule';
import {
  designConfigJson,
  designSchedule,
  designsOf,
  designTarget,
  markPareto,
  readSpace,
  shardOf,
  SpaceError,
  type DesignResult,
  type ExploreOutput,
} from '../../core/schedule/explore';
import { bramsFor, designResources, fpgaPart } from '../../core/schedule/fpga';
import { checkLoweredLayers } from '../../core/schedule/lowered-checks';

const NETWORK = `target pynq

conv2d a {
  input  = 1x32x8x8
  filter = 32x32x3x3
  pad    = 1
  epilogue shr 8, max 0, min 127
}

dense fc {
  input  = 1x64
  weight = 32x64
}

network net {
  cpu stem us=1500
  a repeat=3
  fc
  cpu softmax
}
`;

const SPACE = {
  fpga: 'pynq-z1',
  clockMHz: [100, 150],
  LOG_BLOCK: [4, 5],
  splits: [{ LOG_WGT_BUFF_SIZE: 18 }, { LOG_WGT_BUFF_SIZE: 16 }],
};

test('space files: every design in a fixed order; unknown keys, FPGAs and values named', () => {
  const space = readSpace(SPACE);
  const designs = designsOf(space);
  assert.equal(designs.length, 8);
  assert.deepEqual(
    designs.map((d) => d.index),
    [...Array(8).keys()],
  );
  assert.deepEqual(
    designs.slice(0, 4).map((d) => [d.config.LOG_BLOCK, d.config.LOG_WGT_BUFF_SIZE, d.clockMHz]),
    [
      [4, 18, 100],
      [4, 18, 150],
      [4, 16, 100],
      [4, 16, 150],
    ],
  );
  // Shards: disjoint, together every design.
  const shards = [1, 2, 3].map((i) => shardOf(designs, i, 3));
  assert.deepEqual(
    shards
      .flat()
      .map((d) => d.index)
      .sort((a, b) => a - b),
    designs.map((d) => d.index),
  );
  for (const [bad, why] of [
    [{ ...SPACE, LOG_BLOK: [4] }, /unknown key LOG_BLOK/],
    [{ ...SPACE, fpga: 'virtex' }, /unknown 'virtex'/],
    [{ ...SPACE, LOG_BLOCK: [4.5] }, /LOG_BLOCK: 4.5 is not an integer/],
    [{ ...SPACE, LOG_BLOCK_IN: [4], LOG_BLOCK_OUT: [5], LOG_BLOCK: undefined }, /differ/],
    [[1, 2], /JSON object/],
  ] as const)
    assert.throws(
      () => readSpace(bad),
      (e: Error) => e instanceof SpaceError && why.test(e.message),
    );
});

test('resources: the rule on the stock 1x16x16 design (docs/how-to/explore-designs.md)', () => {
  // UOP 8192x32 -> 8, INP 2048x128 -> 8, WGT 1024x2048 -> 57, ACC 2048x512 -> 29, OUT 2048x128 -> 8.
  const r = designResources(shippedTarget('pynq')!, fpgaPart('pynq-z1')!);
  assert.deepEqual(r.brams, { UOP: 8, INP: 8, WGT: 57, ACC: 29, OUT: 8 });
  assert.equal(r.bram, 110);
  assert.equal(r.dsp, 128); // two int8 products per DSP48
  assert.equal(bramsFor('xilinx', 512, 72), 1);
  assert.equal(bramsFor('intel', 1024, 10), 1);
  assert.equal(designResources(shippedTarget('pynq')!, fpgaPart('de10-nano')!).dsp, Math.ceil(256 / 3));
  const bad = designTarget({
    index: 0,
    clockMHz: 100,
    config: { ...DEFAULT_CONFIG_KEYS, TARGET: 'pynq', LOG_BLOCK: 8, LOG_BUS_WIDTH: 6 },
  });
  assert.ok('problem' in bad && /page|bits|smaller/.test(bad.problem), JSON.stringify(bad));
});

test('the front: no feasible design is beaten on both latency and block RAM by a front design, and every other feasible one is', () => {
  const d = (index: number, bram: number, latencyMs: number | null, feasible = true): DesignResult => ({
    index,
    config: { ...DEFAULT_CONFIG_KEYS, LOG_BUS_WIDTH: 6 },
    clockMHz: 100,
    resources: { bram, dsp: 0 },
    feasible,
    reasons: [],
    peakGops: 1,
    latencyMs,
    fps: null,
    imagesPerRun: 1,
    pareto: false,
    layers: [],
  });
  const rs = markPareto([
    d(0, 100, 5),
    d(1, 80, 6),
    d(2, 80, 7),
    d(3, 120, 4),
    d(4, 120, 5),
    d(5, 50, 1, false),
    d(6, 100, 5),
  ]);
  assert.deepEqual(
    rs.filter((r) => r.pareto).map((r) => r.index),
    [0, 1, 3, 6],
  );
});

function explore(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/vta.cjs'), 'explore', ...args], {
    encoding: 'utf8',
    cwd,
  });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

test('vta explore: four shards merged give the output of one run, and the best design lowers, checks clean and simulates to its ranked cycles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-explore-'));
  writeFileSync(join(dir, 'net.vtasched'), NETWORK);
  writeFileSync(join(dir, 'space.json'), JSON.stringify(SPACE));
  const whole = JSON.parse(
    explore(['net.vtasched', '--space', 'space.json', '--format', 'json', '--jobs', '2'], dir).stdout,
  ) as ExploreOutput;
  assert.equal(whole.designs.length, 8);
  assert.ok(whole.designs.some((x) => x.pareto));
  for (let i = 1; i <= 4; i++)
    explore(
      [
        'net.vtasched',
        '--space',
        'space.json',
        '--format',
        'json',
        '--jobs',
        '1',
        '--shard',
        `${i}/4`,
        '-o',
        `part${i}.json`,
      ],
      dir,
    );
  const merged = JSON.parse(
    explore(['merge', 'part1.json', 'part2.json', 'part3.json', 'part4.json', '--format', 'json'], dir).stdout,
  ) as ExploreOutput;
  assert.deepEqual(merged, whole);
  const missing = spawnSync(process.execPath, [join(process.cwd(), 'bin/vta.cjs'), 'explore', 'merge', 'part1.json'], {
    encoding: 'utf8',
    cwd: dir,
  });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /6 of 8 designs are missing/);

  // The network's repeats count in the latency; its CPU part is listed apart.
  assert.deepEqual(whole.network, { name: 'net', cpuMs: 1.5 });
  for (const d of whole.designs.filter((x) => x.latencyMs !== null)) {
    assert.deepEqual(
      d.layers.map((l) => [l.layer, l.repeat]),
      [
        ['a', 3],
        ['fc', 1],
      ],
    );
    const cycles = d.layers.reduce((sum, l) => sum + l.cycles! * l.repeat, 0);
    assert.ok(Math.abs(d.latencyMs! - cycles / d.clockMHz / 1000) < 1e-3, `${d.latencyMs} vs ${cycles}`);
  }
  const best = whole.designs.filter((x) => x.pareto).sort((a, b) => a.latencyMs! - b.latencyMs!)[0]!;
  const t = designTarget(best);
  assert.ok(!('problem' in t));
  // The design's tuned schedule, as the editor writes it beside its vta_config.json.
  const text = designSchedule(NETWORK, parseSchedule(NETWORK), best);
  assert.match(text, /^target "vta_config\.json"$/m);
  const tuned = parseSchedule(text);
  const lint = lintSchedule(tuned, { target: t });
  assert.deepEqual(
    lint.diagnostics.filter((x) => x.severity === 'error'),
    [],
  );
  const full = checkLoweredLayers(tuned, lint, { file: 'net.vtasched' });
  assert.deepEqual(
    full.diagnostics.filter((x) => x.severity === 'error'),
    [],
  );
  assert.deepEqual(
    full.estimates.map((e) => [e.name, e.cycles]),
    best.layers.map((l) => [l.layer, l.cycles]),
  );
  const csv = explore(['net.vtasched', '--space', 'space.json', '--format', 'csv', '--jobs', '1'], dir)
    .stdout.trim()
    .split('\n');
  assert.equal(csv.length, 9);
  assert.match(csv[0]!, /^index,gemm,.*latencyMs,fps,pareto$/);
  assert.ok(readFileSync(join(dir, 'part1.json'), 'utf8').includes('"shard"'));
  // Its vta_config.json describes the same target.
  assert.deepEqual(designConfigJson(best), { ...t.keys });
});
