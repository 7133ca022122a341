/**
 * Per-instruction facts the schedulers look at on every step, computed once:
 * module, the queues popped and pushed (bit masks in QUEUES order), illegal flags,
 * and each module's instructions in program order.
 */
import { MODULES, moduleOf, queueOfFlag } from '../isa';
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

const FLAGS: readonly DepFlag[] = ['pop_prev_dep', 'pop_next_dep', 'push_prev_dep', 'push_next_dep'];

export function programInfo(p: Program): ProgramInfo {
  const n = p.insns.length;
  const module = new Uint8Array(n);
  const popMask = new Uint8Array(n);
  const pushMask = new Uint8Array(n);
  const illegal = new Map<number, string[]>();
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const insn = p.insns[i]!.insn;
    const id = moduleOf(insn);
    const m = MODULES.indexOf(id);
    module[i] = m;
    counts[m]!++;
    for (const flag of FLAGS) {
      if (!insn[flag]) continue;
      const q = queueOfFlag(id, flag);
      if (q === undefined) illegal.set(i, [...(illegal.get(i) ?? []), flag]);
      else if (flag.startsWith('pop')) popMask[i] |= 1 << queueIndex(q);
      else pushMask[i] |= 1 << queueIndex(q);
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
