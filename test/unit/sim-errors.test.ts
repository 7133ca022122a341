/**
 * Every place where fsim aborts (CHECK failure, fatal log, crash, endless loop)
 * stops the simulator with a SimError that names the instruction, gives the numbers
 * and points at the source line — in functional and in timing mode alike.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assembleText } from '../../core/asm';
import { MemType, Opcode } from '../../core/isa';
import type { Program } from '../../core/program/program';
import type { SimMode } from '../../core/sim';
import { SimError, simulate } from '../../core/sim';
import { ProgramBuilder, int8Bytes } from '../support/program-builder';

const MODES: SimMode[] = ['functional', 'both', 'timing'];

/** Runs in every mode; all must stop with the same error at the same instruction. */
function expectError(p: Program, code: string, index: number, patterns: RegExp[]): SimError {
  let first: SimError | undefined;
  for (const mode of MODES) {
    const r = simulate(p, { mode });
    assert.ok(r.error instanceof SimError, `${mode}: expected an error, got status ${r.status}`);
    assert.equal(r.error.code, code, `${mode}: ${r.error.message}`);
    assert.equal(r.error.insnIndex, index, mode);
    assert.equal(r.status, code === 'deadlock' ? 'deadlock' : 'error');
    for (const re of patterns) assert.match(r.error.message, re, `${mode}: ${r.error.message}`);
    assert.deepEqual(r.error.source?.start.line, index, 'source of the built instruction');
    first ??= r.error;
  }
  return first!;
}

/** A builder with INP, WGT, ACC tensors and a one-uop kernel loaded at uop 0. */
function setup(uops = [{ dst: 0, src: 0, wgt: 0 }]) {
  const b = new ProgramBuilder();
  const t = {
    x: b.data('x', MemType.INP, 16, int8Bytes(new Array(256).fill(1))),
    w: b.data('w', MemType.WGT, 4),
    a: b.data('a', MemType.ACC, 16),
    y: b.data('y', MemType.OUT, 16),
    u: b.uops('k', uops),
  };
  return { b, t };
}

describe('SRAM ranges', () => {
  it('LOAD: sram_base + X·Y (padding included) past the depth', () => {
    const { b, t } = setup();
    b.load(MemType.INP, { sram: 2040, dram: t.x, x: 4, pad: [1, 0, 2, 2] });
    b.finish();
    const e = expectError(b.build(), 'sram-out-of-range', 0, [
      /16 rows \(2×8 with padding\)/,
      /sram_base 2040/,
      /up to 2055/,
      /depth 2048/,
    ]);
    assert.equal(e.format(), 'built.vta:1:1: error sram-out-of-range: ' + e.message);
    assert.equal(e.format('x', 'vta.sim.').split(': ')[1], 'error vta.sim.sram-out-of-range');
  });

  it('LOAD exactly filling the buffer is fine', () => {
    const { b, t } = setup();
    b.load(MemType.INP, { sram: 2040, dram: t.x, x: 4, pad: [0, 0, 2, 2] });
    b.finish();
    assert.equal(simulate(b.build()).status, 'finished');
  });

  it('LOAD UOP past the UOP buffer', () => {
    const { b, t } = setup();
    b.load(MemType.UOP, { sram: 8190, dram: t.u, x: 1, pad: [0, 0, 0, 2] });
    b.finish();
    expectError(b.build(), 'sram-out-of-range', 0, [/LOAD UOP writes 3 micro-ops/, /depth 8192/]);
  });

  for (const [field, depth, uop, loops] of [
    ['dst', 2048, { dst: 2040, src: 0, wgt: 0 }, { outer: 5, dstOut: 2 }],
    ['src', 2048, { dst: 0, src: 2047, wgt: 0 }, { inner: 2, srcIn: 1 }],
    ['wgt', 1024, { dst: 0, src: 0, wgt: 1020 }, { outer: 5, wgtOut: 1 }],
  ] as const) {
    it(`GEMM: computed ${field} row past the depth (loops included)`, () => {
      const { b, t } = setup([uop]);
      b.load(MemType.UOP, { sram: 0, dram: t.u, x: 1 });
      b.gemm({ uop: [0, 1], ...loops });
      b.finish();
      expectError(b.build(), 'sram-out-of-range', 1, [
        new RegExp(`${field} ${Object.values(uop)[['dst', 'src', 'wgt'].indexOf(field)]}`),
        new RegExp(`depth ${depth}`),
        /GEMM reaches/,
      ]);
    });
  }

  it('ALU: tensor-tensor source row and destination row past the ACC depth', () => {
    for (const [uop, what] of [
      [{ dst: 0, src: 2047, wgt: 0 }, 'src'],
      [{ dst: 2047, src: 0, wgt: 0 }, 'dst'],
    ] as const) {
      const { b, t } = setup([uop]);
      b.load(MemType.UOP, { sram: 0, dram: t.u, x: 1 });
      b.alu('ADD', { uop: [0, 1], inner: 2, ...(what === 'dst' ? { dstIn: 1 } : { srcIn: 1 }) });
      b.finish();
      expectError(b.build(), 'sram-out-of-range', 1, [new RegExp(`ALU reaches ACC row 2048 \\(micro-op 0 ${what}`)]);
    }
  });

  it('a micro-op range past the UOP buffer', () => {
    const { b } = setup();
    b.gemm({ uop: [8190, 8193] });
    b.finish();
    expectError(b.build(), 'uop-out-of-range', 0, [/micro-ops 8190\.\.8192/, /depth 8192/]);
  });

  it('STORE reading past the ACC/OUT buffer', () => {
    const { b, t } = setup();
    b.store({ sram: 2046, dram: t.y, x: 3 });
    b.finish();
    expectError(b.build(), 'sram-out-of-range', 0, [/STORE reads 3 rows from sram_base 2046/]);
  });
});

