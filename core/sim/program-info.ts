/**
 * Per-instruction facts the schedulers look at on every step, computed once:
 * module, the queues popped and pushed (bit masks in QUEUES order), illegal flags,
 * and each module's instructions in program order.
 */
import { MODULES, queueOfFlag } from '../isa';
import type { DepFlag } from '../isa';
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
/**
 * For module m and flag f (FLAGS order), QUEUE_OF[m * 4 + f]: the queue index the flag
 * names, or -1 where the module has no such queue.
 */
const QUEUE_OF = MODULES.flatMap((id) =>
  FLAGS.map((flag) => {
    const q = queueOfFlag(id, flag);
    return q === undefined ? -1 : queueIndex(q);
  }),
);

/** An instruction's module (MODULES order) and dependency flags (bit f: FLAGS[f]), by index. */
export interface InsnFacts {
  module(index: number): number;
  depFlags(index: number): number;
}

/**
 * Built from the executor's packed instruction table (exec.ts) rather than the
 * Program's instruction objects: reading those is cache misses, and the table has
 * already read them once.
 */
export function programInfo(n: number, facts: InsnFacts): ProgramInfo {
  const module = new Uint8Array(n);
  const popMask = new Uint8Array(n);
  const pushMask = new Uint8Array(n);
  const illegal = new Map<number, string[]>();
  const counts = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const m = facts.module(i);
    module[i] = m;
    counts[m]!++;
    const flags = facts.depFlags(i);
    if (flags === 0) continue;
    for (let f = 0; f < 4; f++) {
      if (!(flags & (1 << f))) continue;
      const q = QUEUE_OF[m * 4 + f]!;
      if (q < 0) illegal.set(i, [...(illegal.get(i) ?? []), FLAGS[f]!]);
      else if (f < 2) popMask[i] |= 1 << q;
      else pushMask[i] |= 1 << q;
    }
  }
  // An array literal, not counts.map(): map's result array had a different elements kind
  // (so a different map) once map was optimized, and every loop that read modList
  // deoptimized after the first runs (the timing batch loop's replacement code was slower).
  const modList = [new Int32Array(counts[0]!), new Int32Array(counts[1]!), new Int32Array(counts[2]!)];
  const fill = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const m = module[i]!;
    modList[m]![fill[m]!++] = i;
  }
  return { n, module, popMask, pushMask, illegal, modList };
}
