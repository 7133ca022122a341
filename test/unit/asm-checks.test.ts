// Each first-tier check with a program that triggers it (and the valid examples,
// elsewhere, that must not).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleText, memoryHost } from '../../core/asm';
import { checkAssembled } from '../../core/analysis/check';
import type { Diagnostic } from '../../core/lang/diagnostic';

const HEAD = 'target default\ndata a : inp[4]\ndata b : wgt[4]\ndata y : out[4]\n';

function check(body: string, files: Record<string, string | Uint8Array> = {}): Diagnostic[] {
  const text = HEAD + body;
  const r = assembleText(text, { file: 'main.vta', host: memoryHost({ 'main.vta': text, ...files }) });
  return checkAssembled(r, 'main.vta');
}

function only(d: Diagnostic[], code: string): Diagnostic[] {
  return d.filter((x) => x.code === code);
}

const line = (d: Diagnostic) => d.range.start.line - 4; // 0-based line within `body`

test('a field past its width is an error on the operand value', () => {
  const d = only(check('load inp sram=70000 dram=a x=1\nfinish\n'), 'vta.range.field');
  assert.equal(d.length, 1);
  assert.match(d[0]!.message, /sram_base = 70000 does not fit its 16-bit field \[0, 65535\]/);
  assert.equal(d[0]!.range.start.character, 14);
  const imm = only(check('kernel k { uop dst=0 src=0 }\nload uop k\nalu add k imm=40000\nfinish\n'), 'vta.range.field');
  assert.match(imm[0]!.message, /imm = 40000 does not fit its 16-bit signed field \[-32768, 32767\]/);
});

test('kernels: used before loading, overwritten, empty, RAW distance', () => {
  assert.equal(only(check('kernel k { uop dst=0 src=0 }\ngemm k\nfinish\n'), 'vta.kernel.not-loaded').length, 1);
  const over = only(
    check(
      'kernel k { uop dst=0 src=0 }\nkernel j { uop dst=1 src=0 }\nload uop k\nload uop j sram=0\ngemm k reset\nfinish\n',
    ),
    'vta.kernel.overwritten',
  );
  assert.equal(over.length, 1);
  assert.equal(line(over[0]!), 4);
  assert.equal(over[0]!.related?.length, 2);
  assert.equal(only(check('kernel e { }\nload uop e\nfinish\n'), 'vta.kernel.empty').length, 1);
  const dist = only(
    check('kernel k { uop dst=0 src=0\n uop dst=1 src=0\n uop dst=0 src=1 }\nload uop k\ngemm k reset\nfinish\n'),
    'vta.uop.distance',
  );
  assert.equal(dist.length, 1);
  assert.equal(dist[0]!.severity, 'warning');
  assert.equal(line(dist[0]!), 2);
  assert.equal(
    only(
      check(
        'kernel k { uop dst=0 src=0\n uop dst=1 src=0\n uop dst=2 src=0\n uop dst=0 src=1 }\nload uop k\ngemm k reset\nfinish\n',
      ),
      'vta.uop.distance',
    ).length,
    0,
  );
});

test('a kernel that overflows the UOP buffer is a bounds error', () => {
  const d = only(
    check('kernel big { for i in 0..100 { uop dst=i src=0 } }\nload uop big sram=8150\nfinish\n'),
    'vta.bounds.uop',
  );
  assert.equal(d.length, 1);
  assert.match(d[0]!.message, /8150\.\.8249/);
});

test('reads of rows nothing wrote are warnings; written rows are not', () => {
  const d = only(check('kernel k { uop dst=0 src=2 wgt=1 }\nload uop k\ngemm k reset\ngemm k\nfinish\n'), 'vta.uninit');
  assert.deepEqual(d.map((x) => /INP|WGT/.exec(x.message)![0]).sort(), ['INP', 'WGT']);
  const ok = check(
    'kernel k { uop dst=0 src=0 }\nload inp sram=0 dram=a x=1\nload wgt sram=0 dram=b x=1\npush ld->ex\nload uop k\npop ld->ex\ngemm k reset\ngemm k\nfinish\n',
  );
  assert.equal(only(ok, 'vta.uninit').length, 0);
});

