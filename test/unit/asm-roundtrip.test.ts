import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { assembleText, decodeStream, disassemble, memoryHost } from '../../core/asm';
import { checkProgram } from '../../core/analysis/check';
import { encodeProgram, type VtaTarget } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { simulate } from '../../core/sim';
import { randomProgram } from '../support/random-program';

const VALID = readdirSync('examples')
  .filter((f) => f.endsWith('.vta'))
  .map((f) => `examples/${f}`);
const DEFECTS = readdirSync('examples/defects').map((f) => `examples/defects/${f}`);

function assemble(text: string, file = 'main.vta', files: Record<string, string | Uint8Array> = {}) {
  const r = assembleText(text, { file, host: memoryHost({ [file]: text, ...files }) });
  return r;
}

function bytesOf(p: Program): Uint8Array {
  return encodeProgram(
    p.target,
    p.insns.map((x) => x.insn),
  );
}

/** asm → disasm (with the image) → asm; returns both byte sets. */
function roundTrip(p: Program, target: VtaTarget) {
  const insnBytes = bytesOf(p);
  const decoded = decodeStream(target, insnBytes, 'x.insn.bin');
  assert.equal(decoded.diagnostics.length, 0);
  const dis = disassemble(decoded.insns, { target, dram: p.dram, imagePath: 'x.dram.bin' });
  assert.deepEqual(dis.problems, []);
  const again = assemble(dis.text, 'x.vta', { 'x.dram.bin': p.dram });
  const errors = again.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], dis.text);
  return { insn: [insnBytes, bytesOf(again.program!)], dram: [p.dram, again.program!.dram], text: dis.text };
}

test('every valid example checks clean: no error or warning', () => {
  for (const f of VALID) {
    const r = assemble(readFileSync(f, 'utf8'), f);
    const d = checkProgram(r.program!, f, r.diagnostics).filter((x) => x.severity !== 'info');
    assert.deepEqual(
      d.map((x) => `${x.code}: ${x.message}`),
      [],
      f,
    );
  }
});

test('out-of-bounds.vta: the two bounds errors with their computed ranges', () => {
  const f = 'examples/defects/out-of-bounds.vta';
  const r = assemble(readFileSync(f, 'utf8'), f);
  const d = checkProgram(r.program!, f, r.diagnostics).filter((x) => x.code.startsWith('vta.bounds'));
  assert.equal(d.length, 2);
  assert.equal(d[0]!.code, 'vta.bounds.inp');
  assert.equal(d[0]!.range.start.line, 11);
  assert.match(d[0]!.message, /2040\.\.2055/);
  assert.match(d[0]!.message, /2048 rows/);
  assert.equal(d[1]!.code, 'vta.bounds.wgt');
  assert.equal(d[1]!.range.start.line, 18);
  assert.match(d[1]!.message, /1020\.\.1024/);
  assert.match(d[1]!.message, /1024 rows/);
});

test('asm → disasm → asm gives identical instruction and DRAM bytes for every example', () => {
  for (const f of [...VALID, ...DEFECTS]) {
    const r = assemble(readFileSync(f, 'utf8'), f);
    const rt = roundTrip(r.program!, r.program!.target);
    assert.deepEqual(rt.insn[1], rt.insn[0], f);
    assert.deepEqual(rt.dram[1], rt.dram[0], f);
  }
});

test('asm → disasm → asm is a fixed point for 1,000 random valid programs', () => {
  for (let seed = 1; seed <= 1000; seed++) {
    const text = randomProgram(seed);
    const r = assemble(text);
    const d = checkProgram(r.program!, 'main.vta', r.diagnostics).filter((x) => x.severity !== 'info');
    assert.deepEqual(
      d.map((x) => `${x.range.start.line + 1}: ${x.code} ${x.message}`),
      [],
      text,
    );
    const rt = roundTrip(r.program!, r.program!.target);
    assert.deepEqual(rt.insn[1], rt.insn[0], text);
    assert.deepEqual(rt.dram[1], rt.dram[0], text);
  }
});

test('on a HW_VER 0.0.1 target a program that stores assembles clean and round-trips (OUT written as 0)', () => {
  const host = memoryHost({ '/w/v001.json': JSON.stringify({ HW_VER: '0.0.1' }) });
  const text = readFileSync('examples/gemm-block.vta', 'utf8').replace(/^target .*$/m, 'target "v001.json"');
  const a = assembleText(text, { file: '/w/p.vta', host });
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity !== 'info'),
    [],
  );
  const t = a.program!.target;
  const bytes = encodeProgram(
    t,
    a.program!.insns.map((p) => p.insn),
  );
  const stores = a
    .program!.insns.map((p, i) => [p.insn, i] as const)
    .filter(([insn]) => insn.opcode === 1 && insn.x_size > 0);
  assert.ok(stores.length > 0);
  // memory_type is bits 7–8 on 0.0.1: zero for every store.
  for (const [, i] of stores) assert.equal((bytes[i * 16]! >> 7) | ((bytes[i * 16 + 1]! & 1) << 1), 0);
  const listing = disassemble(decodeStream(t, bytes, 'p.insn.bin').insns, {
    target: t,
    targetText: '"v001.json"',
    dram: a.program!.dram,
    imagePath: 'p.dram.bin',
  });
  assert.deepEqual(listing.problems, []);
  const again = assembleText(listing.text, {
    file: '/w/q.vta',
    host: memoryHost({ '/w/v001.json': JSON.stringify({ HW_VER: '0.0.1' }), '/w/p.dram.bin': a.program!.dram }),
  });
  assert.deepEqual(
    again.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual(
    encodeProgram(
      t,
      again.program!.insns.map((p) => p.insn),
    ),
    bytes,
  );
  // And it runs: the simulator stores from OUT.
  assert.equal(simulate(a.program!, {}).status, 'finished');
});

test('without an image the disassembly re-assembles to the same instruction bytes', () => {
  for (const f of VALID) {
    const r = assemble(readFileSync(f, 'utf8'), f);
    const bytes = bytesOf(r.program!);
    const dis = disassemble(decodeStream(r.program!.target, bytes, 'x').insns, { target: r.program!.target });
    assert.match(dis.text, /uop=\d+\.\.\d+/);
    const again = assemble(dis.text, 'y.vta');
    assert.deepEqual(
      again.diagnostics.filter((x) => x.severity === 'error'),
      [],
    );
    assert.deepEqual(bytesOf(again.program!), bytes, f);
  }
});