describe('DRAM image bounds', () => {
  it('LOAD reading past the image', () => {
    const { b, t } = setup();
    b.load(MemType.ACC, { sram: 0, dram: t.a + 14, y: 2, x: 4, stride: 3 });
    b.finish();
    const p = b.build();
    expectError(p, 'dram-out-of-range', 0, [new RegExp(`past the ${p.dram.length}-byte DRAM image`), /stride 3/]);
  });

  it('STORE writing past the image', () => {
    const { b, t } = setup();
    b.store({ sram: 0, dram: t.y + 15, x: 2 });
    b.finish();
    expectError(b.build(), 'dram-out-of-range', 0, [/STORE writes DRAM bytes/]);
  });
});

describe('fields fsim rejects', () => {
  it('a load-module instruction with a prev flag, a store with a next flag (fsim crashes)', () => {
    for (const [fields, index] of [
      [{ opcode: Opcode.LOAD, memory_type: MemType.INP, pop_prev_dep: 1 }, 0],
      [{ opcode: Opcode.STORE, memory_type: MemType.OUT, push_next_dep: 1 }, 0],
    ] as const) {
      const b = new ProgramBuilder();
      b.raw(fields);
      b.finish();
      expectError(b.build(), 'illegal-dep-flag', index, [/(pop_prev_dep|push_next_dep) set/]);
    }
  });

  it('STORE with padding, or from another memory type than OUT', () => {
    const { b, t } = setup();
    b.raw({
      opcode: Opcode.STORE,
      memory_type: MemType.OUT,
      dram_base: t.y,
      y_size: 1,
      x_size: 1,
      x_stride: 1,
      x_pad_1: 1,
    });
    b.finish();
    expectError(b.build(), 'bad-store-padding', 0, [/x 0,1/]);
    const c = setup();
    c.b.raw({ opcode: Opcode.STORE, memory_type: MemType.ACC, dram_base: c.t.y, y_size: 1, x_size: 1, x_stride: 1 });
    c.b.finish();
    expectError(c.b.build(), 'bad-store-type', 0, [/memory_type 3 \(ACC\)/]);
  });

  it('LOAD of OUT or an unknown memory type', () => {
    for (const type of [MemType.OUT, 6]) {
      const { b, t } = setup();
      b.raw({ opcode: Opcode.LOAD, memory_type: type, dram_base: t.y, y_size: 1, x_size: 1, x_stride: 1 });
      b.finish();
      expectError(b.build(), 'bad-load-type', 0, [new RegExp(`memory_type ${type}`)]);
    }
  });

  it('unknown opcode and unknown ALU opcode', () => {
    const b = new ProgramBuilder();
    b.raw({ opcode: 6 });
    b.finish();
    expectError(b.build(), 'unknown-opcode', 0, [/opcode 6/]);
    const c = setup();
    c.b.load(MemType.UOP, { sram: 0, dram: c.t.u, x: 1 });
    c.b.raw({ opcode: Opcode.ALU, alu_opcode: 6, uop_bgn: 0, uop_end: 1, iter_out: 1, iter_in: 1 });
    c.b.finish();
    expectError(c.b.build(), 'unknown-alu-opcode', 1, [/ALU opcode 6/]);
  });
});