test('STORE of rows last written by LOAD ACC is a fidelity warning', () => {
  const body =
    'data c : acc[1]\nload acc sram=0 dram=c x=1\npush ex->st\npop ex->st\nstore out sram=0 dram=y x=1\npush st->ex\npop st->ex\nfinish\n';
  assert.equal(only(check(body), 'vta.fidelity.store-after-load').length, 1);
  const fixed = body.replace('push ex->st', 'kernel k { uop dst=0 src=0 }\nload uop k\nalu shr k imm=0\npush ex->st');
  assert.equal(only(check(fixed), 'vta.fidelity.store-after-load').length, 0);
});

test('mul and acc8 warn on hardware targets, and mul is unknown on HW_VER 0.0.1', () => {
  const body = 'kernel k { uop dst=0 src=0 }\nload uop k\nalu mul k imm=3\nfinish\n';
  assert.equal(only(check(body), 'vta.fidelity.mul').length, 0);
  const pynq = (HEAD + body).replace('target default', 'target pynq');
  const r = assembleText(pynq, { file: 'p.vta' });
  assert.equal(r.diagnostics.filter((x) => x.code === 'vta.fidelity.mul').length, 1);
  const cfg = JSON.stringify({ HW_VER: '0.0.1' });
  const old = (HEAD + body).replace('target default', 'target "old.json"');
  const r2 = assembleText(old, { file: 'o.vta', host: memoryHost({ 'o.vta': old, 'old.json': cfg }) });
  assert.ok(r2.diagnostics.some((x) => x.code === 'vta.name.aluop' && /HW_VER 0\.0\.2/.test(x.message)));
});

test('FINISH: missing, and instructions after it', () => {
  assert.equal(only(check('nop ld\n'), 'vta.finish.missing').length, 1);
  const after = only(check('finish\nnop ld\n'), 'vta.finish.after');
  assert.equal(after.length, 1);
  assert.equal(line(after[0]!), 1);
});

test('DRAM bounds: past a tensor and past the image', () => {
  const d = only(check('load inp sram=0 dram=a x=6\nfinish\n'), 'vta.bounds.dram');
  assert.equal(d.length, 1);
  assert.match(d[0]!.message, /past the end of 'a'/);
  const img = only(check('load inp sram=0 dram=100000 x=1\nfinish\n'), 'vta.bounds.dram');
  assert.match(img[0]!.message, /past the end of the \d+-byte DRAM image/);
});

test('token folding: a push with no instruction before it gets a nop, said as info', () => {
  const r = assembleText('push st->ex\npop st->ex\nfinish\n', { file: 't.vta' });
  const info = r.diagnostics.filter((x) => x.code === 'vta.tokens.nop');
  assert.equal(info.length, 1);
  assert.equal(info[0]!.severity, 'info');
  const insns = r.program!.insns;
  assert.equal(insns[0]!.module, 'st');
  assert.equal(insns[0]!.insn.push_prev_dep, 1);
  assert.equal(insns[1]!.insn.pop_next_dep, 1); // carried by finish
});

test('names: duplicates, unknown names, include cycles and unreadable files', () => {
  assert.equal(only(check('const a = 1\nfinish\n'), 'vta.name.duplicate').length, 1);
  assert.equal(only(check('load inp sram=nope dram=a x=1\nfinish\n'), 'vta.name.unknown').length, 1);
  const cyc = check('include "x.vta"\nfinish\n', { 'x.vta': 'include "main.vta"\n' });
  assert.equal(only(cyc, 'vta.name.include-cycle').length, 1);
  const inc = check('include "c.vta"\nload inp sram=0 dram=a x=N\npush ld->ex\npop ld->ex\nfinish\n', {
    'c.vta': 'const N = 2\n',
  });
  assert.deepEqual(
    inc.filter((x) => x.severity === 'error'),
    [],
  );
  assert.equal(only(check('include "missing.vta"\nfinish\n'), 'vta.name.file').length, 1);
  assert.equal(only(check('load inp sram=0 dram=a\nfinish\n'), 'vta.name.missing').length, 1);
});

