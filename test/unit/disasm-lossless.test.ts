/**
 * `disasm --dram` loses no byte: every stream that checks clean re-assembles to the
 * same instruction and image bytes, whatever its accesses look like.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleText, decodeStream, disassemble, memoryHost } from '../../core/asm';
import { checkProgram } from '../../core/analysis/check';
import { MemType, encodeProgram } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { ProgramBuilder } from '../support/program-builder';
import { randomProgram } from '../support/random-built-program';

const significant = (p: Program, file: string, prior: Parameters<typeof checkProgram>[2] = []) =>
  checkProgram(p, file, prior)
    .filter((d) => d.severity !== 'info')
    .map((d) => `${d.code}`)
    .sort();

/** Stream → disasm with the image → asm; the findings of the stream and of the text. */
function roundTrip(p: Program) {
  const t = p.target;
  const bytes = encodeProgram(
    t,
    p.insns.map((x) => x.insn),
  );
  const decoded = decodeStream(t, bytes, 'x.insn.bin');
  assert.deepEqual(decoded.diagnostics, []);
  const dis = disassemble(decoded.insns, { target: t, dram: p.dram, imagePath: 'x.dram.bin' });
  assert.deepEqual(dis.problems, []);
  const again = assembleText(dis.text, {
    file: 'x.vta',
    host: memoryHost({ 'x.vta': dis.text, 'x.dram.bin': p.dram }),
  });
  assert.ok(again.program, dis.text);
  return { bytes, dis: dis.text, again: again.program, diagnostics: again.diagnostics };
}

test('1,000 random valid streams (overlapping, strided, padded, 2-D accesses) round-trip byte for byte', () => {
  for (let seed = 1; seed <= 1000; seed++) {
    const p = randomProgram(seed);
    const before = significant(p, 'r.vta');
    assert.ok(!before.some((c) => c.startsWith('vta.bounds')), `seed ${seed}`);
    const rt = roundTrip(p);
    assert.deepEqual(
      encodeProgram(
        p.target,
        rt.again.insns.map((x) => x.insn),
      ),
      rt.bytes,
      `seed ${seed}\n${rt.dis}`,
    );
    assert.deepEqual(rt.again.dram, p.dram, `seed ${seed}`);
    // The text checks as the stream does; a kernel the stream runs whole may carry a
    // real micro-op distance warning, which a bare stream has no kernel to report on.
    const after = significant(rt.again, 'x.vta', rt.diagnostics).filter((c) => c !== 'vta.uop.distance');
    assert.deepEqual(
      after,
      before.filter((c) => c !== 'vta.uop.distance'),
      `seed ${seed}\n${rt.dis}`,
    );
  }
});

test('overlapping strided, padded and 2-D accesses of two memory types get one tensor covering them all', () => {
  const b = new ProgramBuilder();
  const x = b.data('x', MemType.INP, 40);
  b.data('y', MemType.OUT, 8);
  b.load(MemType.INP, { sram: 0, dram: x, y: 3, x: 2, stride: 10, pad: [1, 1, 0, 2] }); // elements 0..21
  b.load(MemType.INP, { sram: 20, dram: x + 5, y: 2, x: 4, stride: 20 }); // elements 5..28, overlaps
  b.load(MemType.ACC_8BIT, { sram: 0, dram: x + 27, x: 5 }); // 27..31: the same 16-byte elements, another type
  b.finish();
  const p = b.build();
  const rt = roundTrip(p);
  assert.match(rt.dis, /^data inp0 : inp\[32\] @ 0$/m);
  assert.match(rt.dis, /load inp sram=20 dram=inp0 \+ 5 y=2 x=4 stride=20/);
  assert.match(rt.dis, /load acc8 sram=0 dram=27 x=5/);
  assert.deepEqual(
    encodeProgram(
      p.target,
      rt.again.insns.map((x) => x.insn),
    ),
    rt.bytes,
  );
  assert.deepEqual(rt.again.dram, p.dram);
  assert.deepEqual(
    significant(rt.again, 'x.vta', rt.diagnostics).filter((c) => c.startsWith('vta.bounds')),
    [],
  );
});

test('one LOAD UOP holding two kernels that GEMMs run apart gives no micro-op distance warning', () => {
  const b = new ProgramBuilder();
  b.data('x', MemType.INP, 2);
  b.data('w', MemType.WGT, 1);
  // Both halves write acc[0]: fine for two GEMMs, a distance violation inside one kernel.
  const uops = b.uops('both', [
    { dst: 0, src: 0, wgt: 0 },
    { dst: 0, src: 1, wgt: 0 },
  ]);
  b.load(MemType.INP, { sram: 0, dram: 0, x: 2 });
  b.load(MemType.WGT, { sram: 0, dram: 2, x: 1 });
  b.push('ld->ex');
  b.pop('ld->ex');
  b.load(MemType.UOP, { sram: 0, dram: uops, x: 2 });
  b.gemm({ uop: [0, 1], reset: true });
  b.gemm({ uop: [1, 2] });
  b.finish();
  const rt = roundTrip(b.build());
  assert.match(rt.dis, /load uop sram=0 dram=\d+ x=2/);
  assert.match(rt.dis, /gemm uop=1\.\.2/);
  assert.deepEqual(
    rt.diagnostics.filter((d) => d.code === 'vta.uop.distance'),
    [],
  );
  assert.deepEqual(
    encodeProgram(
      rt.again.target,
      rt.again.insns.map((x) => x.insn),
    ),
    rt.bytes,
  );
});
