/**
 * The dump's running token-queue balances (vta-isa.md §6.2 "How the counters are
 * updated"), recomputed from the parsed instructions so that the printed values
 * can be checked.
 */
import { MemType, Opcode, type Insn } from '../../isa';
import type { DumpCounters, DumpVariant } from './types';

export const zeroCounters = (): DumpCounters => ({ l2g: 0, g2l: 0, s2g: 0, g2s: 0 });

/**
 * Applies one instruction to the balances. The runtime skips FINISH; the test
 * library counts FINISH's flags as a compute instruction (its printInstruction
 * does, and gemm_test's FINISH pop is what balances the STORE's push).
 */
export function applyCounters(c: DumpCounters, insn: Insn, variant: DumpVariant): DumpCounters {
  const next = { ...c };
  const { opcode } = insn;
  if (opcode === Opcode.STORE) {
    if (insn.pop_prev_dep) next.g2s--;
    if (insn.push_prev_dep) next.s2g++;
  } else if (opcode === Opcode.LOAD && (insn.memory_type === MemType.INP || insn.memory_type === MemType.WGT)) {
    if (insn.pop_next_dep) next.g2l--;
    if (insn.push_next_dep) next.l2g++;
  } else if (
    opcode === Opcode.LOAD ||
    opcode === Opcode.GEMM ||
    opcode === Opcode.ALU ||
    (opcode === Opcode.FINISH && variant === 'test-lib')
  ) {
    if (insn.pop_prev_dep) next.l2g--;
    if (insn.push_prev_dep) next.g2l++;
    if (insn.pop_next_dep) next.s2g--;
    if (insn.push_next_dep) next.g2s++;
  }
  return next;
}

export const sameCounters = (a: DumpCounters, b: DumpCounters): boolean =>
  a.l2g === b.l2g && a.g2l === b.g2l && a.s2g === b.s2g && a.g2s === b.g2s;
