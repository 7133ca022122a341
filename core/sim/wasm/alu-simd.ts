/**
 * The ALU as one WebAssembly SIMD function (vta-isa.md §4.6, fsim RunALU), generated
 * for one geometry: alu(op, useImm, imm, uopBgn, uopEnd, iterOut, iterIn, dfo, dfi,
 * sfo, sfi) runs the loop nest of one instruction. One loop nest per (opcode, operand
 * kind) is chosen once per call.
 *
 * Each micro-op reads its whole source row and destination row before writing the
 * destination, and micro-ops run in order, so a row written by an earlier micro-op is
 * seen updated, as in fsim. A destination and a source row are either the same row or
 * disjoint, so lane-wise vector operations give the same bits as fsim's lane loop.
 *
 * Semantics as kernels/alu.ts: i32x4.mul keeps the low 32 bits (Math.imul), i32x4.add
 * wraps, shift counts are taken modulo 32 (as x86 fsim and JavaScript do), SHR by a
 * negative amount shifts left. WebAssembly SIMD has no per-lane variable shift, so
 * tensor SHR runs lane by lane with scalar shifts, which mask their count the same way.
 */
import { AluOp } from '../../isa';
import type { SimGeometry } from '../geometry';
import type { KernelLayout } from './layout';
import { Code, I32, Op, Simd, V128 } from './encoder';
import { declareHardwareLoops, emitHardwareLoops, emitLoopOffset } from './hardware-loops';

export function emitAlu(g: SimGeometry, L: KernelLayout): Code {
  const c = new Code(Array.from({ length: 11 }, () => I32));
  const [op, useImm, imm, uopBgn, uopEnd, iterOut, iterIn, dfo, dfi, sfo, sfi] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
  ] as const;
  const loops = declareHardwareLoops(c, uopBgn, uopEnd);
  const { up } = loops;
  const offD = c.local(I32),
    offS = c.local(I32),
    d = c.local(I32),
    s = c.local(I32);
  const count = c.local(I32),
    x = c.local(I32),
    y = c.local(I32);
  const ys = c.local(V128);
  const sA = Math.log2(g.accLanes * 4);
  const vectors = g.accLanes / 4;

  c.get(imm).simd(Simd.i32x4Splat).set(ys);

  const nest = (tensor: boolean, row: () => void) => {
    emitHardwareLoops(
      c,
      loops,
      iterOut,
      iterIn,
      () => {
        emitLoopOffset(c, loops, dfo, dfi, offD);
        if (tensor) emitLoopOffset(c, loops, sfo, sfi, offS);
      },
      () => {
        c.get(up).i32Load(L.uopDst).get(offD).op(Op.i32Add).i32(sA).op(Op.i32Shl).set(d);
        if (tensor) c.get(up).i32Load(L.uopSrc).get(offS).op(Op.i32Add).i32(sA).op(Op.i32Shl).set(s);
        row();
      },
    );
    c.ret();
  };
  // dst vector v ← f(dst vector v, operand)
  const vectorRow = (operand: (v: number) => void, simdOp: number) => () => {
    for (let v = 0; v < vectors; v++) {
      c.get(d);
      c.get(d).v128Load(L.acc + v * 16);
      operand(v);
      c.simd(simdOp).v128Store(L.acc + v * 16);
    }
  };
  const immOperand = () => c.get(ys);
  const rowOperand = (v: number) => c.get(s).v128Load(L.acc + v * 16);
  const shiftRow = (simdOp: number) => () => {
    for (let v = 0; v < vectors; v++)
      c.get(d)
        .get(d)
        .v128Load(L.acc + v * 16)
        .get(count)
        .simd(simdOp)
        .v128Store(L.acc + v * 16);
  };
  const when = (opcode: number, immediate: boolean, body: () => void) => {
    c.get(op).i32(opcode).op(Op.i32Eq);
    c.get(useImm)
      .op(Op.i32Eqz)
      .op(Op.i32Eqz)
      .i32(immediate ? 1 : 0)
      .op(Op.i32Eq);
    c.op(Op.i32And);
    c.ifThen(body);
  };

  const lanewise: Array<[number, number]> = [
    [AluOp.MIN, Simd.i32x4MinS],
    [AluOp.MAX, Simd.i32x4MaxS],
    [AluOp.ADD, Simd.i32x4Add],
    [AluOp.MUL, Simd.i32x4Mul],
  ];
  for (const [opcode, simdOp] of lanewise) {
    when(opcode, true, () => nest(false, vectorRow(immOperand, simdOp)));
    when(opcode, false, () => nest(true, vectorRow(rowOperand, simdOp)));
  }
  // SHR by an immediate: one direction for the whole instruction.
  when(AluOp.SHR, true, () => {
    c.get(imm).i32(0).op(Op.i32GeS);
    c.ifThen(() => {
      c.get(imm).set(count);
      nest(false, shiftRow(Simd.i32x4ShrS));
    });
    c.i32(0).get(imm).op(Op.i32Sub).set(count);
    nest(false, shiftRow(Simd.i32x4Shl));
  });
  // SHR by a tensor: per lane, y ≥ 0 ? x >> y : x << −y.
  when(AluOp.SHR, false, () =>
    nest(true, () => {
      for (let l = 0; l < g.accLanes; l++) {
        c.get(d)
          .i32Load(L.acc + l * 4)
          .set(x);
        c.get(s)
          .i32Load(L.acc + l * 4)
          .set(y);
        c.get(d);
        c.get(x).get(y).op(Op.i32ShrS);
        c.get(x).i32(0).get(y).op(Op.i32Sub).op(Op.i32Shl);
        c.get(y).i32(0).op(Op.i32GeS);
        c.op(Op.select).i32Store(L.acc + l * 4);
      }
    }),
  );
  return c;
}