test('unknown and impossible targets are errors on the target line', () => {
  const r = assembleText('target nosuch\nfinish\n', { file: 't.vta' });
  assert.equal(r.diagnostics[0]!.code, 'vta.name.target');
  assert.equal(r.program, undefined);
  const bad = JSON.stringify({ LOG_BLOCK: 7 });
  const r2 = assembleText('target "big.json"\nfinish\n', { file: 't.vta', host: memoryHost({ 'big.json': bad }) });
  assert.equal(r2.diagnostics[0]!.code, 'vta.target.config');
  assert.match(r2.diagnostics[0]!.message, /larger than the 4096 B page/);
});

test('data initialisers: lists, files and their sizes', () => {
  const r = assembleText('data t : acc[1] = [1, -2]\ndata u : inp[1] = file("u.bin")\nfinish\n', {
    file: 'd.vta',
    host: memoryHost({ 'u.bin': new Uint8Array(16).fill(7) }),
  });
  assert.deepEqual(r.diagnostics, []);
  const dv = new DataView(r.program!.dram.buffer);
  assert.equal(dv.getInt32(0, true), 1);
  assert.equal(dv.getInt32(4, true), -2);
  assert.equal(dv.getInt32(8, true), 0);
  assert.equal(r.program!.dram[64], 7);
  const wrong = assembleText('data u : inp[2] = file("u.bin")\nfinish\n', {
    file: 'd.vta',
    host: memoryHost({ 'u.bin': new Uint8Array(16) }),
  });
  assert.match(wrong.diagnostics[0]!.message, /has 16 bytes; 2 inp elements need exactly 32/);
  const big = assembleText('data t : inp[1] = [200]\nfinish\n', { file: 'd.vta' });
  assert.match(big.diagnostics[0]!.message, /does not fit int8/);
});

test('a kernel placed over a data tensor is an error; inside a bare image it is not', () => {
  const d = only(check('kernel k @ 16 { uop dst=0 src=0 }\nload uop k\nfinish\n'), 'vta.bounds.dram');
  assert.equal(d.length, 1);
  assert.match(d[0]!.message, /overlaps tensor 'a' \(bytes 0\.\.63\)/);
  const img = new Uint8Array(64);
  const text = 'image "x.bin"\ndata v : inp[4] @ 0\nkernel k @ 16 { uop dst=0 src=0 }\nload uop k\nfinish\n';
  const r = assembleText(text, { file: 'i.vta', host: memoryHost({ 'x.bin': img }) });
  assert.deepEqual(
    r.diagnostics.filter((x) => x.code === 'vta.bounds.dram'),
    [],
  );
});

test('a memory name inherited from Object.prototype is still an unknown memory', () => {
  for (const name of ['constructor', 'toString', '__proto__']) {
    const d = only(check(`load ${name} sram=0 dram=a x=1\nfinish\n`), 'vta.name.mem');
    assert.equal(d.length, 1, name);
    assert.equal(line(d[0]!), 0);
  }
});

test('the assembler reports plain ranges: no getters, so a diagnostic clones and compares as it prints', () => {
  const text =
    'const K = 1\nconst K = 2\ndata x : inp[4]\nkernel g(r) { uop dst=r src=0 }\nload uop g(1, 2) sram=0\nload inp sram=nope dram=x y=1 x=1\nfinish\n';
  const d = assembleText(text, { file: 'p.vta' }).diagnostics;
  assert.ok(d.length >= 3, JSON.stringify(d));
  for (const x of [...d, ...d.flatMap((y) => y.related ?? [])]) {
    for (const r of [x.range, x.range.start, x.range.end])
      assert.equal(Object.getPrototypeOf(r), Object.prototype, x.message);
    assert.deepEqual(structuredClone(x.range), JSON.parse(JSON.stringify(x.range)));
  }
});
