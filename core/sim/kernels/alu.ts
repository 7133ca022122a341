/**
 * ALU execution (vta-isa.md §4.6, fsim RunALU). The destination row is the left
 * operand and is overwritten in place; the right operand is the sign-extended
 * immediate or a source ACC row. Micro-ops run in order, so a source row written
 * by an earlier micro-op of the same instruction is seen updated, as in fsim.
 *
 * fsim's semantics where hardware differs (docs/SIMULATOR.md):
 * - SHR: y ≥ 0 shifts right arithmetically by y, y < 0 shifts left by −y. C leaves
 *   counts ≥ 32 undefined; fsim compiled for x86 masks the count to 5 bits, and
 *   JavaScript's `>>`/`<<` mask it the same way.
 * - MUL: the low 32 bits of the product (Math.imul), as fsim's int32 multiply.
 */
import type { Insn } from '../../isa';
import { AluOp } from '../../isa';
import type { SimMemory } from '../memory';

export function aluExecute(mem: SimMemory, insn: Insn): void {
  const lanes = mem.geometry.accLanes;
  const acc = mem.acc,
    uD = mem.uopDst,
    uS = mem.uopSrc;
  const op = insn.alu_opcode;
  const useImm = insn.use_imm !== 0;
  const imm = insn.imm; // already sign-extended from 16 bits by the decoder
  for (let io = 0; io < insn.iter_out; io++) {
    for (let ii = 0; ii < insn.iter_in; ii++) {
      const offD = io * insn.dst_factor_out + ii * insn.dst_factor_in;
      const offS = io * insn.src_factor_out + ii * insn.src_factor_in;
      for (let u = insn.uop_bgn; u < insn.uop_end; u++) {
        const d = (uD[u]! + offD) * lanes;
        const s = (uS[u]! + offS) * lanes;
        if (useImm) aluRowImm(acc, d, lanes, op, imm);
        else aluRowTensor(acc, d, s, lanes, op);
      }
    }
  }
}

function aluRowImm(acc: Int32Array, d: number, n: number, op: number, y: number): void {
  const e = d + n;
  switch (op) {
    case AluOp.MIN:
      for (let p = d; p < e; p++) {
        const x = acc[p]!;
        acc[p] = x < y ? x : y;
      }
      break;
    case AluOp.MAX:
      for (let p = d; p < e; p++) {
        const x = acc[p]!;
        acc[p] = x > y ? x : y;
      }
      break;
    case AluOp.ADD:
      for (let p = d; p < e; p++) acc[p] = (acc[p]! + y) | 0;
      break;
    case AluOp.SHR:
      if (y >= 0) for (let p = d; p < e; p++) acc[p] = acc[p]! >> y;
      else for (let p = d; p < e; p++) acc[p] = acc[p]! << -y;
      break;
    case AluOp.MUL:
      for (let p = d; p < e; p++) acc[p] = Math.imul(acc[p]!, y);
      break;
  }
}

function aluRowTensor(acc: Int32Array, d: number, s: number, n: number, op: number): void {
  switch (op) {
    case AluOp.MIN:
      for (let l = 0; l < n; l++) {
        const x = acc[d + l]!,
          y = acc[s + l]!;
        acc[d + l] = x < y ? x : y;
      }
      break;
    case AluOp.MAX:
      for (let l = 0; l < n; l++) {
        const x = acc[d + l]!,
          y = acc[s + l]!;
        acc[d + l] = x > y ? x : y;
      }
      break;
    case AluOp.ADD:
      for (let l = 0; l < n; l++) acc[d + l] = (acc[d + l]! + acc[s + l]!) | 0;
      break;
    case AluOp.SHR:
      for (let l = 0; l < n; l++) {
        const x = acc[d + l]!,
          y = acc[s + l]!;
        acc[d + l] = y >= 0 ? x >> y : x << -y;
      }
      break;
    case AluOp.MUL:
      for (let l = 0; l < n; l++) acc[d + l] = Math.imul(acc[d + l]!, acc[s + l]!);
      break;
  }
}
