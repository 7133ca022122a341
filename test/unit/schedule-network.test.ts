/**
 * Networks in a schedule: the syntax and its findings, the sums (cycles, shares, CPU
 * apart, frames per second), and the shipped ResNet-18: clean, every layer estimated,
 * the fast path's cycles those of the full lowered-checks path.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  checkLoweredLayers,
  estimateNetwork,
  estimateNetworks,
  lintSchedule,
  networkEstimates,
  parseSchedule,
  readNetworks,
} from '../../core/schedule';

const LAYERS = `target default
conv2d a {
  input = 1x16x8x8
  filter = 16x16x3x3
  pad = 1
}
dense b {
  input = 1x16
  weight = 32x16
}
`;

test('network syntax: layer lines with repeat, cpu lines with an assumed time, in order', () => {
  const ast = parseSchedule(
    `${LAYERS}network net {\n  cpu stem us=1500 ; on the host\n  a repeat=3\n  b\n  cpu softmax\n}\n`,
  );
  assert.deepEqual(ast.errors, []);
  const { networks, diagnostics } = readNetworks(ast);
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(
    networks[0]!.entries.map((e) => [e.kind, e.name, e.repeat, e.cpuMicroseconds, e.op?.name]),
    [
      ['cpu', 'stem', 1, 1500, undefined],
      ['layer', 'a', 3, undefined, 'a'],
      ['layer', 'b', 1, undefined, 'b'],
      ['cpu', 'softmax', 1, undefined, undefined],
    ],
  );
  const e = networks[0]!.entries[1]!;
  assert.deepEqual(
    [e.nameRange.start, e.range.end],
    [
      { line: 12, character: 2 },
      { line: 12, character: 12 },
    ],
  );
});

test('network findings: unknown layer, a word that is not cpu, unknown keys, bad values, a second definition', () => {
  const text = `${LAYERS}network net {\n  c\n  gpu a\n  a times=2\n  a repeat=0\n  cpu x us=abc\n}\nnetwork a {\n  b\n}\n`;
  const lint = lintSchedule(parseSchedule(text));
  assert.deepEqual(
    lint.diagnostics.map((d) => `${d.range.start.line + 1} ${d.code}: ${d.message}`),
    [
      "12 vtasched.network: net: no layer named 'c' (the file has a, b); an operator that runs on the CPU is written `cpu c us=…`",
      "13 vtasched.network: 'gpu a': a network line is a layer name (`a repeat=2`) or a CPU operator (`cpu a us=1200`)",
      "14 vtasched.name.key: unknown key 'times' on a layer line: expected repeat",
      '15 vtasched.value: repeat must be a positive integer',
      '16 vtasched.value: us must be a whole number of microseconds',
      "18 vtasched.name.duplicate: a second definition of 'a': networks and layers share one namespace",
    ],
  );
  // A malformed line is a syntax error; recovery keeps what parsed, and the next lines.
  const bad = parseSchedule(`${LAYERS}network n {\n  a repeat=\n  b\n}\n`);
  assert.equal(bad.errors.length > 0, true);
  assert.deepEqual(
    readNetworks(bad).networks[0]?.entries.map((e) => e.name),
    ['a', 'b'],
  );
});

test("a network's sums: cycles x runs, shares of the VTA time, the CPU part apart, latency and frames per second", () => {
  const { networks } = readNetworks(
    parseSchedule(`${LAYERS}network net {\n  cpu stem us=1500\n  a repeat=3\n  b\n  cpu pool\n}\n`),
  );
  const costs = {
    a: { cycles: 100_000, gemmUtilisation: 0.9, dramBytes: 1000, bound: 'compute' as const },
    b: { cycles: 50_000, gemmUtilisation: 0.1, dramBytes: 4000, bound: 'dram' as const },
  };
  const n = estimateNetwork(networks[0]!, (name) => costs[name as 'a' | 'b'], { clockMHz: 100, batchOf: () => 4 });
  assert.equal(n.vtaCycles, 350_000);
  assert.equal(n.vtaMicroseconds, 3500);
  assert.equal(n.cpuMicroseconds, 1500);
  assert.deepEqual(n.cpuUnknown, ['pool']);
  assert.equal(n.latencyMicroseconds, 5000);
  assert.equal(n.batch, 4);
  assert.equal(n.framesPerSecond, 800); // 4 images per 5 ms
  assert.deepEqual(
    n.rows.map((r) => [r.name, r.cycles, r.microseconds, r.share, r.dramBytes, r.bound]),
    [
      ['stem', undefined, 1500, undefined, undefined, undefined],
      ['a', 300_000, 3000, 300_000 / 350_000, 3000, 'compute'],
      ['b', 50_000, 500, 50_000 / 350_000, 4000, 'dram'],
      ['pool', undefined, undefined, undefined, undefined, undefined],
    ],
  );
  // A layer without an estimate is named and left out of the sums.
  const partial = estimateNetwork(networks[0]!, (name) => (name === 'a' ? costs.a : undefined), {
    clockMHz: 100,
    batchOf: () => 1,
  });
  assert.deepEqual([partial.complete, partial.missing, partial.vtaCycles], [false, ['b'], 300_000]);
});

test("the shipped ResNet-18: no error, every layer of the network estimated; the fast path gives the lowered checks' cycles", () => {
  const ast = parseSchedule(readFileSync(join(import.meta.dirname, '../../examples/resnet18.vtasched'), 'utf8'));
  const lint = lintSchedule(ast);
  assert.deepEqual(
    lint.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const [net] = estimateNetworks(ast, lint);
  assert.ok(net && net.complete, JSON.stringify(net?.missing));
  assert.equal(
    net.rows.filter((r) => r.kind === 'layer').reduce((s, r) => s + r.repeat, 0),
    19,
  ); // ResNet-18's convolutions after the first
  assert.deepEqual(
    net.rows.filter((r) => r.kind === 'cpu').map((r) => r.name),
    ['conv1', 'maxpool', 'avgpool', 'fc', 'softmax'],
  );
  assert.ok(Math.abs(net.rows.reduce((s, r) => s + (r.share ?? 0), 0) - 1) < 1e-9);
  const full = checkLoweredLayers(ast, lint, { file: 'resnet18.vtasched' });
  assert.deepEqual(
    full.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const [same] = networkEstimates(ast, lint, full.estimates);
  assert.equal(same!.vtaCycles, net.vtaCycles);
  assert.ok(net.framesPerSecond > 0 && net.vtaFramesPerSecond > net.framesPerSecond);
});