describe('deadlock and missing FINISH (fsim would hang)', () => {
  it('examples/defects/deadlock.vta: compute waits on ld->ex, load has nothing left', () => {
    const file = 'examples/defects/deadlock.vta';
    const p = assembleText(readFileSync(file, 'utf8'), { file }).program!;
    for (const mode of MODES) {
      const r = simulate(p, { mode });
      assert.equal(r.status, 'deadlock', mode);
      const e = r.error!;
      assert.equal(e.code, 'deadlock');
      assert.equal(e.chain!.length, 1);
      assert.deepEqual(
        { ...e.chain![0]!, source: undefined },
        {
          module: 'ex',
          insnIndex: 4,
          queue: 'ld->ex',
          source: undefined,
          producer: { module: 'ld', state: 'done', pushed: 1, popped: 1 },
        },
      );
      // The `pop ld->ex` line, as `vta check` reports it; the GEMM that carries the flag is related.
      assert.equal(e.source!.start.line + 1, 19, 'the second pop ld->ex line');
      assert.deepEqual(
        e.related!.map((x) => [x.source.start.line + 1, x.message]),
        [[20, 'the blocked instruction 4, which carries this pop']],
      );
      assert.match(
        e.format(file),
        /^examples\/defects\/deadlock\.vta:19:3: error deadlock: deadlock before FINISH: compute waits at instruction 4 \(line 20\) for a token on ld->ex; load has no instructions left/,
      );
      assert.deepEqual(r.unexecuted, [4, 5, 6]);
    }
  });

  it('a waiting cycle: load waits on ex->ld while compute waits on ld->ex', () => {
    const { b, t } = setup();
    b.pop('ex->ld');
    b.load(MemType.INP, { sram: 0, dram: t.x, x: 1 });
    b.push('ld->ex');
    b.pop('ld->ex');
    b.load(MemType.UOP, { sram: 0, dram: t.u, x: 1 });
    b.push('ex->ld');
    b.finish();
    for (const mode of MODES) {
      const e = simulate(b.build(), { mode }).error!;
      assert.equal(e.code, 'deadlock');
      assert.deepEqual(
        e.chain!.map((l) => [l.module, l.queue, l.producer.state]),
        [
          ['ld', 'ex->ld', 'waiting'],
          ['ex', 'ld->ex', 'waiting'],
        ],
      );
      assert.match(e.message, /compute is itself waiting \(a cycle\)|load is itself waiting \(a cycle\)/);
    }
  });

  it('a stream without FINISH', () => {
    const { b, t } = setup();
    b.load(MemType.INP, { sram: 0, dram: t.x, x: 1 });
    b.load(MemType.UOP, { sram: 0, dram: t.u, x: 1 });
    for (const mode of MODES) {
      const r = simulate(b.build(), { mode });
      assert.equal(r.error?.code, 'missing-finish', mode);
      assert.match(r.error!.message, /all 2 instructions ran and none was FINISH/);
    }
  });

  it('timing: a full command queue that starves another module is a deadlock fsim does not have', () => {
    const { b, t } = setup();
    b.pop('ex->ld');
    for (let k = 0; k < 600; k++) b.load(MemType.INP, { sram: k % 16, dram: t.x, x: 1 });
    b.load(MemType.UOP, { sram: 0, dram: t.u, x: 1 });
    b.push('ex->ld');
    b.finish();
    const p = b.build();
    assert.equal(simulate(p).status, 'finished', 'functional: fine');
    const r = simulate(p, { mode: 'both' });
    assert.equal(r.status, 'deadlock');
    assert.match(
      r.error!.message,
      /compute cannot receive its next instruction \(600\): fetch is stuck because load's command queue is full \(512 entries\)/,
    );
    assert.match(r.error!.message, /load waits at instruction 0 .* for a token on ex->ld/);
  });
});
