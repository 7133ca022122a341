// `vta import-dump`, `vta disasm --hex` and `vta decode` as a user runs them: the built bundle in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');

function vta(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/vta.cjs'), ...args], {
    encoding: 'utf8',
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('import-dump --target FILE -o: a quoted target line relative to the output; the program checks and runs to FINISH', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-import-'));
  mkdirSync(join(dir, 'cfg'));
  copyFileSync(join(ROOT, 'test/fixtures/dumps/block32_vta_config.json'), join(dir, 'cfg', 'vta_config.json'));
  copyFileSync(join(ROOT, 'test/fixtures/dumps/runtime-conv2d-block32.log'), join(dir, 'conv.log'));
  mkdirSync(join(dir, 'out'));
  const r = vta(['import-dump', 'conv.log', '--target', 'cfg/vta_config.json', '-o', 'out/conv.vta'], { cwd: dir });
  assert.equal(r.code, 0, r.err);
  const text = readFileSync(join(dir, 'out', 'conv.vta'), 'utf8');
  assert.match(text, /^target "\.\.\/cfg\/vta_config\.json"$/m);
  const check = vta(['check', 'out/conv.vta'], { cwd: dir });
  assert.equal(check.code, 0, check.out + check.err);
  const sim = vta(['sim', '--quiet', 'out/conv.vta'], { cwd: dir });
  assert.equal(sim.code, 0, sim.out + sim.err);
  // Written to standard output, the path stays as given.
  const stdout = vta(['import-dump', 'conv.log', '--target', 'cfg/vta_config.json'], { cwd: dir });
  assert.match(stdout.out, /^target "cfg\/vta_config\.json"$/m);
});

test("disasm --hex of a stream's hex lines gives the same program as disasm of its binary (file and standard input)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'vta-hex-'));
  for (const f of ['conv3x3.vta', 'gemv-two-threads.vta']) {
    const a = vta(['asm', `examples/${f}`, '-o', dir]);
    assert.equal(a.code, 0, a.err);
    const name = f.replace(/\.vta$/, '');
    const bin = readFileSync(join(dir, `${name}.insn.bin`));
    const lines: string[] = [];
    for (let i = 0; i < bin.length; i += 16)
      lines.push(
        `instr No.${i / 16} \t info: ${Buffer.from(bin.subarray(i, i + 16))
          .reverse()
          .toString('hex')}`,
      );
    writeFileSync(join(dir, `${name}.hex.log`), lines.join('\n') + '\n');
    const fromBin = vta(['disasm', join(dir, `${name}.insn.bin`)]);
    const fromHex = vta(['disasm', '--hex', join(dir, `${name}.hex.log`)]);
    const fromStdin = vta(['disasm', '--hex', '-'], { input: lines.join('\n') });
    assert.equal(fromHex.code, fromBin.code, fromHex.err);
    const body = (s: string) => s.split('\n').slice(1).join('\n');
    assert.equal(body(fromHex.out), body(fromBin.out), f);
    assert.equal(body(fromStdin.out), body(fromBin.out), f);
  }
});

test('disasm --hex --byte-order memory; --byte-order without --hex is a usage error', () => {
  const word = '13000000000000000000000000000000'; // FINISH in memory order
  const r = vta(['disasm', '--hex', '-', '--byte-order', 'memory'], { input: `${word}\n` });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^ {2}finish/m);
  assert.equal(vta(['disasm', 'x.bin', '--byte-order', 'memory']).code, 2);
});

test('decode prints each field of each word; a bad word exits 1', () => {
  const r = vta(['decode', '000000010001000400000001000001a0', '0x00000801']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^000000010001000400000001000001a0: LOAD ACC \(compute module\)$/m);
  assert.match(r.out, /^ +26-57 {2}dram_base {7}64$/m);
  assert.match(r.out, /^ {2}\.vta: load acc sram=0 dram=64 y=4 x=1$/m);
  assert.match(r.out, /^00000801: micro-op$/m);
  const bad = vta(['decode', '00000000000000000000000000000017']);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /problem: opcode 7/);
  assert.equal(vta(['decode', '1234']).code, 2);
});
