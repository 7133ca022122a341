// vta import-autotvm, export-autotvm and the network part of vta estimate, as a user runs them (the built bundle).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOG, M1, M4 } from '../fixtures/autotvm/log';

function vta(args: string[], cwd = process.cwd()) {
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/vta.cjs'), ...args], {
    encoding: 'utf8',
    cwd,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('vta import-autotvm: a file per configuration; unmappable lines reported with their line numbers; --model picks one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-autotvm-'));
  writeFileSync(join(dir, 'tuned.log'), LOG);
  const r = vta(['import-autotvm', 'tuned.log'], dir);
  assert.equal(r.code, 1, r.err); // some lines could not be mapped
  assert.deepEqual(
    r.err
      .split('\n')
      .filter((l) => l.includes('autotvm.unmapped'))
      .map((l) => l.split(':')[1]),
    ['12', '14', '15', '16', '17'],
  );
  assert.match(r.err, /^wrote tuned\.pynq_1x16_i8w8a32_15_15_18_17\.vtasched: 6 layers for pynq_1x16/m);
  const four = readFileSync(join(dir, `tuned.${M4}.vtasched`), 'utf8');
  assert.match(four, new RegExp(`^target ${M4}$`, 'm'));
  // Both schedules lint, lower and check: vta check reports nothing (group and transposed layers included).
  const check = vta(['check', `tuned.${M4}.vtasched`, `tuned.${M1}.vtasched`], dir);
  assert.equal(check.code, 0, check.out + check.err);
  assert.equal(check.out, '');
  // One configuration to standard output; a config file beside the schedule on request.
  const one = vta(['import-autotvm', 'tuned.log', '--model', M1], dir);
  assert.match(one.out, /^conv2d conv2d_1x256x14x14_512x256x3x3_s2 \{$/m);
  const cfg = vta(['import-autotvm', 'tuned.log', '--model', M4, '--config-file', '-o', 'four.vtasched'], dir);
  assert.match(
    readFileSync(join(dir, 'four.vtasched'), 'utf8'),
    new RegExp(`^target "${M4}\\.vta_config\\.json"$`, 'm'),
  );
  assert.equal(JSON.parse(readFileSync(join(dir, `${M4}.vta_config.json`), 'utf8')).LOG_BATCH, 2, cfg.err);
  assert.equal(vta(['check', 'four.vtasched'], dir).code, 0);
  const none = vta(['import-autotvm', 'tuned.log', '--model', 'pynq_2x16_i8w8a32_15_15_18_17'], dir);
  assert.equal(none.code, 2);
  assert.match(none.err, /the log has no VTA record for it \(it has pynq_1x16_i8w8a32_15_15_18_17, pynq_4x8/);
});

test('vta export-autotvm: the imported records back, one line per layer, readable again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-autotvm-'));
  writeFileSync(join(dir, 'tuned.log'), LOG);
  vta(['import-autotvm', 'tuned.log', '--model', M4, '-o', 'four.vtasched'], dir);
  const r = vta(['export-autotvm', 'four.vtasched', '-o', 'back.log'], dir);
  assert.equal(r.code, 0, r.err);
  const back = readFileSync(join(dir, 'back.log'), 'utf8').trim().split('\n');
  assert.deepEqual(
    back.map((l) => JSON.parse(l)),
    [JSON.parse(LOG.split('\n')[10]!)],
  );
  assert.equal(vta(['export-autotvm', 'tuned.log'], dir).code, 2);
});

test('vta estimate: the shipped ResNet-18 as a network, with its total, frames per second and the CPU part apart', () => {
  const r = vta(['estimate', 'examples/resnet18.vtasched']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^network resnet18 on pynq_1x16_i8w8a32_15_15_18_17$/m);
  assert.match(r.out, /^ 3 +c2 +4 +[\d,]+ +[\d,]+ +\d+\.\d\d +\d+\.\d% +\d+% +\d+\.\d\d +compute$/m);
  assert.match(r.out, /^ 1 +cpu conv1 +1 +106\.96 +CPU \(assumed\)$/m);
  assert.match(r.out, /^VTA: [\d,]+ cycles, \d+\.\d\d ms$/m);
  assert.match(
    r.out,
    /^CPU \(the schedule's assumption, not modelled\): 109\.01 ms for conv1, maxpool, avgpool, fc, softmax; no time given for maxpool, avgpool, softmax$/m,
  );
  assert.match(
    r.out,
    /^latency \d+\.\d\d ms per run of 1 image: \d+\.\d\d frames\/s \(VTA part alone: \d+\.\d\d frames\/s\)$/m,
  );
  const j = JSON.parse(vta(['estimate', '--format', 'json', 'examples/resnet18.vtasched']).out) as {
    layers: Array<{ layer: string; cycles: number }>;
    networks: Array<{
      name: string;
      vtaCycles: number;
      rows: Array<{ name: string; repeat: number; cycles?: number }>;
    }>;
  };
  const each = new Map(j.layers.map((l) => [l.layer, l.cycles]));
  const net = j.networks[0]!;
  assert.equal(
    net.vtaCycles,
    net.rows.reduce((s, r) => s + (r.cycles === undefined ? 0 : each.get(r.name)! * r.repeat), 0),
  );
  const check = vta(['check', 'examples/resnet18.vtasched']);
  assert.equal(check.code, 0, check.out);
  assert.equal(check.out, '');
});
