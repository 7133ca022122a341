/**
 * Per-instruction facts the schedulers look at on every step, computed once:
 * module, the queues popped and pushed (bit masks in QUEUES order), illegal flags,
 * and each module's instructions in program order.
 */
import { MemType as MemType_, MODULES, Opcode as Opcode_, queueOfFlag } from '../isa';
import type { DepFlag } from '../isa';
import type { Program } from '../program/program';
import { queueIndex } from './tokens';

export interface ProgramInfo {
  n: number;
  /** 0 load, 1 compute, 2 store (MODULES order). */
  module: Uint8Array;
  popMask: Uint8Array;
  pushMask: Uint8Array;
  /** Names of illegal flags per instruction (empty for almost all). */
  illegal: Map<number, string[]>;
  /** Program indices of each module's instructions, in order. */
  modList: Int32Array[];
}

// Module-local copies of imported constants read in the loop (see timing.ts).
const Opcode = Opcode_;
const MemType = MemType_;

const FLAGS: readonly DepFlag[] = ['pop_prev_dep', 'pop_next_dep', 'push_prev_dep', 'push_next_dep'];
/** For module m (MODULES order) and flag f (FLAGS order): the queue's index, or -1 for an illegal flag. */
const FLAG_QUEUE = MODULES.map((id) => FLAGS.map((flag) => {
  const q = queueOfFlag(id, flag);
  return q === undefined ? -1 : queueIndex(q);
}));

export function programInfo(p: Program): ProgramInfo {
  const n = p.insns.length;
  const module = new Uint8Array(n);
  const popMask = new Uint8Array(n);
  const pushMask = new Uint8Array(n);
  const illegal = new Map<number, string[]>();
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const insn = p.insns[i]!.insn;
    // moduleOf, as an index: read on every instruction of every run.
    const op = insn.opcode;
    const m = op === Opcode.STORE ? 2 : op === Opcode.LOAD && (insn.memory_type === MemType.INP || insn.memory_type === MemType.WGT) ? 0 : 1;
    module[i] = m;
    counts[m]!++;
    if (!(insn.pop_prev_dep | insn.pop_next_dep | insn.push_prev_dep | insn.push_next_dep)) continue;
    const flags = [insn.pop_prev_dep, insn.pop_next_dep, insn.push_prev_dep, insn.push_next_dep];
    for (let f = 0; f < 4; f++) {
      if (!flags[f]) continue;
      const q = FLAG_QUEUE[m]![f]!;
      if (q < 0) illegal.set(i, [...(illegal.get(i) ?? []), FLAGS[f]!]);
      else if (f < 2) popMask[i] |= 1 << q;
      else pushMask[i] |= 1 << q;
    }
  }
  const modList = counts.map((c) => new Int32Array(c));
  const fill = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const m = module[i]!;
    modList[m]![fill[m]!++] = i;
  }
  return { n, module, popMask, pushMask, illegal, modList };
}
